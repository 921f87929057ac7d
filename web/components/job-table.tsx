"use client";

import { BanIcon, ChevronDownIcon, ChevronRightIcon, RotateCwIcon } from "lucide-react";
import { Fragment, useState, type ReactNode } from "react";

import { JobErrorList } from "@/components/job-error-list";
import { JobStateBadge } from "@/components/job-state-badge";
import { JsonView } from "@/components/json-view";
import { Button } from "@/components/ui/button";
import { formatDateTime, formatRelative } from "@/lib/format";
import { jobCancellable, jobRetryable, type AdminJob } from "@/lib/validations/job";

export interface JobTableProps {
  jobs: readonly AdminJob[];
  /** The job an action is running for: its buttons are disabled. */
  busyId?: number | null;
  onRetry: (job: AdminJob) => void;
  onCancel: (job: AdminJob) => void;
  /** The clock relative times are measured from. */
  now: Date;
}

function When({ value, now }: { value: string | null; now: Date }) {
  if (!value) return <span className="text-muted-foreground">—</span>;
  return (
    <time dateTime={value} title={formatDateTime(value)}>
      {formatRelative(value, now)}
    </time>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted-foreground">{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

const COLUMNS = 9;

/** River jobs as a table; a row opens to show its args, errors and exact times, with Retry and Cancel. */
export function JobTable({ jobs, busyId = null, onRetry, onCancel, now }: JobTableProps) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="overflow-x-auto rounded-md border">
      <table className="w-full text-sm" aria-label="Jobs">
        <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
          <tr>
            <th scope="col" className="w-8 px-2 py-2">
              <span className="sr-only">Details</span>
            </th>
            <th scope="col" className="px-3 py-2 font-medium">ID</th>
            <th scope="col" className="px-3 py-2 font-medium">Kind</th>
            <th scope="col" className="px-3 py-2 font-medium">Queue</th>
            <th scope="col" className="px-3 py-2 font-medium">State</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Attempts</th>
            <th scope="col" className="px-3 py-2 font-medium">Created</th>
            <th scope="col" className="px-3 py-2 font-medium">Last attempt</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => {
            const expanded = open.has(j.id);
            const busy = busyId === j.id;
            const detailsId = `job-${j.id}-details`;
            return (
              <Fragment key={j.id}>
                <tr className="border-t" data-job-id={j.id}>
                  <td className="px-2 py-2">
                    <Button
                      variant="ghost"
                      size="icon"
                      className="size-7"
                      aria-expanded={expanded}
                      aria-controls={expanded ? detailsId : undefined}
                      aria-label={`${expanded ? "Hide" : "Show"} details of job ${j.id}`}
                      onClick={() => toggle(j.id)}
                    >
                      {expanded ? <ChevronDownIcon aria-hidden="true" /> : <ChevronRightIcon aria-hidden="true" />}
                    </Button>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs tabular-nums">{j.id}</td>
                  <td className="px-3 py-2 font-mono text-xs">{j.kind}</td>
                  <td className="px-3 py-2 font-mono text-xs">{j.queue}</td>
                  <td className="px-3 py-2">
                    <JobStateBadge state={j.state} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums" aria-label={`${j.attempt} of ${j.maxAttempts} attempts`}>
                    {j.attempt}/{j.maxAttempts}
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <When value={j.createdAt} now={now} />
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <When value={j.attemptedAt} now={now} />
                  </td>
                  <td className="px-3 py-2">
                    <div className="flex justify-end gap-1">
                      {jobRetryable(j.state) ? (
                        <Button
                          size="sm"
                          variant="outline"
                          disabled={busy}
                          onClick={() => onRetry(j)}
                          aria-label={`Retry job ${j.id}`}
                        >
                          <RotateCwIcon aria-hidden="true" />
                          Retry
                        </Button>
                      ) : null}
                      {jobCancellable(j.state) ? (
                        <Button
                          size="sm"
                          variant="ghost"
                          disabled={busy}
                          onClick={() => onCancel(j)}
                          aria-label={`Cancel job ${j.id}`}
                        >
                          <BanIcon aria-hidden="true" />
                          Cancel
                        </Button>
                      ) : null}
                    </div>
                  </td>
                </tr>
                {expanded ? (
                  <tr id={detailsId} className="bg-muted/20">
                    <td colSpan={COLUMNS} className="px-3 py-3">
                      <div className="grid gap-4 lg:grid-cols-2" role="group" aria-label={`Details of job ${j.id}`}>
                        <div className="grid content-start gap-3">
                          <dl className="grid grid-cols-[8rem_1fr] gap-1 text-xs">
                            <Meta label="Created">{formatDateTime(j.createdAt)}</Meta>
                            <Meta label="Scheduled">{formatDateTime(j.scheduledAt)}</Meta>
                            <Meta label="Last attempt">{formatDateTime(j.attemptedAt)}</Meta>
                            <Meta label="Finalized">{formatDateTime(j.finalizedAt)}</Meta>
                          </dl>
                          <JsonView value={j.args} label={`Args of job ${j.id}`} />
                        </div>
                        <JobErrorList errors={j.errors} label={`Errors of job ${j.id}`} />
                      </div>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
