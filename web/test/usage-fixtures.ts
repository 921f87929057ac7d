import type { BreakdownItem, UsageRange, UsageStats } from "@/lib/validations/usage";

/** Usage stats with every number zero unless given. */
export function usageStats(over: Partial<UsageStats> = {}): UsageStats {
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

/** A breakdown group. */
export function breakdownItem(key: string, label: string, over: Partial<UsageStats> = {}): BreakdownItem {
  return { ...usageStats(over), key, label };
}

/** The range of a week, unclamped, as a Power account sees it. */
export const weekRange: UsageRange = {
  from: "2026-03-13T12:00:00Z",
  to: "2026-03-20T13:00:00Z",
  tz: "UTC",
  historyDays: null,
};

/** A signed-in session for tests: useMe only loads for one. */
export function fakeToken(): string {
  const b64 = (v: object) => btoa(JSON.stringify(v)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${b64({ alg: "HS256" })}.${b64({ exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
}
