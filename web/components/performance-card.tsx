"use client";

import { GaugeIcon } from "lucide-react";
import { useMemo } from "react";

import { UsageCard } from "@/components/usage-card";
import { UsageChart } from "@/components/usage-chart";
import { EmptyState } from "@/components/ui/empty-state";
import { useUsageBreakdown } from "@/hooks/use-usage";
import type { UsageParams } from "@/lib/api";
import { formatCost, formatDuration, formatNumber } from "@/lib/format";
import { formatPercent } from "@/lib/usage";
import { performanceData, performanceSpec } from "@/lib/usage-charts";
import type { BreakdownBy } from "@/lib/validations/usage";

export interface PerformanceCardProps {
  params: UsageParams;
  /** model on the Dashboard; version on a prompt's page. */
  by: Extract<BreakdownBy, "model" | "version">;
  title?: string;
  enabled?: boolean;
}

/** Latency and time to first token (p50, p95) per model or version, as bars and as the table behind them. */
export function PerformanceCard({ params, by, title = "Performance", enabled = true }: PerformanceCardProps) {
  const breakdown = useUsageBreakdown({ ...params, by }, enabled);
  const items = useMemo(() => breakdown.data?.items ?? [], [breakdown.data]);
  const spec = useMemo(() => performanceSpec(items), [items]);
  const noun = by === "model" ? "Model" : "Version";
  return (
    <UsageCard
      title={title}
      description={`Latency and time to first token by ${noun.toLowerCase()} (p50 and p95, within 2%).`}
      query={breakdown}
    >
      {performanceData(items).length === 0 ? (
        <EmptyState icon={GaugeIcon} title="No timings in this range" />
      ) : (
        <>
          <UsageChart spec={spec} label={`${title} by ${noun.toLowerCase()}`} height={260} />
          <div className="overflow-x-auto rounded-md border">
            <table className="w-full text-sm" aria-label={`${title} by ${noun.toLowerCase()}`}>
              <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">{noun}</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Runs</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Success</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Latency p50 / p95</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">TTFT p50 / p95</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Cost per run</th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr key={i.key} className="border-t">
                    <th scope="row" className="px-3 py-2 text-left font-medium">
                      {i.label}
                      {by === "model" ? <span className="ml-1.5 font-mono text-xs font-normal text-muted-foreground">{i.key}</span> : null}
                    </th>
                    <td className="px-3 py-2 text-right tabular-nums">{formatNumber(i.executions)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatPercent(i.successRate)}</td>
                    <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">
                      {formatDuration(i.latencyMs?.p50)} / {formatDuration(i.latencyMs?.p95)}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">
                      {formatDuration(i.ttftMs?.p50)} / {formatDuration(i.ttftMs?.p95)}
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">
                      {i.executions > 0 ? formatCost(Math.round(i.costMicros / i.executions)) : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </UsageCard>
  );
}
