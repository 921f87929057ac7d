import { Badge, type BadgeProps } from "@/components/ui/badge";
import type { ChainRunStatus, ChainStepStatus } from "@/lib/validations/chain";

type Status = ChainRunStatus | ChainStepStatus;

const labels: Record<Status, string> = {
  queued: "Queued",
  pending: "Pending",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

const variants: Record<Status, BadgeProps["variant"]> = {
  queued: "outline",
  pending: "outline",
  running: "secondary",
  succeeded: "success",
  failed: "destructive",
  cancelled: "outline",
};

/** The status of a chain run or of one of its steps. */
export function ChainRunStatusBadge({ status, ...props }: { status: Status } & Omit<BadgeProps, "variant">) {
  return (
    <Badge variant={variants[status]} {...props}>
      {labels[status]}
    </Badge>
  );
}
