/**
 * Chart specs for the usage views, built from API answers. VisActor draws
 * them; these functions only shape the data, so tests can hold the numbers
 * a chart shows to the numbers of the table beside it.
 */
import type { IBarChartSpec, ILineChartSpec, IPieChartSpec } from "@visactor/react-vchart";

import { formatCost, formatDuration, formatNumber } from "@/lib/format";
import type { BreakdownItem, UsageBucket, UsageInterval, UsageStats } from "@/lib/validations/usage";

/** The statuses a finished run can have, in stacking order, with their chart colors. */
export const STATUS_SERIES = [
  { key: "succeeded", label: "Succeeded", color: "#16a34a" },
  { key: "failed", label: "Failed", color: "#dc2626" },
  { key: "timedOut", label: "Timed out", color: "#f59e0b" },
  { key: "cancelled", label: "Cancelled", color: "#94a3b8" },
] as const satisfies readonly { key: keyof UsageStats; label: string; color: string }[];

/** A categorical palette readable on light and dark backgrounds. */
export const PALETTE = ["#6366f1", "#14b8a6", "#f97316", "#ec4899", "#0ea5e9", "#84cc16", "#a855f7", "#eab308", "#64748b", "#ef4444"];

const hourLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const dayLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

/** The axis label of a bucket: local hour for hour buckets, the bucket's own date for days. */
export function bucketLabel(bucket: Pick<UsageBucket, "start" | "date">, interval: UsageInterval): string {
  if (interval === "day" && bucket.date) return dayLabel.format(new Date(`${bucket.date}T00:00:00Z`));
  return hourLabel.format(new Date(bucket.start));
}

/** One bar segment of the execution trend. */
export interface TrendDatum {
  bucket: string;
  status: string;
  executions: number;
}

/** The execution trend's data: one record per bucket and status, zeros included. */
export function trendData(buckets: readonly UsageBucket[], interval: UsageInterval): TrendDatum[] {
  const out: TrendDatum[] = [];
  for (const b of buckets) {
    const label = bucketLabel(b, interval);
    for (const s of STATUS_SERIES) out.push({ bucket: label, status: s.label, executions: b[s.key] });
  }
  return out;
}

const transparent = { background: "transparent" } as const;

/** Stacked bars of runs per bucket by status. */
export function trendSpec(buckets: readonly UsageBucket[], interval: UsageInterval): IBarChartSpec {
  return {
    type: "bar",
    ...transparent,
    data: [{ id: "trend", values: trendData(buckets, interval) }],
    xField: "bucket",
    yField: "executions",
    seriesField: "status",
    stack: true,
    color: STATUS_SERIES.map((s) => s.color),
    legends: { visible: true, orient: "bottom" },
    axes: [
      { orient: "left", label: { formatMethod: (v) => formatNumber(Number(v)) } },
      { orient: "bottom", label: { autoHide: true, autoRotate: false } },
    ],
    tooltip: {
      mark: { content: [{ key: (d) => String(d?.status ?? ""), value: (d) => formatNumber(Number(d?.executions ?? 0)) }] },
      dimension: { content: [{ key: (d) => String(d?.status ?? ""), value: (d) => formatNumber(Number(d?.executions ?? 0)) }] },
    },
  };
}

/** One point of the cost line. */
export interface CostDatum {
  bucket: string;
  dollars: number;
  costMicros: number;
}

/** The cost line's data: dollars per bucket. */
export function costData(buckets: readonly UsageBucket[], interval: UsageInterval): CostDatum[] {
  return buckets.map((b) => ({ bucket: bucketLabel(b, interval), dollars: b.costMicros / 1_000_000, costMicros: b.costMicros }));
}

/** A line of cost per bucket. */
export function costTrendSpec(buckets: readonly UsageBucket[], interval: UsageInterval): ILineChartSpec {
  return {
    type: "line",
    ...transparent,
    data: [{ id: "cost", values: costData(buckets, interval) }],
    xField: "bucket",
    yField: "dollars",
    color: ["#6366f1"],
    point: { visible: buckets.length <= 48 },
    axes: [
      { orient: "left", label: { formatMethod: (v) => formatCost(Math.round(Number(v) * 1_000_000)) } },
      { orient: "bottom", label: { autoHide: true, autoRotate: false } },
    ],
    tooltip: {
      mark: { content: [{ key: "Cost", value: (d) => formatCost(Number(d?.costMicros ?? 0)) }] },
      dimension: { content: [{ key: "Cost", value: (d) => formatCost(Number(d?.costMicros ?? 0)) }] },
    },
  };
}

/** One bar of the performance overview. */
export interface PerformanceDatum {
  group: string;
  measure: string;
  ms: number;
}

const measures = [
  { label: "Latency p50", pick: (s: UsageStats) => s.latencyMs?.p50 },
  { label: "Latency p95", pick: (s: UsageStats) => s.latencyMs?.p95 },
  { label: "TTFT p50", pick: (s: UsageStats) => s.ttftMs?.p50 },
  { label: "TTFT p95", pick: (s: UsageStats) => s.ttftMs?.p95 },
] as const;

/** The performance overview's data: latency and time to first token p50/p95 per group; missing ones left out. */
export function performanceData(items: readonly BreakdownItem[]): PerformanceDatum[] {
  const out: PerformanceDatum[] = [];
  for (const item of items) {
    for (const m of measures) {
      const v = m.pick(item);
      if (v !== null && v !== undefined) out.push({ group: item.label, measure: m.label, ms: v });
    }
  }
  return out;
}

/** Grouped bars of latency and TTFT percentiles per model (or version). */
export function performanceSpec(items: readonly BreakdownItem[]): IBarChartSpec {
  return {
    type: "bar",
    ...transparent,
    data: [{ id: "performance", values: performanceData(items) }],
    xField: ["group", "measure"],
    yField: "ms",
    seriesField: "measure",
    color: ["#6366f1", "#a5b4fc", "#14b8a6", "#99f6e4"],
    legends: { visible: true, orient: "bottom" },
    axes: [
      { orient: "left", label: { formatMethod: (v) => formatDuration(Number(v)) } },
      { orient: "bottom", label: { autoHide: true } },
    ],
    tooltip: {
      mark: { content: [{ key: (d) => String(d?.measure ?? ""), value: (d) => formatDuration(Number(d?.ms ?? 0)) }] },
      dimension: { content: [{ key: (d) => String(d?.measure ?? ""), value: (d) => formatDuration(Number(d?.ms ?? 0)) }] },
    },
  };
}

/** One slice of a share chart. */
export interface ShareDatum {
  name: string;
  value: number;
  text: string;
}

/** The slices of the runs by status; statuses without runs are left out. */
export function statusShareData(stats: UsageStats): ShareDatum[] {
  return STATUS_SERIES.filter((s) => stats[s.key] > 0).map((s) => ({
    name: s.label,
    value: stats[s.key],
    text: formatNumber(stats[s.key]),
  }));
}

/** The slices of cost per group; groups that cost nothing are left out. */
export function costShareData(items: readonly BreakdownItem[]): ShareDatum[] {
  return items.filter((i) => i.costMicros > 0).map((i) => ({ name: i.label, value: i.costMicros, text: formatCost(i.costMicros) }));
}

/** A donut of shares, with each slice's formatted value in the tooltip. */
export function shareSpec(id: string, data: readonly ShareDatum[], colors: readonly string[] = PALETTE): IPieChartSpec {
  return {
    type: "pie",
    ...transparent,
    data: [{ id, values: [...data] }],
    categoryField: "name",
    valueField: "value",
    innerRadius: 0.6,
    outerRadius: 0.85,
    padAngle: 0.6,
    color: [...colors],
    legends: { visible: true, orient: "right" },
    label: { visible: false },
    tooltip: { mark: { content: [{ key: (d) => String(d?.name ?? ""), value: (d) => String(d?.text ?? "") }] } },
  };
}

/** The status donut's colors, in the order its slices come. */
export function statusColors(stats: UsageStats): string[] {
  return STATUS_SERIES.filter((s) => stats[s.key] > 0).map((s) => s.color);
}
