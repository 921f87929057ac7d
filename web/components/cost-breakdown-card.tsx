"use client";

import { CoinsIcon } from "lucide-react";
import { useMemo } from "react";

import { UsageCard } from "@/components/usage-card";
import { UsageChart } from "@/components/usage-chart";
import { EmptyState } from "@/components/ui/empty-state";
import { useUsageBreakdown } from "@/hooks/use-usage";
import type { UsageParams } from "@/lib/api";
import { formatCost, formatNumber } from "@/lib/format";
import { costShareData, shareSpec } from "@/lib/usage-charts";
import type { BreakdownItem } from "@/lib/validations/usage";

function CostTable({ items, noun }: { items: readonly BreakdownItem[]; noun: string }) {
  return (
    <table className="w-full text-sm" aria-label={`Cost by ${noun.toLowerCase()}`}>
      <thead className="text-left text-xs text-muted-foreground">
        <tr>
          <th scope="col" className="py-1.5 font-medium">{noun}</th>
          <th scope="col" className="py-1.5 text-right font-medium">Runs</th>
          <th scope="col" className="py-1.5 text-right font-medium">Tokens</th>
          <th scope="col" className="py-1.5 text-right font-medium">Cost</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.key} className="border-t">
            <th scope="row" className="py-1.5 text-left font-normal">{i.label}</th>
            <td className="py-1.5 text-right tabular-nums">{formatNumber(i.executions)}</td>
            <td className="py-1.5 text-right tabular-nums">{formatNumber(i.totalTokens)}</td>
            <td className="py-1.5 text-right tabular-nums">{formatCost(i.costMicros)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the range cost, by model and by provider: donuts and the tables behind them. */
export function CostBreakdownCard({ params, enabled = true }: { params: UsageParams; enabled?: boolean }) {
  const byModel = useUsageBreakdown({ ...params, by: "model" }, enabled);
  const byProvider = useUsageBreakdown({ ...params, by: "provider" }, enabled);
  const models = useMemo(() => byModel.data?.items ?? [], [byModel.data]);
  const providers = useMemo(() => byProvider.data?.items ?? [], [byProvider.data]);
  const modelSpec = useMemo(() => shareSpec("cost-model", costShareData(models)), [models]);
  const providerSpec = useMemo(() => shareSpec("cost-provider", costShareData(providers)), [providers]);
  const nothing = costShareData(models).length === 0;
  return (
    <UsageCard title="Cost" description="What the runs of this range cost, by model and by provider." query={byModel}>
      {nothing ? (
        <EmptyState icon={CoinsIcon} title="Nothing spent in this range" />
      ) : (
        <div className="grid gap-6 md:grid-cols-2">
          <div className="grid content-start gap-2">
            <h3 className="text-sm font-medium">By model</h3>
            <UsageChart spec={modelSpec} label="Cost by model" height={200} />
            <CostTable items={models} noun="Model" />
          </div>
          <div className="grid content-start gap-2">
            <h3 className="text-sm font-medium">By provider</h3>
            <UsageChart spec={providerSpec} label="Cost by provider" height={200} />
            <CostTable items={providers} noun="Provider" />
          </div>
        </div>
      )}
    </UsageCard>
  );
}
