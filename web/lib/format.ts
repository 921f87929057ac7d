const dateFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
});

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** Formats an RFC 3339 time as a short local date, or the fallback for null. */
export function formatDate(value: string | null, fallback = "—"): string {
  if (!value) return fallback;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? fallback : dateFormat.format(d);
}

/** Formats an RFC 3339 time as a short local date and time, or the fallback for null. */
export function formatDateTime(value: string | null, fallback = "—"): string {
  if (!value) return fallback;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? fallback : dateTimeFormat.format(d);
}

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const relativeSteps: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** Formats an RFC 3339 time relative to now ("3 hours ago"), or the fallback for null. */
export function formatRelative(value: string | null, now: Date = new Date(), fallback = "—"): string {
  if (!value) return fallback;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return fallback;
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
  for (const [unit, size] of relativeSteps) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.trunc(seconds / size), unit);
  }
  return "just now";
}

/** Formats a count with the user's digit grouping. */
export function formatNumber(n: number): string {
  return n.toLocaleString();
}

/**
 * Formats a cost in micro-dollars (1,000,000 = $1) as dollars, precise enough
 * for single runs: $0.000123, $0.0042, $1.25. Zero is "$0".
 */
export function formatCost(micros: number): string {
  if (!Number.isFinite(micros) || micros === 0) return "$0";
  const sign = micros < 0 ? "-" : "";
  const abs = Math.abs(micros);
  const dollars = abs / 1_000_000;
  if (abs >= 10_000) {
    // A cent or more: cents, plus up to two more digits when they matter.
    return `${sign}$${dollars.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 4 })}`;
  }
  // Less than a cent: every micro-dollar digit, without trailing zeros.
  return `${sign}$${dollars.toFixed(6).replace(/0+$/, "")}`;
}

/** Formats a duration in milliseconds ("850 ms", "1.25 s"), or the fallback for null. */
export function formatDuration(ms: number | null | undefined, fallback = "—"): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return fallback;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toLocaleString("en-US", { maximumFractionDigits: 2 })} s`;
}
