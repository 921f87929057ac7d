"use client";

import { useQueryClient } from "@tanstack/react-query";
import { Loader2Icon, RotateCwIcon, WorkflowIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { JobFilters, type JobFilterValues } from "@/components/job-filters";
import { JobQueueBars, queueTotals } from "@/components/job-queue-bars";
import { JobTable } from "@/components/job-table";
import { QueryError } from "@/components/query-error";
import { SuperuserSignInNote } from "@/components/superuser-sign-in-note";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { adminJobsQueryKey, useAdminJobs, useCancelAdminJob, useRetryAdminJob } from "@/hooks/use-admin-jobs";
import { useSuperuserSession } from "@/hooks/use-superuser-session";
import { isApiError } from "@/lib/api";
import { errorMessage } from "@/lib/forms";
import type { AdminJob } from "@/lib/validations/job";

const initialFilters: JobFilterValues = { state: undefined, kind: "", queue: "", limit: 50 };

function Loading({ label }: { label: string }) {
  return (
    <div role="status" aria-label={label} className="grid gap-2">
      {[0, 1, 2].map((i) => (
        <Skeleton key={i} className="h-10 w-full" />
      ))}
    </div>
  );
}

/**
 * The superusers' jobs console (`/admin/jobs/`): River's queues as stacked
 * count bars and the newest jobs, filtered by state, kind and queue,
 * refreshed every 5 s, with Retry and Cancel. It signs in with the session
 * the Pocketbase admin UI stored in this browser, never a user's.
 */
export function JobsConsole() {
  const { ready, session, reload } = useSuperuserSession();
  const token = session?.token ?? null;
  const [filters, setFilters] = useState<JobFilterValues>(initialFilters);
  const [autoRefresh, setAutoRefresh] = useState(true);
  const queryClient = useQueryClient();
  const jobs = useAdminJobs(
    token,
    { state: filters.state, kind: filters.kind, queue: filters.queue, limit: filters.limit },
    autoRefresh,
  );
  const retry = useRetryAdminJob(token);
  const cancel = useCancelAdminJob(token);

  const reloadAll = () => {
    reload();
    void queryClient.invalidateQueries({ queryKey: adminJobsQueryKey });
  };

  if (!ready) return <Loading label="Loading the jobs console" />;

  const denied = jobs.isError && (isApiError(jobs.error, "unauthorized") || isApiError(jobs.error, "forbidden"));
  if (!session || denied) {
    return <SuperuserSignInNote reason={denied ? errorMessage(jobs.error) : undefined} onReload={reloadAll} />;
  }

  const busyId = retry.isPending ? retry.variables : cancel.isPending ? cancel.variables : null;
  const now = new Date(jobs.dataUpdatedAt || 0);

  const doRetry = async (j: AdminJob) => {
    try {
      const next = await retry.mutateAsync(j.id);
      toast.success(`Job ${j.id} retried`, { description: `It is ${next.state} now.` });
    } catch (err) {
      toast.error(`Could not retry job ${j.id}`, { description: errorMessage(err) });
    }
  };
  const doCancel = async (j: AdminJob) => {
    try {
      const next = await cancel.mutateAsync(j.id);
      toast.success(`Job ${j.id} cancelled`, { description: `It is ${next.state} now.` });
    } catch (err) {
      toast.error(`Could not cancel job ${j.id}`, { description: errorMessage(err) });
    }
  };

  let counts;
  let list;
  if (jobs.isPending) {
    counts = <Loading label="Loading the queues" />;
    list = <Loading label="Loading the jobs" />;
  } else if (jobs.isError) {
    const error = (
      <QueryError
        title="Could not load the jobs"
        error={jobs.error}
        onRetry={() => void jobs.refetch()}
        retrying={jobs.isFetching}
      />
    );
    counts = null;
    list = error;
  } else {
    counts = <JobQueueBars counts={jobs.data.counts} />;
    list =
      jobs.data.items.length === 0 ? (
        <EmptyState icon={WorkflowIcon} title="No jobs match" description="Change the filters, or wait for work to arrive." />
      ) : (
        <JobTable
          jobs={jobs.data.items}
          busyId={busyId}
          now={now}
          onRetry={(j) => void doRetry(j)}
          onCancel={(j) => void doCancel(j)}
        />
      );
  }

  const queues = jobs.data ? queueTotals(jobs.data.counts).map((q) => q.queue) : [];

  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="grid gap-1">
          <h1 className="text-2xl font-semibold tracking-tight">Jobs console</h1>
          <p className="text-sm text-muted-foreground">
            Background job queues of this server
            {session.email ? (
              <>
                {" "}
                · signed in to the admin UI as <span className="font-medium text-foreground">{session.email}</span>
              </>
            ) : null}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="size-4 accent-primary"
              checked={autoRefresh}
              onChange={(e) => setAutoRefresh(e.target.checked)}
            />
            Auto-refresh every 5 s
          </label>
          <Button variant="outline" size="sm" onClick={() => void jobs.refetch()} disabled={jobs.isFetching}>
            {jobs.isFetching ? (
              <Loader2Icon className="animate-spin" aria-hidden="true" />
            ) : (
              <RotateCwIcon aria-hidden="true" />
            )}
            Refresh
          </Button>
        </div>
      </div>

      {counts !== null ? (
        <Card>
          <CardHeader>
            <CardTitle>Queues</CardTitle>
            <CardDescription>Every job River holds, by queue and state.</CardDescription>
          </CardHeader>
          <CardContent>{counts}</CardContent>
        </Card>
      ) : null}

      <Card>
        <CardHeader className="gap-4">
          <div className="grid gap-1.5">
            <CardTitle>Jobs</CardTitle>
            <CardDescription>Newest first. Open a row for its arguments and errors.</CardDescription>
          </div>
          <JobFilters value={filters} onChange={setFilters} queues={queues} />
        </CardHeader>
        <CardContent aria-busy={jobs.isFetching}>{list}</CardContent>
      </Card>
    </div>
  );
}
