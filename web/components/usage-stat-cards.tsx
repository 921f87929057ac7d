import { formatCost, formatDuration, formatNumber } from "@/lib/format";
import { formatPercent } from "@/lib/usage";
import type { UsageStats } from "@/lib/validations/usage";

/** The headline numbers of a range: runs, success rate, cost, tokens, latency and time to first token. */
export function UsageStatCards({ stats, label = "Totals" }: { stats: UsageStats; label?: string }) {
  const items: { name: string; value: string; detail: string }[] = [
    {
      name: "Runs",
      value: formatNumber(stats.executions),
      detail: `${formatNumber(stats.succeeded)} succeeded · ${formatNumber(stats.executions - stats.succeeded)} not`,
    },
    { name: "Success rate", value: formatPercent(stats.successRate), detail: "succeeded of all finished runs" },
    {
      name: "Cost",
      value: formatCost(stats.costMicros),
      detail: stats.executions > 0 ? `${formatCost(Math.round(stats.costMicros / stats.executions))} per run` : "—",
    },
    {
      name: "Tokens",
      value: formatNumber(stats.totalTokens),
      detail: `${formatNumber(stats.inputTokens)} in · ${formatNumber(stats.outputTokens)} out`,
    },
    {
      name: "Latency p50 / p95",
      value: `${formatDuration(stats.latencyMs?.p50)} / ${formatDuration(stats.latencyMs?.p95)}`,
      detail: `average ${formatDuration(stats.latencyMs?.avg)}`,
    },
    {
      name: "Time to first token p50 / p95",
      value: `${formatDuration(stats.ttftMs?.p50)} / ${formatDuration(stats.ttftMs?.p95)}`,
      detail: `average ${formatDuration(stats.ttftMs?.avg)}`,
    },
  ];
  return (
    <dl aria-label={label} className="grid grid-cols-2 gap-3 lg:grid-cols-3">
      {items.map((item) => (
        <div key={item.name} className="grid gap-1 rounded-xl border bg-card p-4 shadow-xs">
          <dt className="text-xs text-muted-foreground">{item.name}</dt>
          <dd className="text-xl font-semibold tabular-nums" data-stat={item.name}>
            {item.value}
          </dd>
          <dd className="text-xs text-muted-foreground">{item.detail}</dd>
        </div>
      ))}
    </dl>
  );
}
