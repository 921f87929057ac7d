import { Badge, type BadgeProps } from "@/components/ui/badge";
import type { DeadLetterStatus } from "@/lib/validations/job";

const labels: Record<DeadLetterStatus, string> = {
  open: "Open",
  requeued: "Requeued",
  discarded: "Discarded",
};

const variants: Record<DeadLetterStatus, BadgeProps["variant"]> = {
  open: "destructive",
  requeued: "secondary",
  discarded: "outline",
};

/** The label of a dead letter status. */
export function deadLetterStatusLabel(status: DeadLetterStatus): string {
  return labels[status];
}

/** Whether a failed job is still open, was run again or was dismissed. */
export function DeadLetterStatusBadge({ status }: { status: DeadLetterStatus }) {
  return <Badge variant={variants[status]}>{labels[status]}</Badge>;
}
