"use client";

import { BarChart3Icon } from "lucide-react";
import Link from "next/link";
import { useMemo, useState } from "react";

import { ExecutionTrendCard } from "@/components/execution-trend-card";
import { HistoryLimitNotice } from "@/components/history-limit-notice";
import { PerformanceCard } from "@/components/performance-card";
import { QueryError } from "@/components/query-error";
import { UsageRangePicker } from "@/components/usage-range-picker";
import { UsageStatCards } from "@/components/usage-stat-cards";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useUsageSummary } from "@/hooks/use-usage";
import type { UsageParams } from "@/lib/api";
import { browserTimeZone, rangeBounds, type RangePreset } from "@/lib/usage";
import type { Prompt } from "@/lib/validations/prompt";

/** A prompt's Analytics: its runs, success, cost and timings over a range, and each version side by side. */
export function PromptAnalytics({ prompt }: { prompt: Pick<Prompt, "id" | "workspaceId"> }) {
  const [range, setRange] = useState<{ range: RangePreset; from: string; to: string }>({ range: "7d", from: "", to: "" });
  const [now, setNow] = useState(() => new Date());
  const [tz] = useState(browserTimeZone);
  const params: UsageParams = useMemo(
    () => ({ workspace: prompt.workspaceId, prompt: prompt.id, tz, ...rangeBounds(range.range, range, now) }),
    [prompt.workspaceId, prompt.id, tz, range, now],
  );
  const summary = useUsageSummary(params);

  let body;
  if (summary.isPending) {
    body = <Skeleton className="h-40 w-full" />;
  } else if (summary.isError) {
    body = <QueryError title="Could not load the analytics" error={summary.error} onRetry={() => void summary.refetch()} retrying={summary.isFetching} />;
  } else if (summary.data.totals.executions === 0) {
    body = (
      <>
        <HistoryLimitNotice range={summary.data.range} />
        <EmptyState icon={BarChart3Icon} title="No runs of this prompt in this range" description="Run it above; its numbers show up here." />
      </>
    );
  } else {
    body = (
      <>
        <HistoryLimitNotice range={summary.data.range} />
        <UsageStatCards stats={summary.data.totals} label="Totals of this prompt" />
        <ExecutionTrendCard params={params} />
        <PerformanceCard params={params} by="version" title="Versions" />
      </>
    );
  }

  return (
    <Card role="region" aria-label="Analytics">
      <CardHeader className="flex-row flex-wrap items-end justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle>Analytics</CardTitle>
          <CardDescription>
            Runs, success, cost and timings of this prompt, version by version.{" "}
            <Link href={`/dashboard/?prompt=${encodeURIComponent(prompt.id)}`} className="underline underline-offset-4">
              Open in the Dashboard
            </Link>
          </CardDescription>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <UsageRangePicker
            range={range.range}
            from={range.from}
            to={range.to}
            idPrefix="prompt-analytics"
            onChange={(change) => {
              setNow(new Date());
              setRange((r) => ({ ...r, ...change }));
            }}
          />
        </div>
      </CardHeader>
      <CardContent className="grid gap-4" aria-busy={summary.isFetching}>
        {body}
      </CardContent>
    </Card>
  );
}
