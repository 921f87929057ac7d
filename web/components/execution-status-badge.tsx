import { Badge, type BadgeProps } from "@/components/ui/badge";
import type { ExecutionStatus } from "@/lib/validations/execution";

const labels: Record<ExecutionStatus, string> = {
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
  timed_out: "Timed out",
};

const variants: Record<ExecutionStatus, BadgeProps["variant"]> = {
  running: "secondary",
  succeeded: "success",
  failed: "destructive",
  cancelled: "outline",
  timed_out: "destructive",
};

/** The label of a run status. */
export function executionStatusLabel(status: ExecutionStatus): string {
  return labels[status];
}

/** The status of a recorded run. */
export function ExecutionStatusBadge({ status }: { status: ExecutionStatus }) {
  return <Badge variant={variants[status]}>{labels[status]}</Badge>;
}
