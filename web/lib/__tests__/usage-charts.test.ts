import {
  bucketLabel,
  costData,
  costShareData,
  performanceData,
  statusShareData,
  trendData,
} from "@/lib/usage-charts";
import type { BreakdownItem, UsageBucket, UsageStats } from "@/lib/validations/usage";

function stats(over: Partial<UsageStats> = {}): UsageStats {
  return {
    executions: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    timedOut: 0,
    successRate: null,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    cacheCreationTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    costMicros: 0,
    latencyMs: null,
    ttftMs: null,
    ...over,
  };
}

const buckets: UsageBucket[] = [
  { ...stats({ executions: 5, succeeded: 3, failed: 1, timedOut: 1, costMicros: 1500 }), start: "2026-03-07T00:00:00-05:00", date: "2026-03-07" },
  { ...stats(), start: "2026-03-08T00:00:00-05:00", date: "2026-03-08" },
  { ...stats({ executions: 2, succeeded: 1, cancelled: 1, costMicros: 250 }), start: "2026-03-09T00:00:00-04:00", date: "2026-03-09" },
];

describe("trendData", () => {
  it("has one record per bucket and status, and adds up to the buckets", () => {
    const data = trendData(buckets, "day");
    expect(data).toHaveLength(buckets.length * 4);
    const total = data.reduce((n, d) => n + d.executions, 0);
    expect(total).toBe(buckets.reduce((n, b) => n + b.executions, 0));
    const first = data.filter((d) => d.bucket === data[0]!.bucket);
    expect(first.map((d) => [d.status, d.executions])).toEqual([
      ["Succeeded", 3],
      ["Failed", 1],
      ["Timed out", 1],
      ["Cancelled", 0],
    ]);
  });

  it("labels day buckets by their own date, whatever the browser's zone", () => {
    expect(bucketLabel(buckets[0]!, "day")).toBe(new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" }).format(new Date("2026-03-07T00:00:00Z")));
  });
});

describe("costData", () => {
  it("turns micro-dollars into dollars per bucket", () => {
    expect(costData(buckets, "day").map((d) => [d.dollars, d.costMicros])).toEqual([
      [0.0015, 1500],
      [0, 0],
      [0.00025, 250],
    ]);
  });
});

describe("performanceData", () => {
  it("lists the percentiles each group has, and skips missing ones", () => {
    const items: BreakdownItem[] = [
      { ...stats({ executions: 3, latencyMs: { count: 3, avg: 900, p50: 850, p95: 1400 }, ttftMs: { count: 2, avg: 200, p50: 180, p95: 300 } }), key: "openai:gpt-4o", label: "GPT-4o" },
      { ...stats({ executions: 1, latencyMs: { count: 1, avg: 40, p50: 40, p95: 40 } }), key: "gemini:x", label: "X" },
    ];
    expect(performanceData(items)).toEqual([
      { group: "GPT-4o", measure: "Latency p50", ms: 850 },
      { group: "GPT-4o", measure: "Latency p95", ms: 1400 },
      { group: "GPT-4o", measure: "TTFT p50", ms: 180 },
      { group: "GPT-4o", measure: "TTFT p95", ms: 300 },
      { group: "X", measure: "Latency p50", ms: 40 },
      { group: "X", measure: "Latency p95", ms: 40 },
    ]);
  });
});

describe("share data", () => {
  it("keeps the statuses that have runs", () => {
    expect(statusShareData(stats({ executions: 4, succeeded: 3, failed: 1 }))).toEqual([
      { name: "Succeeded", value: 3, text: "3" },
      { name: "Failed", value: 1, text: "1" },
    ]);
  });

  it("keeps the groups that cost something, with their cost as text", () => {
    const items: BreakdownItem[] = [
      { ...stats({ costMicros: 12_345 }), key: "openai", label: "OpenAI" },
      { ...stats({ costMicros: 0 }), key: "gemini", label: "Google Gemini" },
    ];
    expect(costShareData(items)).toEqual([{ name: "OpenAI", value: 12_345, text: "$0.0123" }]);
  });
});
