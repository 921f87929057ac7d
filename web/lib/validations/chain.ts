import { z } from "zod";

/** Most steps a chain has, and most inputs it declares (as the API enforces). */
export const CHAIN_STEPS_MAX = 20;
export const CHAIN_INPUTS_MAX = 20;
export const CHAIN_NAME_MAX = 200;
export const CHAIN_DESCRIPTION_MAX = 2000;

/** What a chain input may be called: the same names as template variables. */
export const INPUT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Where a step's variable gets its value: a chain input, an earlier step's
 * output (by position, from 1) or literal text — exactly one.
 */
export const bindingSchema = z.union([
  z.object({ input: z.string().min(1) }).strict(),
  z.object({ step: z.number().int().min(1) }).strict(),
  z.object({ literal: z.string() }).strict(),
]);
export type Binding = z.infer<typeof bindingSchema>;

/** One step of a chain: a prompt (a pinned version, or null for the published one at run time) on a model. */
export const chainStepSchema = z.object({
  promptId: z.string(),
  version: z.number().int().nullable().default(null),
  model: z.string().default(""),
  bindings: z
    .record(z.string(), bindingSchema)
    .nullable()
    .default({})
    .transform((b) => b ?? {}),
});
export type ChainStep = z.infer<typeof chainStepSchema>;

/** A chain as the API returns it. */
export const chainSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  description: z.string().default(""),
  inputs: z.array(z.string()),
  steps: z.array(chainStepSchema),
  createdBy: z.string(),
  updatedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Chain = z.infer<typeof chainSchema>;

export const chainListSchema = z.object({
  items: z.array(chainSchema),
  page: z.number().int(),
  perPage: z.number().int(),
  total: z.number().int(),
});
export type ChainList = z.infer<typeof chainListSchema>;

/**
 * Body of `POST /api/v1/chains` and `PUT /api/v1/chains/{id}`. The client
 * checks what it can see; the API checks the rest (prompts, versions,
 * models, bindings) and names each failing field.
 */
export const chainRequestSchema = z.object({
  workspaceId: z.string().optional(),
  name: z.string().trim().min(1, "Give the chain a name.").max(CHAIN_NAME_MAX, `At most ${CHAIN_NAME_MAX} characters.`),
  description: z.string().max(CHAIN_DESCRIPTION_MAX, `At most ${CHAIN_DESCRIPTION_MAX} characters.`),
  inputs: z
    .array(
      z
        .string()
        .max(64, "At most 64 characters.")
        .regex(INPUT_NAME_PATTERN, "Start with a letter or _; use letters, digits, _, . or -."),
    )
    .max(CHAIN_INPUTS_MAX, `At most ${CHAIN_INPUTS_MAX} inputs.`),
  steps: z
    .array(
      z.object({
        promptId: z.string().min(1, "Choose a prompt."),
        version: z.number().int().nullable(),
        model: z.string(),
        bindings: z.record(z.string(), bindingSchema),
      }),
    )
    .min(1, "Add at least one step.")
    .max(CHAIN_STEPS_MAX, `At most ${CHAIN_STEPS_MAX} steps.`),
});
export type ChainRequest = z.infer<typeof chainRequestSchema>;

export const chainRunStatusSchema = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);
export type ChainRunStatus = z.infer<typeof chainRunStatusSchema>;

export const chainStepStatusSchema = z.enum(["pending", "running", "succeeded", "failed", "cancelled"]);
export type ChainStepStatus = z.infer<typeof chainStepStatusSchema>;

/** One step of a run, with the execution that ran it and its output or error. */
export const chainRunStepSchema = z.object({
  position: z.number().int(),
  promptId: z.string(),
  promptVersion: z.number().int().nullable().default(null),
  model: z.string(),
  bindings: z
    .record(z.string(), bindingSchema)
    .nullable()
    .default({})
    .transform((b) => b ?? {}),
  status: chainStepStatusSchema,
  executionId: z.string().optional(),
  output: z.string().nullable().default(null),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  startedAt: z.string().nullable().default(null),
  finishedAt: z.string().nullable().default(null),
});
export type ChainRunStep = z.infer<typeof chainRunStepSchema>;

/** A run of a chain; single runs carry their steps. */
export const chainRunSchema = z.object({
  id: z.string(),
  chainId: z.string(),
  workspaceId: z.string(),
  status: chainRunStatusSchema,
  inputs: z
    .record(z.string(), z.string())
    .nullable()
    .default({})
    .transform((v) => v ?? {}),
  currentStep: z.number().int(),
  stepCount: z.number().int(),
  errorStep: z.number().int().nullable().default(null),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  createdBy: z.string(),
  requestId: z.string().default(""),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable().default(null),
  steps: z.array(chainRunStepSchema).default([]),
});
export type ChainRun = z.infer<typeof chainRunSchema>;

export const chainRunListSchema = z.object({
  items: z.array(chainRunSchema),
  page: z.number().int(),
  perPage: z.number().int(),
  total: z.number().int(),
});
export type ChainRunList = z.infer<typeof chainRunListSchema>;

/** Whether a run is still going: its view keeps refreshing until it is not. */
export function chainRunActive(status: ChainRunStatus): boolean {
  return status === "queued" || status === "running";
}
