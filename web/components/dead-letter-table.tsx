"use client";

import { RotateCwIcon, Trash2Icon } from "lucide-react";
import Link from "next/link";

import { DeadLetterStatusBadge } from "@/components/dead-letter-status-badge";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/lib/format";
import { deadLetterExecutionId, type DeadLetter } from "@/lib/validations/job";

export interface DeadLetterTableProps {
  deadLetters: readonly DeadLetter[];
  /** The dead letter an action is running for: its buttons are disabled. */
  busyId?: string | null;
  onOpen: (d: DeadLetter) => void;
  onRequeue: (d: DeadLetter) => void;
  onDiscard: (d: DeadLetter) => void;
}

/** The last error of a failed job, the one that made it fail for good. */
function lastError(d: DeadLetter): string {
  const last = d.errors.reduce<DeadLetter["errors"][number] | null>(
    (acc, e) => (acc === null || e.attempt >= acc.attempt ? e : acc),
    null,
  );
  return last?.error ?? "";
}

/** Failed jobs as a table: when (opens the details), kind, run, last error, attempts, status, actions. */
export function DeadLetterTable({ deadLetters, busyId = null, onOpen, onRequeue, onDiscard }: DeadLetterTableProps) {
  return (
    <div className="overflow-x-auto rounded-md border">
      <table className="w-full text-sm" aria-label="Failed jobs">
        <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Failed</th>
            <th scope="col" className="px-3 py-2 font-medium">Job</th>
            <th scope="col" className="px-3 py-2 font-medium">Last error</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Attempts</th>
            <th scope="col" className="px-3 py-2 font-medium">Status</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deadLetters.map((d) => {
            const executionId = deadLetterExecutionId(d);
            const busy = busyId === d.id;
            return (
              <tr key={d.id} className="border-t align-top">
                <td className="px-3 py-2 whitespace-nowrap">
                  <button
                    type="button"
                    onClick={() => onOpen(d)}
                    className="font-medium underline-offset-4 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                    aria-label={`Details of the failed ${d.kind} job of ${formatDateTime(d.createdAt)}`}
                  >
                    <time dateTime={d.createdAt}>{formatDateTime(d.createdAt)}</time>
                  </button>
                </td>
                <td className="px-3 py-2 whitespace-nowrap">
                  <span className="font-mono text-xs">{d.kind}</span>
                  {executionId ? (
                    <Link
                      href={`/history/view/?id=${encodeURIComponent(executionId)}`}
                      className="ml-2 text-xs text-muted-foreground underline underline-offset-4 hover:text-foreground"
                    >
                      Open run
                    </Link>
                  ) : null}
                </td>
                <td className="min-w-56 max-w-96 px-3 py-2">
                  <span className="line-clamp-2 break-words font-mono text-xs" title={lastError(d)}>
                    {lastError(d) || "—"}
                  </span>
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{d.attempts}</td>
                <td className="px-3 py-2">
                  <DeadLetterStatusBadge status={d.status} />
                </td>
                <td className="px-3 py-2">
                  {d.status === "open" ? (
                    <div className="flex justify-end gap-1">
                      <Button
                        size="sm"
                        variant="outline"
                        disabled={busy}
                        onClick={() => onRequeue(d)}
                        aria-label={`Requeue the failed ${d.kind} job of ${formatDateTime(d.createdAt)}`}
                      >
                        <RotateCwIcon aria-hidden="true" />
                        Requeue
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        disabled={busy}
                        onClick={() => onDiscard(d)}
                        aria-label={`Discard the failed ${d.kind} job of ${formatDateTime(d.createdAt)}`}
                      >
                        <Trash2Icon aria-hidden="true" />
                        Discard
                      </Button>
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
