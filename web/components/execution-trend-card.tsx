"use client";

import { BarChart3Icon } from "lucide-react";
import { useMemo } from "react";

import { UsageCard } from "@/components/usage-card";
import { UsageChart } from "@/components/usage-chart";
import { EmptyState } from "@/components/ui/empty-state";
import { useUsageSeries } from "@/hooks/use-usage";
import type { UsageParams } from "@/lib/api";
import { costTrendSpec, trendSpec } from "@/lib/usage-charts";

/** Runs per hour or day by status, and cost over the same buckets. */
export function ExecutionTrendCard({ params, enabled = true }: { params: UsageParams; enabled?: boolean }) {
  const series = useUsageSeries(params, enabled);
  const data = series.data;
  const specs = useMemo(
    () => (data ? { trend: trendSpec(data.buckets, data.interval), cost: costTrendSpec(data.buckets, data.interval) } : null),
    [data],
  );
  const empty = data ? data.buckets.every((b) => b.executions === 0) : false;
  const per = data?.interval === "hour" ? "hour (UTC hours, shown in your time)" : `day (${data?.range.tz ?? ""})`;
  return (
    <UsageCard title="Execution trend" description={`Runs per ${per} by status, and what they cost.`} query={series}>
      {empty || !specs ? (
        <EmptyState icon={BarChart3Icon} title="No runs in this range" description="Runs show up here as they finish." />
      ) : (
        <>
          <UsageChart spec={specs.trend} label="Execution trend" height={260} />
          <UsageChart spec={specs.cost} label="Cost over time" height={180} />
        </>
      )}
    </UsageCard>
  );
}
