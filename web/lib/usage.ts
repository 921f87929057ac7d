import type { UsageParams } from "@/lib/api";
import type { UsageRange } from "@/lib/validations/usage";

/** The ranges the Dashboard offers; "custom" uses from and to dates. */
export const RANGE_PRESETS = ["24h", "7d", "30d", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const rangeLabels: Record<RangePreset, string> = {
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  custom: "Custom range",
};

const presetHours: Record<Exclude<RangePreset, "custom">, number> = { "24h": 24, "7d": 7 * 24, "30d": 30 * 24 };

/** The Dashboard's state; the URL query string holds all of it. Dates are YYYY-MM-DD (local). */
export interface DashboardFilters {
  workspace: string;
  range: RangePreset;
  from: string;
  to: string;
  prompt: string;
  model: string;
  key: string;
}

export const defaultDashboardFilters: DashboardFilters = {
  workspace: "",
  range: "7d",
  from: "",
  to: "",
  prompt: "",
  model: "",
  key: "",
};

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the Dashboard's state from a query string; unknown values fall back to the defaults. */
export function parseDashboardFilters(params: URLSearchParams): DashboardFilters {
  const range = params.get("range") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  return {
    workspace: params.get("workspace") ?? "",
    range: (RANGE_PRESETS as readonly string[]).includes(range) ? (range as RangePreset) : "7d",
    from: datePattern.test(from) ? from : "",
    to: datePattern.test(to) ? to : "",
    prompt: params.get("prompt") ?? "",
    model: params.get("model") ?? "",
    key: params.get("key") ?? "",
  };
}

/** Writes the Dashboard's state as a query string, leaving out defaults; "" when all are defaults. */
export function dashboardFiltersToQuery(f: DashboardFilters): string {
  const params = new URLSearchParams();
  if (f.workspace) params.set("workspace", f.workspace);
  if (f.range !== "7d") params.set("range", f.range);
  if (f.range === "custom") {
    if (f.from) params.set("from", f.from);
    if (f.to) params.set("to", f.to);
  }
  if (f.prompt) params.set("prompt", f.prompt);
  if (f.model) params.set("model", f.model);
  if (f.key) params.set("key", f.key);
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}

/** The browser's IANA time zone, UTC when it has none. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

const hourMs = 3_600_000;

/**
 * The from and to of a range. A preset ends now and starts a whole hour
 * back (the server counts whole hours), so the request stays the same for
 * an hour and caches well. A custom range runs from the start of its first
 * local day to the end of its last; an empty end means now.
 */
export function rangeBounds(
  range: RangePreset,
  custom: { from: string; to: string },
  now: Date,
): { from: string; to?: string } {
  if (range === "custom") {
    const from = custom.from ? new Date(`${custom.from}T00:00:00`) : new Date(now.getTime() - 7 * 24 * hourMs);
    let to: Date | undefined;
    if (custom.to) {
      to = new Date(`${custom.to}T00:00:00`);
      to.setDate(to.getDate() + 1);
    }
    return { from: from.toISOString(), to: to?.toISOString() };
  }
  const start = Math.floor((now.getTime() - presetHours[range] * hourMs) / hourMs) * hourMs;
  return { from: new Date(start).toISOString() };
}

/** The usage request parameters of the Dashboard's state. */
export function dashboardUsageParams(f: DashboardFilters, workspace: string | undefined, now: Date, tz: string): UsageParams {
  return {
    workspace,
    ...rangeBounds(f.range, { from: f.from, to: f.to }, now),
    tz,
    prompt: f.prompt || undefined,
    model: f.model || undefined,
    key: f.key || undefined,
  };
}

/** Formats a share (0–1) as a percentage: "97.5%", or the fallback for null. */
export function formatPercent(share: number | null | undefined, fallback = "—"): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return fallback;
  const pct = share * 100;
  return `${pct.toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;
}

/** Formats a count compactly for chart axes and cards ("1.2k", "3.4M"). */
export function formatCompact(n: number): string {
  return new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(n);
}

/** Tells whether the tier's history cut the range short, and how many days it shows. */
export function historyLimit(range: UsageRange | undefined): { clamped: boolean; days: number | null } {
  return { clamped: Boolean(range?.clampedFrom), days: range?.historyDays ?? null };
}
