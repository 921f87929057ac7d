import { z } from "zod";

import { usageSchema } from "@/lib/validations/execution";
import { promptParamsSchema } from "@/lib/validations/prompt";

/** Most rows one batch holds; the API refuses more. */
export const BATCH_MAX_ROWS = 10_000;
/** Most models one batch runs each row on. */
export const BATCH_MAX_MODELS = 4;
/** Largest upload the API accepts. */
export const BATCH_MAX_BYTES = 16 * 1024 * 1024;

export const batchStatusSchema = z.enum(["queued", "running", "succeeded", "failed", "completed_with_failures", "cancelled"]);
export type BatchStatus = z.infer<typeof batchStatusSchema>;

/** A batch run and its exact progress (`GET /api/v1/batches/{id}`). */
export const batchSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  promptId: z.string(),
  promptVersion: z.number().int().nullable().default(null),
  models: z.array(z.string()),
  credentials: z.record(z.string(), z.string()).default({}),
  variableNames: z.array(z.string()).default([]),
  params: promptParamsSchema
    .nullable()
    .default({})
    .transform((v) => v ?? {}),
  status: batchStatusSchema,
  rows: z.number().int(),
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  running: z.number().int().default(0),
  remaining: z.number().int(),
  inputTokens: z.number().int().default(0),
  outputTokens: z.number().int().default(0),
  costMicros: z.number().int(),
  createdBy: z.string().default(""),
  requestId: z.string().default(""),
  createdAt: z.string(),
  startedAt: z.string().nullable().default(null),
  finishedAt: z.string().nullable().default(null),
});
export type Batch = z.infer<typeof batchSchema>;

export const batchListSchema = z.object({
  items: z.array(batchSchema),
  page: z.number().int(),
  perPage: z.number().int(),
  total: z.number().int(),
});
export type BatchList = z.infer<typeof batchListSchema>;

export const batchItemStatusSchema = z.enum(["pending", "running", "succeeded", "failed", "cancelled"]);
export type BatchItemStatus = z.infer<typeof batchItemStatusSchema>;

/** One row × model of a batch with its outcome. */
export const batchResultSchema = z.object({
  id: z.string(),
  batchId: z.string(),
  row: z.number().int(),
  model: z.string(),
  variables: z.record(z.string(), z.string()).default({}),
  status: batchItemStatusSchema,
  executionId: z.string().optional(),
  finishedAt: z.string().nullable().default(null),
  responseText: z.string().default(""),
  usage: usageSchema,
  costMicros: z.number().int(),
  latencyMs: z.number().nullable().default(null),
  attempts: z.number().int().default(0),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
});
export type BatchResult = z.infer<typeof batchResultSchema>;

export const batchItemListSchema = z.object({
  items: z.array(batchResultSchema),
  page: z.number().int(),
  perPage: z.number().int(),
  total: z.number().int(),
});
export type BatchItemList = z.infer<typeof batchItemListSchema>;

/** One refused row of an invalid_rows problem. */
export const rowErrorSchema = z.object({
  row: z.number().int(),
  errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })),
});
export type RowError = z.infer<typeof rowErrorSchema>;

/** The members of an invalid_rows problem besides the standard ones. */
export const invalidRowsSchema = z.object({
  rows: z.array(rowErrorSchema).default([]),
  invalidRows: z.number().int().default(0),
});

/** The rows of a batch as the API takes them: a CSV text, or JSON rows. */
export type BatchUpload = { kind: "csv"; text: string } | { kind: "json"; rows: Record<string, string>[] };

/** Body of `POST /api/v1/prompts/{id}/batches` besides the rows. */
export interface CreateBatchRequest {
  models: string[];
  version?: number | "draft";
  upload: BatchUpload;
}
