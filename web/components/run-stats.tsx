import { formatCost, formatDuration, formatNumber } from "@/lib/format";
import type { Usage } from "@/lib/validations/execution";

export interface RunStatsProps {
  usage: Usage;
  costMicros: number;
  ttftMs: number | null;
  latencyMs: number | null;
  /** Accessible name of the list, e.g. "Stats of openai:gpt-4o-mini". */
  label?: string;
}

/** Tokens, cost and timings of a run. */
export function RunStats({ usage, costMicros, ttftMs, latencyMs, label = "Run stats" }: RunStatsProps) {
  const items: [string, string][] = [
    ["Input tokens", formatNumber(usage.inputTokens)],
    ["Output tokens", formatNumber(usage.outputTokens)],
    ["Cached tokens", formatNumber(usage.cachedInputTokens)],
    ["Reasoning tokens", formatNumber(usage.reasoningTokens)],
    ["Cost", formatCost(costMicros)],
    ["Time to first token", formatDuration(ttftMs)],
    ["Latency", formatDuration(latencyMs)],
  ];
  return (
    <dl aria-label={label} className="grid grid-cols-2 gap-x-4 gap-y-1 text-xs sm:grid-cols-4">
      {items.map(([k, v]) => (
        <div key={k} className="grid gap-0.5">
          <dt className="text-muted-foreground">{k}</dt>
          <dd className="font-mono tabular-nums" data-stat={k}>
            {v}
          </dd>
        </div>
      ))}
    </dl>
  );
}
