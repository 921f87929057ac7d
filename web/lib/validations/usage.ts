import { z } from "zod";

import { executionStatusSchema } from "@/lib/validations/execution";

/** The range a usage answer covers. */
export const usageRangeSchema = z.object({
  from: z.string(),
  to: z.string(),
  tz: z.string(),
  /** The start that was asked for, when the tier's history moved it later. */
  clampedFrom: z.string().optional(),
  /** How many days back the tier sees; null for all of it. */
  historyDays: z.number().int().nullable(),
});
export type UsageRange = z.infer<typeof usageRangeSchema>;

/** Milliseconds over the runs that have the measure; p50/p95 are null where not computed. */
export const timingSchema = z.object({
  count: z.number().int(),
  avg: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
});
export type Timing = z.infer<typeof timingSchema>;

/** The numbers of a group of finished runs. */
export const usageStatsSchema = z.object({
  executions: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  timedOut: z.number().int(),
  successRate: z.number().nullable(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cachedInputTokens: z.number().int(),
  cacheCreationTokens: z.number().int(),
  reasoningTokens: z.number().int(),
  totalTokens: z.number().int(),
  costMicros: z.number().int(),
  latencyMs: timingSchema.nullable(),
  ttftMs: timingSchema.nullable(),
});
export type UsageStats = z.infer<typeof usageStatsSchema>;

/** Response of `GET /api/v1/usage/summary`. */
export const usageSummarySchema = z.object({ range: usageRangeSchema, totals: usageStatsSchema });
export type UsageSummary = z.infer<typeof usageSummarySchema>;

export const usageIntervalSchema = z.enum(["hour", "day"]);
export type UsageInterval = z.infer<typeof usageIntervalSchema>;

/** One bucket of a series. */
export const usageBucketSchema = usageStatsSchema.extend({
  start: z.string(),
  /** The local date of a day bucket. */
  date: z.string().optional(),
});
export type UsageBucket = z.infer<typeof usageBucketSchema>;

/** Response of `GET /api/v1/usage/series`. */
export const usageSeriesSchema = z.object({
  range: usageRangeSchema,
  interval: usageIntervalSchema,
  buckets: z.array(usageBucketSchema),
});
export type UsageSeries = z.infer<typeof usageSeriesSchema>;

export const breakdownBySchema = z.enum(["model", "provider", "prompt", "version", "key"]);
export type BreakdownBy = z.infer<typeof breakdownBySchema>;

/** One group of a breakdown. */
export const breakdownItemSchema = usageStatsSchema.extend({
  key: z.string(),
  label: z.string(),
  provider: z.string().optional(),
  deleted: z.boolean().optional(),
});
export type BreakdownItem = z.infer<typeof breakdownItemSchema>;

/** Response of `GET /api/v1/usage/breakdown`. */
export const usageBreakdownSchema = z.object({
  range: usageRangeSchema,
  by: breakdownBySchema,
  items: z.array(breakdownItemSchema),
  totalGroups: z.number().int(),
});
export type UsageBreakdown = z.infer<typeof usageBreakdownSchema>;

/** Response of `GET /api/v1/usage/errors`. */
export const usageErrorsSchema = z.object({
  range: usageRangeSchema,
  items: z.array(z.object({ code: z.string(), executions: z.number().int() })),
  failures: z.number().int(),
});
export type UsageErrors = z.infer<typeof usageErrorsSchema>;

/** One key's usage of the month, with a daily trend. */
export const keyUsageSchema = z.object({
  credentialId: z.string(),
  label: z.string(),
  provider: z.string(),
  deleted: z.boolean(),
  executions: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  totalTokens: z.number().int(),
  costMicros: z.number().int(),
  trend: z.array(z.object({ date: z.string(), executions: z.number().int(), costMicros: z.number().int() })),
});
export type KeyUsage = z.infer<typeof keyUsageSchema>;

/** Response of `GET /api/v1/usage/keys`. */
export const keyUsageListSchema = z.object({ range: usageRangeSchema, items: z.array(keyUsageSchema) });
export type KeyUsageList = z.infer<typeof keyUsageListSchema>;

/** A run as the recent list shows it. */
export const recentExecutionSchema = z.object({
  id: z.string(),
  promptId: z.string(),
  promptTitle: z.string(),
  promptVersion: z.number().int().nullable(),
  model: z.string(),
  provider: z.string(),
  credentialId: z.string(),
  status: executionStatusSchema,
  errorCode: z.string().optional(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costMicros: z.number().int(),
  latencyMs: z.number().nullable(),
  createdAt: z.string(),
});
export type RecentExecution = z.infer<typeof recentExecutionSchema>;

/** Response of `GET /api/v1/usage/recent`. */
export const recentExecutionListSchema = z.object({ items: z.array(recentExecutionSchema) });
export type RecentExecutionList = z.infer<typeof recentExecutionListSchema>;
