import { z } from "zod";

/** One failed attempt of a background job, as River records it. */
export const jobErrorSchema = z.object({
  attempt: z.number().int(),
  at: z.string(),
  error: z.string(),
});
export type JobError = z.infer<typeof jobErrorSchema>;

/** The JSON object a job runs with; never keys or prompt text. */
const jobArgsSchema = z
  .record(z.string(), z.unknown())
  .nullable()
  .default({})
  .transform((v) => v ?? {});

/** What happened to a dead letter since it failed: still open, run again, or dismissed. */
export const deadLetterStatusSchema = z.enum(["open", "requeued", "discarded"]);
export type DeadLetterStatus = z.infer<typeof deadLetterStatusSchema>;
export const DEAD_LETTER_STATUSES = deadLetterStatusSchema.options;

/** A background job of a workspace that failed for good. */
export const deadLetterSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  jobId: z.number().int(),
  kind: z.string(),
  payload: jobArgsSchema,
  errors: z
    .array(jobErrorSchema)
    .nullable()
    .default([])
    .transform((v) => v ?? []),
  attempts: z.number().int(),
  requestId: z.string().default(""),
  status: deadLetterStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

/** Response of `GET /api/v1/dead-letters`. */
export const deadLetterListSchema = z.object({
  items: z.array(deadLetterSchema),
  page: z.number().int(),
  perPage: z.number().int(),
  total: z.number().int(),
});
export type DeadLetterList = z.infer<typeof deadLetterListSchema>;

/** The execution a dead letter of kind "execution" was running, if its payload names one. */
export function deadLetterExecutionId(d: Pick<DeadLetter, "kind" | "payload">): string | null {
  if (d.kind !== "execution") return null;
  const id = d.payload.executionId;
  return typeof id === "string" && id !== "" ? id : null;
}

/** River's job states. */
export const jobStateSchema = z.enum([
  "available",
  "cancelled",
  "completed",
  "discarded",
  "pending",
  "retryable",
  "running",
  "scheduled",
]);
export type JobState = z.infer<typeof jobStateSchema>;
export const JOB_STATES = jobStateSchema.options;

/** A River job as the superusers' console shows it. */
export const adminJobSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  queue: z.string(),
  state: jobStateSchema,
  attempt: z.number().int(),
  maxAttempts: z.number().int(),
  args: jobArgsSchema,
  errors: z
    .array(jobErrorSchema)
    .nullable()
    .default([])
    .transform((v) => v ?? []),
  createdAt: z.string(),
  scheduledAt: z.string(),
  attemptedAt: z.string().nullable().default(null),
  finalizedAt: z.string().nullable().default(null),
});
export type AdminJob = z.infer<typeof adminJobSchema>;

/** How many jobs of a queue are in a state (a string: the counts come straight from the table). */
export const jobCountSchema = z.object({
  queue: z.string(),
  state: z.string(),
  count: z.number().int(),
});
export type JobCount = z.infer<typeof jobCountSchema>;

/** Response of `GET /api/v1/admin/jobs`. */
export const adminJobListSchema = z.object({
  counts: z.array(jobCountSchema),
  items: z.array(adminJobSchema),
});
export type AdminJobList = z.infer<typeof adminJobListSchema>;

/** Jobs River would still run: the console offers to cancel them. */
export function jobCancellable(state: JobState): boolean {
  return state === "available" || state === "pending" || state === "retryable" || state === "running" || state === "scheduled";
}

/** Jobs River makes available again on retry (a running one is left alone, an available one is already due). */
export function jobRetryable(state: JobState): boolean {
  return state !== "running" && state !== "available";
}
