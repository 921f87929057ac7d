"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";

import {
  getKeyUsage,
  getUsageBreakdown,
  getUsageErrors,
  getUsageSeries,
  getUsageSummary,
  listRecentExecutions,
  type UsageParams,
} from "@/lib/api";
import { executionsQueryKey } from "@/hooks/use-executions";
import type { BreakdownBy, UsageInterval } from "@/lib/validations/usage";

/**
 * Query key prefix of every usage read. It sits under the executions' key:
 * usage is derived from runs, so whatever refreshes the runs (a run
 * finishing, one being deleted) refreshes the usage too.
 */
export const usageQueryKey = [...executionsQueryKey, "usage"] as const;

// Usage views show fresh numbers whenever they open; the previous answer
// stays on screen while the next loads.
const fresh = { staleTime: 0, placeholderData: keepPreviousData } as const;

/** The totals of a range. */
export function useUsageSummary(params: UsageParams, enabled = true) {
  return useQuery({
    queryKey: [...usageQueryKey, "summary", params],
    queryFn: ({ signal }) => getUsageSummary(params, { signal }),
    enabled,
    ...fresh,
  });
}

/** A range bucket by bucket. */
export function useUsageSeries(params: UsageParams & { interval?: UsageInterval }, enabled = true) {
  return useQuery({
    queryKey: [...usageQueryKey, "series", params],
    queryFn: ({ signal }) => getUsageSeries(params, { signal }),
    enabled,
    ...fresh,
  });
}

/** A range grouped by model, provider, prompt, version or key. */
export function useUsageBreakdown(params: UsageParams & { by: BreakdownBy; limit?: number }, enabled = true) {
  return useQuery({
    queryKey: [...usageQueryKey, "breakdown", params],
    queryFn: ({ signal }) => getUsageBreakdown(params, { signal }),
    enabled,
    ...fresh,
  });
}

/** Why runs of a range failed. */
export function useUsageErrors(params: UsageParams & { limit?: number }, enabled = true) {
  return useQuery({
    queryKey: [...usageQueryKey, "errors", params],
    queryFn: ({ signal }) => getUsageErrors(params, { signal }),
    enabled,
    ...fresh,
  });
}

/** Each provider key's usage this month. */
export function useKeyUsage(params: UsageParams, enabled = true) {
  return useQuery({
    queryKey: [...usageQueryKey, "keys", params],
    queryFn: ({ signal }) => getKeyUsage(params, { signal }),
    enabled,
    ...fresh,
  });
}

/** The latest runs of a workspace. */
export function useRecentExecutions(params: { workspace?: string; limit?: number }, enabled = true) {
  return useQuery({
    queryKey: [...usageQueryKey, "recent", params],
    queryFn: ({ signal }) => listRecentExecutions(params, { signal }),
    enabled,
    ...fresh,
  });
}
