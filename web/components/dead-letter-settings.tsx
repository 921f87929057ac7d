"use client";

import { InboxIcon, ShieldAlertIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { ConfirmDialog } from "@/components/confirm-dialog";
import { deadLetterStatusLabel } from "@/components/dead-letter-status-badge";
import { DeadLetterSheet } from "@/components/dead-letter-sheet";
import { DeadLetterTable } from "@/components/dead-letter-table";
import { ListPager } from "@/components/list-pager";
import { QueryError } from "@/components/query-error";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import {
  DEAD_LETTERS_PER_PAGE,
  useDeadLetters,
  useDiscardDeadLetter,
  useRequeueDeadLetter,
} from "@/hooks/use-dead-letters";
import { useMe } from "@/hooks/use-me";
import { isApiError } from "@/lib/api";
import { errorMessage } from "@/lib/forms";
import { DEAD_LETTER_STATUSES, deadLetterStatusSchema, type DeadLetter, type DeadLetterStatus } from "@/lib/validations/job";
import { personalWorkspace } from "@/lib/validations/me";

const ALL = "all";

function ListSkeleton() {
  return (
    <div role="status" aria-label="Loading failed jobs" className="grid gap-2">
      {[0, 1, 2].map((i) => (
        <Skeleton key={i} className="h-12 w-full" />
      ))}
    </div>
  );
}

function AdminsOnly() {
  return (
    <Alert>
      <ShieldAlertIcon aria-hidden="true" />
      <AlertTitle>Only workspace admins can see failed jobs</AlertTitle>
      <AlertDescription>
        <p>Ask an admin or the owner of this workspace to look at its failed background runs.</p>
      </AlertDescription>
    </Alert>
  );
}

/**
 * The failed jobs page (dead letters): background jobs of a workspace that
 * failed for good, newest first. Admins and owners open one to see its
 * payload and errors, requeue it or discard it; everyone else is told the
 * page is theirs.
 */
export function DeadLetterSettings() {
  const me = useMe();
  const [pickedId, setPickedId] = useState<string | null>(null);
  const [status, setStatus] = useState<DeadLetterStatus | typeof ALL>("open");
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<DeadLetter | null>(null);
  const [discarding, setDiscarding] = useState<DeadLetter | null>(null);
  const requeue = useRequeueDeadLetter();
  const discard = useDiscardDeadLetter();

  const workspaces = me.data?.workspaces ?? [];
  const current = workspaces.find((w) => w.id === pickedId) ?? personalWorkspace(workspaces);
  const list = useDeadLetters(
    {
      workspace: current?.id,
      status: status === ALL ? undefined : status,
      page,
      perPage: DEAD_LETTERS_PER_PAGE,
    },
    me.isSuccess,
  );

  const busyId = requeue.isPending ? requeue.variables : discard.isPending ? discard.variables : null;

  const showUpdated = (d: DeadLetter) => setSelected((s) => (s && s.id === d.id ? d : s));

  const doRequeue = async (d: DeadLetter) => {
    try {
      const next = await requeue.mutateAsync(d.id);
      showUpdated(next);
      toast.success("Job requeued", {
        description: d.kind === "execution" ? "The run starts again as a new run in the history." : "It runs again.",
      });
    } catch (err) {
      toast.error("Could not requeue the job", { description: errorMessage(err) });
    }
  };

  const doDiscard = async () => {
    if (!discarding) return;
    try {
      const next = await discard.mutateAsync(discarding.id);
      showUpdated(next);
      setDiscarding(null);
      toast.success("Job discarded");
    } catch (err) {
      setDiscarding(null);
      toast.error("Could not discard the job", { description: errorMessage(err) });
    }
  };

  if (me.isPending) {
    return (
      <Card>
        <CardHeader>
          <CardTitle>Failed jobs</CardTitle>
        </CardHeader>
        <CardContent>
          <ListSkeleton />
        </CardContent>
      </Card>
    );
  }
  if (me.isError) {
    return (
      <QueryError
        title="Could not load your workspaces"
        error={me.error}
        onRetry={() => void me.refetch()}
        retrying={me.isFetching}
      />
    );
  }

  const forbidden = list.isError && isApiError(list.error, "forbidden");

  let body;
  if (forbidden) {
    body = <AdminsOnly />;
  } else if (list.isPending) {
    body = <ListSkeleton />;
  } else if (list.isError) {
    body = (
      <QueryError
        title="Could not load the failed jobs"
        error={list.error}
        onRetry={() => void list.refetch()}
        retrying={list.isFetching}
      />
    );
  } else if (list.data.items.length === 0) {
    body = (
      <EmptyState
        icon={InboxIcon}
        title={status === "open" || status === ALL ? "No failed jobs" : `No ${deadLetterStatusLabel(status).toLowerCase()} jobs`}
        description="Background runs that fail for good show up here."
      />
    );
  } else {
    body = (
      <>
        <DeadLetterTable
          deadLetters={list.data.items}
          busyId={busyId}
          onOpen={setSelected}
          onRequeue={(d) => void doRequeue(d)}
          onDiscard={setDiscarding}
        />
        <ListPager
          page={list.data.page}
          perPage={list.data.perPage}
          total={list.data.total}
          onPage={setPage}
          label="Failed jobs pages"
        />
      </>
    );
  }

  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-4">
        <div className="grid max-w-prose gap-1.5">
          <CardTitle>Failed jobs</CardTitle>
          <CardDescription>
            Background runs that failed on every attempt. Requeue one to run it again, or discard it.
          </CardDescription>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          {workspaces.length > 1 ? (
            <div className="grid gap-1.5">
              <Label htmlFor="dead-letter-workspace">Workspace</Label>
              <Select
                id="dead-letter-workspace"
                className="w-56"
                value={current?.id ?? ""}
                onChange={(e) => {
                  setPickedId(e.target.value);
                  setPage(1);
                }}
              >
                {workspaces.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name} ({w.role})
                  </option>
                ))}
              </Select>
            </div>
          ) : null}
          <div className="grid gap-1.5">
            <Label htmlFor="dead-letter-status">Status</Label>
            <Select
              id="dead-letter-status"
              className="w-40"
              value={status}
              disabled={forbidden}
              onChange={(e) => {
                const parsed = deadLetterStatusSchema.safeParse(e.target.value);
                setStatus(parsed.success ? parsed.data : ALL);
                setPage(1);
              }}
            >
              {DEAD_LETTER_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {deadLetterStatusLabel(s)}
                </option>
              ))}
              <option value={ALL}>All</option>
            </Select>
          </div>
        </div>
      </CardHeader>
      <CardContent className="grid gap-4" aria-busy={list.isFetching}>
        {body}
      </CardContent>
      <DeadLetterSheet
        deadLetter={selected}
        busy={selected !== null && busyId === selected.id}
        onClose={() => setSelected(null)}
        onRequeue={(d) => void doRequeue(d)}
        onDiscard={setDiscarding}
      />
      <ConfirmDialog
        open={discarding !== null}
        title="Discard this failed job?"
        description="It stays listed as discarded and will not run again. Requeueing is no longer offered."
        confirmLabel="Discard job"
        destructive
        pending={discard.isPending}
        onConfirm={() => void doDiscard()}
        onCancel={() => setDiscarding(null)}
      />
    </Card>
  );
}
