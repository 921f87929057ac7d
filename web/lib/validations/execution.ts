import { z } from "zod";

import { PROMPT_MAX_TOKENS_MAX, PROMPT_SYSTEM_PROMPT_MAX, promptParamsSchema, type Prompt, type PromptParams } from "@/lib/validations/prompt";

/** Most models one side-by-side run compares. */
export const COMPARE_MAX = 4;

export const executionStatusSchema = z.enum(["running", "succeeded", "failed", "cancelled", "timed_out"]);
export type ExecutionStatus = z.infer<typeof executionStatusSchema>;
export const EXECUTION_STATUSES = executionStatusSchema.options;

/** Normalized token usage of a run. */
export const usageSchema = z.object({
  inputTokens: z.number().int().default(0),
  outputTokens: z.number().int().default(0),
  cachedInputTokens: z.number().int().default(0),
  cacheCreationTokens: z.number().int().default(0),
  reasoningTokens: z.number().int().default(0),
});
export type Usage = z.infer<typeof usageSchema>;

/** One recorded run of a prompt on one model. */
export const executionSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  userId: z.string().default(""),
  promptId: z.string(),
  promptVersion: z.number().int().nullable().default(null),
  model: z.string(),
  provider: z.string(),
  credentialId: z.string().default(""),
  variables: z
    .record(z.string(), z.string())
    .nullable()
    .default({})
    .transform((v) => v ?? {}),
  params: promptParamsSchema
    .nullable()
    .default({})
    .transform((v) => v ?? {}),
  status: executionStatusSchema,
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  attempts: z.number().int(),
  ttftMs: z.number().nullable().default(null),
  latencyMs: z.number().nullable().default(null),
  usage: usageSchema,
  costMicros: z.number().int(),
  responseText: z.string().default(""),
  requestId: z.string().default(""),
  createdAt: z.string(),
  finishedAt: z.string().nullable().default(null),
});
export type Execution = z.infer<typeof executionSchema>;

/** Response of `GET /api/v1/executions`. */
export const executionListSchema = z.object({
  items: z.array(executionSchema),
  page: z.number().int(),
  perPage: z.number().int(),
  total: z.number().int(),
});
export type ExecutionList = z.infer<typeof executionListSchema>;

/** JSON answer of a run: one execution, or the executions of a side-by-side run. */
export const executeResultSchema = z.union([
  z.object({ executions: z.array(executionSchema) }),
  executionSchema,
]);
export type ExecuteResult = z.infer<typeof executeResultSchema>;

/** Body of `POST /api/v1/prompts/{id}/executions`. */
export interface ExecuteRequest {
  model?: string;
  models?: string[];
  variables?: Record<string, string>;
  params?: PromptParams;
  version?: number | "draft";
  credentialId?: string;
}

/** A problem as an `error` event carries it. */
export const streamProblemSchema = z.looseObject({
  code: z.string().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  status: z.number().optional(),
  reason: z.string().optional(),
});

/** The events of a streamed run; each names its model and execution. */
export type RunEvent =
  | { type: "start"; model: string; executionId: string; promptVersion: number | null }
  | { type: "delta"; model: string; executionId: string; text: string }
  | { type: "usage"; model: string; executionId: string; usage: Usage; costMicros: number }
  | { type: "done"; model: string; executionId: string; execution: Execution }
  | {
      type: "error";
      model: string;
      executionId: string;
      code: string;
      detail: string;
      reason?: string;
    };

const tagSchema = z.object({ model: z.string(), executionId: z.string().default("") });

/** Turns one SSE event (name and parsed JSON data) into a RunEvent; null when unknown or malformed. */
export function toRunEvent(name: string, data: unknown): RunEvent | null {
  const tag = tagSchema.safeParse(data);
  if (!tag.success) return null;
  const { model, executionId } = tag.data;
  switch (name) {
    case "start": {
      const p = z.object({ promptVersion: z.number().int().nullable().default(null) }).safeParse(data);
      return p.success ? { type: "start", model, executionId, promptVersion: p.data.promptVersion } : null;
    }
    case "delta": {
      const p = z.object({ text: z.string() }).safeParse(data);
      return p.success ? { type: "delta", model, executionId, text: p.data.text } : null;
    }
    case "usage": {
      const p = z.object({ usage: usageSchema, costMicros: z.number().int() }).safeParse(data);
      return p.success ? { type: "usage", model, executionId, ...p.data } : null;
    }
    case "done": {
      const p = z.object({ execution: executionSchema }).safeParse(data);
      return p.success ? { type: "done", model, executionId, execution: p.data.execution } : null;
    }
    case "error": {
      const p = streamProblemSchema.safeParse(data);
      if (!p.success) return null;
      return {
        type: "error",
        model,
        executionId,
        code: p.data.code ?? "upstream_failed",
        detail: p.data.detail ?? p.data.title ?? "The run failed.",
        reason: p.data.reason,
      };
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------
// The run form

function optionalNumber(opts: { min: number; max: number; int?: boolean; message: string }) {
  return z
    .string()
    .trim()
    .refine((s) => {
      if (s === "") return true;
      const n = Number(s);
      if (!Number.isFinite(n) || n < opts.min || n > opts.max) return false;
      return !opts.int || Number.isInteger(n);
    }, opts.message)
    .transform((s) => (s === "" ? undefined : Number(s)));
}

/** The run form: field names follow the API, so server errors land on the same fields. */
export const runFormSchema = z
  .object({
    compare: z.boolean(),
    model: z.string(),
    models: z.array(z.string()),
    version: z.string(),
    variables: z.record(z.string(), z.string()),
    params: z.object({
      temperature: optionalNumber({ min: 0, max: 2, message: "Temperature must be from 0 to 2." }),
      topP: optionalNumber({ min: 0, max: 1, message: "Top P must be from 0 to 1." }),
      maxTokens: optionalNumber({
        min: 1,
        max: PROMPT_MAX_TOKENS_MAX,
        int: true,
        message: "Max tokens must be a whole number from 1 to 1,000,000.",
      }),
      systemPrompt: z
        .string()
        .max(PROMPT_SYSTEM_PROMPT_MAX, `The system prompt must be at most ${PROMPT_SYSTEM_PROMPT_MAX} characters.`),
    }),
  })
  .superRefine((v, ctx) => {
    if (v.compare) {
      if (v.models.length < 2 || v.models.length > COMPARE_MAX) {
        ctx.addIssue({ code: "custom", path: ["models"], message: `Pick 2 to ${COMPARE_MAX} models to compare.` });
      }
    } else if (v.model === "") {
      ctx.addIssue({ code: "custom", path: ["model"], message: "Pick a model." });
    }
  });
export type RunFormInput = z.input<typeof runFormSchema>;
export type RunFormValues = z.output<typeof runFormSchema>;

/** The version a run uses by default: the published one, else the draft. */
export function defaultRunVersion(p: Pick<Prompt, "publishedVersion">): string {
  return p.publishedVersion !== null ? String(p.publishedVersion) : "draft";
}

/** The run form prefilled from a prompt: default model, variable defaults, default parameters. */
export function runFormDefaults(p: Prompt): RunFormInput {
  const variables: Record<string, string> = {};
  for (const v of p.variables) variables[v.name] = v.default ?? "";
  const num = (n: number | undefined) => (n === undefined ? "" : String(n));
  return {
    compare: false,
    model: p.defaultModel,
    models: [],
    version: defaultRunVersion(p),
    variables,
    params: {
      temperature: num(p.defaultParams.temperature),
      topP: num(p.defaultParams.topP),
      maxTokens: num(p.defaultParams.maxTokens),
      systemPrompt: p.defaultParams.systemPrompt ?? "",
    },
  };
}

/** The request body for validated run form values. Empty variables are left to their defaults. */
export function toExecuteRequest(values: RunFormValues): ExecuteRequest {
  const body: ExecuteRequest = {};
  if (values.compare) body.models = values.models;
  else body.model = values.model;
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(values.variables)) {
    if (v !== "") variables[k] = v;
  }
  body.variables = variables;
  const params: PromptParams = {};
  const { temperature, topP, maxTokens, systemPrompt } = values.params;
  if (temperature !== undefined) params.temperature = temperature;
  if (topP !== undefined) params.topP = topP;
  if (maxTokens !== undefined) params.maxTokens = maxTokens;
  if (systemPrompt.trim() !== "") params.systemPrompt = systemPrompt;
  body.params = params;
  body.version = values.version === "draft" ? "draft" : Number(values.version);
  return body;
}

/** Extra members of run problems. */
export const missingVariablesSchema = z.object({ missing: z.array(z.string()) });
export const modelNotAllowedSchema = z.object({ allowed: z.array(z.string()) });
export const noCredentialSchema = z.object({ provider: z.string() });
