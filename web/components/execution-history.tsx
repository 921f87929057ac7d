"use client";

import { FilterXIcon, HistoryIcon } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";

import { executionStatusLabel } from "@/components/execution-status-badge";
import { ExecutionTable } from "@/components/execution-table";
import { ListPager } from "@/components/list-pager";
import { QueryError } from "@/components/query-error";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { EXECUTIONS_PER_PAGE, useExecutions } from "@/hooks/use-executions";
import { useMe } from "@/hooks/use-me";
import { useModels } from "@/hooks/use-prompts";
import {
  defaultExecutionFilters,
  executionFiltersToParams,
  executionFiltersToQuery,
  parseExecutionFilters,
  type ExecutionFilters,
} from "@/lib/execution-filters";
import { EXECUTION_STATUSES, type ExecutionStatus } from "@/lib/validations/execution";
import { personalWorkspace } from "@/lib/validations/me";

/** The History page (`/history/`): every run of a workspace, filtered by model, status and dates; the URL keeps the filters. */
export function ExecutionHistory() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => parseExecutionFilters(new URLSearchParams(searchParams.toString())), [searchParams]);
  const me = useMe();
  const workspaces = me.data?.workspaces ?? [];
  const current = workspaces.find((w) => w.id === filters.workspace) ?? personalWorkspace(workspaces);
  const models = useModels(current?.id);
  const list = useExecutions(executionFiltersToParams(filters, current?.id, EXECUTIONS_PER_PAGE), me.isSuccess);

  const setFilters = (change: Partial<ExecutionFilters>) => {
    const merged = { ...filters, page: 1, ...change };
    router.replace(`${pathname}${executionFiltersToQuery(merged)}`, { scroll: false });
  };
  const filtered = Boolean(filters.model || filters.status || filters.from || filters.to);

  let body;
  if (me.isError) {
    body = (
      <QueryError title="Could not load your workspaces" error={me.error} onRetry={() => void me.refetch()} retrying={me.isFetching} />
    );
  } else if (me.isPending || list.isPending) {
    body = (
      <div role="status" aria-label="Loading the runs" className="grid gap-2">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
    );
  } else if (list.isError) {
    body = (
      <QueryError title="Could not load the runs" error={list.error} onRetry={() => void list.refetch()} retrying={list.isFetching} />
    );
  } else if (list.data.items.length === 0) {
    body = filtered ? (
      <EmptyState
        icon={FilterXIcon}
        title="No runs match the filters"
        action={
          <Button variant="outline" onClick={() => setFilters({ ...defaultExecutionFilters, workspace: filters.workspace })}>
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState icon={HistoryIcon} title="No runs yet" description="Run a prompt from its page; every run is recorded here." />
    );
  } else {
    body = (
      <>
        <p className="text-sm text-muted-foreground" aria-live="polite">
          {list.data.total === 1 ? "1 run" : `${list.data.total.toLocaleString()} runs`}
        </p>
        <ExecutionTable executions={list.data.items} />
        <ListPager
          page={list.data.page}
          perPage={list.data.perPage}
          total={list.data.total}
          onPage={(page) => setFilters({ page })}
          label="History pages"
        />
      </>
    );
  }

  return (
    <div className="grid gap-6">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">History</h1>
        <p className="text-sm text-muted-foreground">Every run of your prompts, with its tokens, cost and timings.</p>
      </div>
      <Card>
        <CardContent className="grid gap-4 pt-6">
          <div role="search" aria-label="Filter runs" className="flex flex-wrap items-end gap-3">
            {workspaces.length > 1 ? (
              <div className="grid gap-1.5">
                <Label htmlFor="history-workspace">Workspace</Label>
                <Select
                  id="history-workspace"
                  className="w-48"
                  value={current?.id ?? ""}
                  onChange={(e) => setFilters({ workspace: e.target.value, model: "" })}
                >
                  {workspaces.map((w) => (
                    <option key={w.id} value={w.id}>
                      {w.name}
                    </option>
                  ))}
                </Select>
              </div>
            ) : null}
            <div className="grid gap-1.5">
              <Label htmlFor="history-model">Model</Label>
              <Select id="history-model" className="w-56" value={filters.model} onChange={(e) => setFilters({ model: e.target.value })}>
                <option value="">All models</option>
                {filters.model && !models.data?.models.some((m) => m.id === filters.model) ? (
                  <option value={filters.model}>{filters.model}</option>
                ) : null}
                {models.data?.providers.map((p) => {
                  const ms = models.data.models.filter((m) => m.provider === p.id);
                  return ms.length > 0 ? (
                    <optgroup key={p.id} label={p.name}>
                      {ms.map((m) => (
                        <option key={m.id} value={m.id}>
                          {m.name}
                        </option>
                      ))}
                    </optgroup>
                  ) : null;
                })}
              </Select>
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="history-status">Status</Label>
              <Select
                id="history-status"
                className="w-40"
                value={filters.status}
                onChange={(e) => setFilters({ status: e.target.value as ExecutionStatus | "" })}
              >
                <option value="">All statuses</option>
                {EXECUTION_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {executionStatusLabel(s)}
                  </option>
                ))}
              </Select>
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="history-from">From</Label>
              <Input id="history-from" type="date" className="w-40" value={filters.from} max={filters.to || undefined} onChange={(e) => setFilters({ from: e.target.value })} />
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="history-to">To</Label>
              <Input id="history-to" type="date" className="w-40" value={filters.to} min={filters.from || undefined} onChange={(e) => setFilters({ to: e.target.value })} />
            </div>
            {filtered ? (
              <Button variant="ghost" onClick={() => setFilters({ ...defaultExecutionFilters, workspace: filters.workspace })}>
                <FilterXIcon aria-hidden="true" />
                Clear filters
              </Button>
            ) : null}
          </div>
          <div className="grid gap-3" aria-busy={list.isFetching}>
            {body}
          </div>
        </CardContent>
      </Card>
    </div>
  );
}
