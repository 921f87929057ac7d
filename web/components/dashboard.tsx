"use client";

import { BarChart3Icon, DownloadIcon, FilterXIcon } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { toast } from "sonner";

import { ActivePromptsCard } from "@/components/active-prompts-card";
import { CostBreakdownCard } from "@/components/cost-breakdown-card";
import { ExecutionTrendCard } from "@/components/execution-trend-card";
import { HistoryLimitNotice } from "@/components/history-limit-notice";
import { PerformanceCard } from "@/components/performance-card";
import { QueryError } from "@/components/query-error";
import { SuccessRateCard } from "@/components/success-rate-card";
import { UsageRangePicker } from "@/components/usage-range-picker";
import { UsageStatCards } from "@/components/usage-stat-cards";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { useMe } from "@/hooks/use-me";
import { useUsageBreakdown, useUsageSummary } from "@/hooks/use-usage";
import { exportUsageCsv } from "@/lib/api";
import { downloadBlob } from "@/lib/download";
import { errorMessage } from "@/lib/forms";
import {
  browserTimeZone,
  dashboardFiltersToQuery,
  dashboardUsageParams,
  defaultDashboardFilters,
  parseDashboardFilters,
  type DashboardFilters,
} from "@/lib/usage";
import { personalWorkspace } from "@/lib/validations/me";

/** The Dashboard (`/dashboard/`): a workspace's runs, success, performance and cost over a range; the URL keeps the range and filters. */
export function Dashboard() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => parseDashboardFilters(new URLSearchParams(searchParams.toString())), [searchParams]);
  const me = useMe();
  const workspaces = me.data?.workspaces ?? [];
  const current = workspaces.find((w) => w.id === filters.workspace) ?? personalWorkspace(workspaces);
  const [tz] = useState(browserTimeZone);
  // The presets end now; "now" is read once per visit and per change, so requests stay the same while the page is open.
  const [now, setNow] = useState(() => new Date());
  const params = useMemo(() => dashboardUsageParams(filters, current?.id, now, tz), [filters, current?.id, now, tz]);
  const ready = me.isSuccess && current !== undefined;

  // The filters' choices: what ran in the range, whatever the other filters say.
  const range = { workspace: params.workspace, from: params.from, to: params.to, tz };
  const prompts = useUsageBreakdown({ ...range, by: "prompt", limit: 200 }, ready);
  const models = useUsageBreakdown({ ...range, by: "model" }, ready);
  const keys = useUsageBreakdown({ ...range, by: "key" }, ready);
  const summary = useUsageSummary(params, ready);

  const setFilters = (change: Partial<DashboardFilters>) => {
    setNow(new Date());
    router.replace(`${pathname}${dashboardFiltersToQuery({ ...filters, ...change })}`, { scroll: false });
  };
  const filtered = Boolean(filters.prompt || filters.model || filters.key);
  const [exporting, setExporting] = useState(false);
  const doExport = async () => {
    setExporting(true);
    try {
      const blob = await exportUsageCsv({ ...params, interval: "day" });
      downloadBlob(`krowoc-usage-${new Date().toISOString().slice(0, 10)}.csv`, blob);
    } catch (err) {
      toast.error("Could not export", { description: errorMessage(err) });
    } finally {
      setExporting(false);
    }
  };

  let body;
  if (me.isError) {
    body = <QueryError title="Could not load your workspaces" error={me.error} onRetry={() => void me.refetch()} retrying={me.isFetching} />;
  } else if (!ready || summary.isPending) {
    body = (
      <div role="status" aria-label="Loading the dashboard" className="grid gap-4">
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  } else if (summary.isError) {
    body = (
      <QueryError title="Could not load the dashboard" error={summary.error} onRetry={() => void summary.refetch()} retrying={summary.isFetching} />
    );
  } else if (summary.data.totals.executions === 0) {
    body = (
      <>
        <HistoryLimitNotice range={summary.data.range} />
        {filtered ? (
          <EmptyState
            icon={FilterXIcon}
            title="No runs match the filters"
            action={
              <Button variant="outline" onClick={() => setFilters({ prompt: "", model: "", key: "" })}>
                Clear filters
              </Button>
            }
          />
        ) : (
          <EmptyState
            icon={BarChart3Icon}
            title="No runs in this range"
            description="Run a prompt and its runs, cost and timings show up here."
            action={
              <Button asChild variant="outline">
                <Link href="/prompts/">Open your prompts</Link>
              </Button>
            }
          />
        )}
      </>
    );
  } else {
    body = (
      <>
        <HistoryLimitNotice range={summary.data.range} />
        <UsageStatCards stats={summary.data.totals} label="Totals of the range" />
        <ExecutionTrendCard params={params} />
        <SuccessRateCard params={params} />
        <ActivePromptsCard params={params} />
        <PerformanceCard params={params} by="model" />
        <CostBreakdownCard params={params} />
      </>
    );
  }

  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="grid gap-1">
          <h1 className="text-2xl font-semibold tracking-tight">Dashboard</h1>
          <p className="text-sm text-muted-foreground">What your prompts and keys did, and what it cost. Times are in {tz}.</p>
        </div>
        <Button variant="outline" onClick={() => void doExport()} disabled={!ready || exporting}>
          <DownloadIcon aria-hidden="true" />
          Export CSV
        </Button>
      </div>
      <Card>
        <CardContent className="pt-6">
          <div role="search" aria-label="Dashboard range and filters" className="flex flex-wrap items-end gap-3">
            {workspaces.length > 1 ? (
              <div className="grid gap-1.5">
                <Label htmlFor="dashboard-workspace">Workspace</Label>
                <Select
                  id="dashboard-workspace"
                  className="w-48"
                  value={current?.id ?? ""}
                  onChange={(e) => setFilters({ ...defaultDashboardFilters, range: filters.range, from: filters.from, to: filters.to, workspace: e.target.value })}
                >
                  {workspaces.map((w) => (
                    <option key={w.id} value={w.id}>
                      {w.name}
                    </option>
                  ))}
                </Select>
              </div>
            ) : null}
            <UsageRangePicker range={filters.range} from={filters.from} to={filters.to} onChange={setFilters} idPrefix="dashboard" />
            <div className="grid gap-1.5">
              <Label htmlFor="dashboard-prompt">Prompt</Label>
              <Select id="dashboard-prompt" className="w-52" value={filters.prompt} onChange={(e) => setFilters({ prompt: e.target.value })}>
                <option value="">All prompts</option>
                {(prompts.data?.items ?? []).map((p) => (
                  <option key={p.key} value={p.key}>
                    {p.label}
                  </option>
                ))}
              </Select>
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="dashboard-model">Model</Label>
              <Select id="dashboard-model" className="w-52" value={filters.model} onChange={(e) => setFilters({ model: e.target.value })}>
                <option value="">All models</option>
                {(models.data?.items ?? []).map((m) => (
                  <option key={m.key} value={m.key}>
                    {m.label}
                  </option>
                ))}
              </Select>
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="dashboard-key">Key</Label>
              <Select id="dashboard-key" className="w-44" value={filters.key} onChange={(e) => setFilters({ key: e.target.value })}>
                <option value="">All keys</option>
                {(keys.data?.items ?? []).map((k) => (
                  <option key={k.key} value={k.key}>
                    {k.label}
                  </option>
                ))}
              </Select>
            </div>
            {filtered ? (
              <Button variant="ghost" onClick={() => setFilters({ prompt: "", model: "", key: "" })}>
                <FilterXIcon aria-hidden="true" />
                Clear filters
              </Button>
            ) : null}
          </div>
        </CardContent>
      </Card>
      {body}
    </div>
  );
}
