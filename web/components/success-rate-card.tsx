"use client";

import { CircleCheckIcon } from "lucide-react";
import { useMemo } from "react";

import { UsageCard } from "@/components/usage-card";
import { UsageChart } from "@/components/usage-chart";
import { EmptyState } from "@/components/ui/empty-state";
import { useUsageErrors, useUsageSummary } from "@/hooks/use-usage";
import type { UsageParams } from "@/lib/api";
import { formatNumber } from "@/lib/format";
import { formatPercent } from "@/lib/usage";
import { shareSpec, statusColors, statusShareData } from "@/lib/usage-charts";

/** The share of runs that succeeded, runs by status as a donut, and the most frequent error codes. */
export function SuccessRateCard({ params, enabled = true }: { params: UsageParams; enabled?: boolean }) {
  const summary = useUsageSummary(params, enabled);
  const errors = useUsageErrors({ ...params, limit: 5 }, enabled);
  const totals = summary.data?.totals;
  const spec = useMemo(() => (totals ? shareSpec("status", statusShareData(totals), statusColors(totals)) : null), [totals]);
  return (
    <UsageCard title="Success rate" description="Finished runs by status, and why the others failed." query={summary}>
      {!totals || totals.executions === 0 || !spec ? (
        <EmptyState icon={CircleCheckIcon} title="No runs in this range" />
      ) : (
        <>
          <p className="text-3xl font-semibold tabular-nums" data-testid="success-rate">
            {formatPercent(totals.successRate)}
            <span className="ml-2 text-sm font-normal text-muted-foreground">
              {formatNumber(totals.succeeded)} of {formatNumber(totals.executions)} runs
            </span>
          </p>
          <UsageChart spec={spec} label="Runs by status" height={200} />
          <div className="grid gap-2">
            <h3 className="text-sm font-medium">Top error codes</h3>
            {errors.data && errors.data.items.length > 0 ? (
              <table className="w-full text-sm" aria-label="Top error codes">
                <tbody>
                  {errors.data.items.map((e) => (
                    <tr key={e.code} className="border-t">
                      <th scope="row" className="py-1.5 text-left font-mono text-xs font-normal">
                        {e.code}
                      </th>
                      <td className="py-1.5 text-right tabular-nums">{formatNumber(e.executions)}</td>
                      <td className="w-20 py-1.5 text-right text-xs text-muted-foreground tabular-nums">
                        {formatPercent(errors.data.failures > 0 ? e.executions / errors.data.failures : null)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="text-sm text-muted-foreground">{errors.isPending ? "Loading…" : "No failures in this range."}</p>
            )}
          </div>
        </>
      )}
    </UsageCard>
  );
}
