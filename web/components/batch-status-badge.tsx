import { Badge, type BadgeProps } from "@/components/ui/badge";
import type { BatchItemStatus, BatchStatus } from "@/lib/validations/batch";

const labels: Record<BatchStatus | BatchItemStatus, string> = {
  queued: "Queued",
  pending: "Pending",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  completed_with_failures: "Completed with failures",
  cancelled: "Cancelled",
};

const variants: Record<BatchStatus | BatchItemStatus, BadgeProps["variant"]> = {
  queued: "secondary",
  pending: "secondary",
  running: "secondary",
  succeeded: "success",
  failed: "destructive",
  completed_with_failures: "outline",
  cancelled: "outline",
};

/** The label of a batch's or a batch item's status. */
export function batchStatusLabel(status: BatchStatus | BatchItemStatus): string {
  return labels[status];
}

/** The status of a batch or of one of its items. */
export function BatchStatusBadge({ status }: { status: BatchStatus | BatchItemStatus }) {
  return (
    <Badge variant={variants[status]} data-testid="batch-status">
      {labels[status]}
    </Badge>
  );
}
