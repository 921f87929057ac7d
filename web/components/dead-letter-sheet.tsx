"use client";

import { RotateCwIcon, Trash2Icon } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";

import { DeadLetterStatusBadge } from "@/components/dead-letter-status-badge";
import { JobErrorList } from "@/components/job-error-list";
import { JsonView } from "@/components/json-view";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetTitle } from "@/components/ui/sheet";
import { formatDateTime } from "@/lib/format";
import { deadLetterExecutionId, type DeadLetter } from "@/lib/validations/job";

export interface DeadLetterSheetProps {
  /** The dead letter shown; null closes the drawer. */
  deadLetter: DeadLetter | null;
  busy?: boolean;
  onClose: () => void;
  onRequeue: (d: DeadLetter) => void;
  onDiscard: (d: DeadLetter) => void;
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

/** A drawer with one failed job: what it ran with, every attempt's error, its request id, and its actions. */
export function DeadLetterSheet({ deadLetter: d, busy = false, onClose, onRequeue, onDiscard }: DeadLetterSheetProps) {
  const executionId = d ? deadLetterExecutionId(d) : null;
  return (
    <Sheet open={d !== null} onOpenChange={(open) => (open ? undefined : onClose())}>
      <SheetContent side="right" closeLabel="Close details">
        {d ? (
          <div className="grid gap-5 pr-6">
            <div className="grid gap-1">
              <SheetTitle className="text-lg font-semibold">Failed {d.kind} job</SheetTitle>
              <SheetDescription className="text-sm text-muted-foreground">
                Failed for good after {d.attempts} {d.attempts === 1 ? "attempt" : "attempts"}.
              </SheetDescription>
            </div>
            <dl className="grid gap-2 text-sm sm:grid-cols-[8rem_1fr]">
              <Meta label="Status">
                <DeadLetterStatusBadge status={d.status} />
              </Meta>
              <Meta label="Failed">
                <time dateTime={d.createdAt}>{formatDateTime(d.createdAt)}</time>
              </Meta>
              <Meta label="Updated">
                <time dateTime={d.updatedAt}>{formatDateTime(d.updatedAt)}</time>
              </Meta>
              <Meta label="Job">
                <span className="font-mono text-xs">#{d.jobId}</span>
              </Meta>
              <Meta label="Request id">
                {d.requestId ? (
                  <code className="font-mono text-xs">{d.requestId}</code>
                ) : (
                  <span className="text-muted-foreground">None</span>
                )}
              </Meta>
              {executionId ? (
                <Meta label="Run">
                  <Link
                    href={`/history/view/?id=${encodeURIComponent(executionId)}`}
                    className="underline underline-offset-4"
                  >
                    Open the run
                  </Link>
                </Meta>
              ) : null}
            </dl>
            {d.status === "open" ? (
              <div className="flex flex-wrap gap-2" role="toolbar" aria-label="Failed job actions">
                <Button onClick={() => onRequeue(d)} disabled={busy}>
                  <RotateCwIcon aria-hidden="true" />
                  Requeue
                </Button>
                <Button variant="outline" onClick={() => onDiscard(d)} disabled={busy}>
                  <Trash2Icon aria-hidden="true" />
                  Discard
                </Button>
              </div>
            ) : null}
            <section className="grid gap-2" aria-labelledby="dead-letter-errors">
              <h3 id="dead-letter-errors" className="text-sm font-semibold">
                Errors
              </h3>
              <JobErrorList errors={d.errors} />
            </section>
            <section className="grid gap-2" aria-labelledby="dead-letter-payload">
              <h3 id="dead-letter-payload" className="text-sm font-semibold">
                Payload
              </h3>
              <JsonView value={d.payload} label="Payload JSON" />
            </section>
          </div>
        ) : null}
      </SheetContent>
    </Sheet>
  );
}
