import { z } from "zod";

/** Field limits of a prompt, as the API enforces them (characters). */
export const PROMPT_TITLE_MAX = 200;
export const PROMPT_DESCRIPTION_MAX = 2_000;
export const PROMPT_TEXT_MAX = 100_000;
export const PROMPT_TAGS_MAX = 20;
export const PROMPT_TAG_MAX = 32;
export const PROMPT_WHITELIST_MAX = 50;
export const PROMPT_SYSTEM_PROMPT_MAX = 20_000;
export const PROMPT_DEFAULT_MAX = 10_000;
export const PROMPT_MAX_TOKENS_MAX = 1_000_000;

export const promptStatusSchema = z.enum(["draft", "published", "archived"]);
export type PromptStatus = z.infer<typeof promptStatusSchema>;

export const visibilitySchema = z.enum(["private", "public"]);
export type Visibility = z.infer<typeof visibilitySchema>;

/** Default model parameters of a prompt; absent fields are unset. */
export const promptParamsSchema = z.object({
  temperature: z.number().optional(),
  topP: z.number().optional(),
  maxTokens: z.number().int().optional(),
  systemPrompt: z.string().optional(),
});
export type PromptParams = z.infer<typeof promptParamsSchema>;

/** A `{{variable}}` of the prompt text with its optional default value. */
export const promptVariableSchema = z.object({
  name: z.string(),
  default: z.string().optional(),
});
export type PromptVariable = z.infer<typeof promptVariableSchema>;

/** The editable content of a prompt: what a version snapshots. */
export const promptContentSchema = z.object({
  title: z.string(),
  description: z.string(),
  promptText: z.string(),
  tags: z.array(z.string()),
  modelWhitelist: z.array(z.string()),
  defaultModel: z.string(),
  defaultParams: promptParamsSchema,
  variables: z.array(promptVariableSchema),
});
export type PromptContent = z.infer<typeof promptContentSchema>;

/** A prompt as `GET /api/v1/prompts/{id}` returns it; its content is the working draft. */
export const promptSchema = promptContentSchema.extend({
  id: z.string(),
  workspaceId: z.string(),
  status: promptStatusSchema,
  visibility: visibilitySchema,
  latestVersion: z.number().int(),
  publishedVersion: z.number().int().nullable(),
  hasDraftChanges: z.boolean(),
  ownerId: z.string(),
  createdBy: z.string(),
  updatedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
  /** Set on forks: the public prompt and version they were copied from. */
  forkedFrom: z
    .object({ promptId: z.string(), version: z.number().int(), authorId: z.string() })
    .nullable()
    .optional(),
});
export type Prompt = z.infer<typeof promptSchema>;

/** A prompt as lists show it. */
export const promptSummarySchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  title: z.string(),
  description: z.string(),
  excerpt: z.string(),
  tags: z.array(z.string()),
  status: promptStatusSchema,
  visibility: visibilitySchema,
  latestVersion: z.number().int(),
  publishedVersion: z.number().int().nullable(),
  hasDraftChanges: z.boolean(),
  ownerId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
  /** Succeeded executions and net votes (counters). */
  executions: z.number().int().default(0),
  votes: z.number().int().default(0),
});
export type PromptSummary = z.infer<typeof promptSummarySchema>;

/** Response of `GET /api/v1/prompts`. */
export const promptListSchema = z.object({
  items: z.array(promptSummarySchema),
  page: z.number().int(),
  perPage: z.number().int(),
  /** Exact, except for a search past 10,000 matches (then totalIsLowerBound). */
  total: z.number().int(),
  totalIsLowerBound: z.boolean().default(false),
});
export type PromptList = z.infer<typeof promptListSchema>;

/** An immutable, numbered snapshot of a prompt's content. */
export const promptVersionSchema = promptContentSchema.extend({
  promptId: z.string(),
  version: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type PromptVersion = z.infer<typeof promptVersionSchema>;

/** Response of `GET /api/v1/prompts/{id}/versions` (newest first). */
export const promptVersionListSchema = z.object({
  items: z.array(promptVersionSchema),
  total: z.number().int(),
});
export type PromptVersionList = z.infer<typeof promptVersionListSchema>;

/** Response of `GET /api/v1/prompts/{id}/diff`. */
export const promptDiffSchema = z.object({
  from: z.object({ label: z.string(), content: promptContentSchema }),
  to: z.object({ label: z.string(), content: promptContentSchema }),
  fields: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
  lines: z.array(z.object({ op: z.enum(["equal", "insert", "delete"]), text: z.string() })),
});
export type PromptDiff = z.infer<typeof promptDiffSchema>;

/** Response of `GET /api/v1/tags`: tags of a workspace, most used first. */
export const tagListSchema = z.object({
  items: z.array(z.object({ tag: z.string(), count: z.number().int() })),
});
export type TagList = z.infer<typeof tagListSchema>;

/** Response of `GET /api/v1/models`: the model catalog. */
export const modelCatalogSchema = z.object({
  providers: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      /** Any model name is accepted (your own server). */
      openModels: z.boolean().optional(),
      /** The workspace has a key for this provider. */
      usable: z.boolean().optional(),
    }),
  ),
  models: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      provider: z.string(),
      contextWindow: z.number().optional(),
      /** The workspace has a key for this model's provider. */
      usable: z.boolean().optional(),
    }),
  ),
});
export type ModelCatalog = z.infer<typeof modelCatalogSchema>;

/** The provider whose model names are free-form (`openai-compatible:<name>`). */
export const OPEN_MODELS_PROVIDER = "openai-compatible";

/**
 * An export document (`krowoc.prompts` version 1). Prompts are kept as sent,
 * so a downloaded file holds exactly what the server exported.
 */
export const exportDocumentSchema = z.looseObject({
  format: z.literal("krowoc.prompts"),
  version: z.number().int(),
  exportedAt: z.string().optional(),
  prompts: z.array(z.looseObject({ title: z.string().optional() })),
});
export type ExportDocument = z.infer<typeof exportDocumentSchema>;

/** Response of `POST /api/v1/prompts/import`. */
export const importResultSchema = z.object({
  created: z.array(z.object({ index: z.number().int(), title: z.string(), id: z.string() })),
  skipped: z.array(z.object({ index: z.number().int(), title: z.string(), reason: z.string() })),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** One refused item of an import's `validation_failed` problem. */
export const importItemErrorSchema = z.object({
  index: z.number().int(),
  title: z.string().optional().default(""),
  errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })),
});
export type ImportItemError = z.infer<typeof importItemErrorSchema>;

/** Progress event of a streamed import. */
export const importProgressSchema = z.object({
  phase: z.enum(["validating", "importing"]),
  done: z.number().int(),
  total: z.number().int(),
});
export type ImportProgress = z.infer<typeof importProgressSchema>;

/** Extra members of a `quota_exceeded` problem. */
export const quotaProblemSchema = z.object({
  limit: z.number().int(),
  count: z.number().int(),
  requested: z.number().int().optional(),
  upgradeUrl: z.string().optional(),
});
export type QuotaProblem = z.infer<typeof quotaProblemSchema>;

/** Body of `POST /api/v1/prompts`. */
export interface CreatePromptRequest {
  workspaceId?: string;
  title: string;
  description?: string;
  promptText: string;
  tags?: string[];
  modelWhitelist?: string[];
  defaultModel?: string;
  defaultParams?: PromptParams;
  variableDefaults?: Record<string, string>;
}

/** Body of `PATCH /api/v1/prompts/{id}`. */
export type UpdatePromptRequest = Partial<Omit<CreatePromptRequest, "workspaceId">> & {
  visibility?: Visibility;
};

// ---------------------------------------------------------------------------
// Tags and variables

/** Normalizes one tag the way the API does: trimmed and lower-case. */
export function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase();
}

/** Normalizes tags: trimmed, lower-case, without empty ones or duplicates, first-seen order. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const t = normalizeTag(raw);
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** The `{{name}}` and `{{ name }}` syntax of template variables (same as the API). */
export const VARIABLE_PATTERN = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/** The distinct variable names of a prompt text, in order of first appearance. */
export function extractVariables(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(VARIABLE_PATTERN)) {
    const name = m[1];
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Whether a model is allowed by a whitelist of providers and `provider:model` ids. */
export function modelAllowed(whitelist: readonly string[], model: string): boolean {
  if (whitelist.length === 0) return true;
  const provider = model.split(":")[0] ?? "";
  return whitelist.includes(model) || whitelist.includes(provider);
}

// ---------------------------------------------------------------------------
// The editor form

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

/**
 * The prompt editor form. Field names follow the API's JSON, so a server
 * error on `defaultParams.temperature` lands on the same form field.
 */
export const promptFormSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, "Title is required.")
      .max(PROMPT_TITLE_MAX, `Title must be at most ${PROMPT_TITLE_MAX} characters.`),
    description: z
      .string()
      .trim()
      .max(PROMPT_DESCRIPTION_MAX, `Description must be at most ${PROMPT_DESCRIPTION_MAX} characters.`),
    promptText: z
      .string()
      .max(PROMPT_TEXT_MAX, `Prompt text must be at most ${PROMPT_TEXT_MAX} characters.`)
      .refine((s) => s.trim() !== "", "Prompt text is required."),
    tags: z
      .array(z.string())
      .transform(normalizeTags)
      .refine((t) => t.length <= PROMPT_TAGS_MAX, `A prompt has at most ${PROMPT_TAGS_MAX} tags.`)
      .refine(
        (t) => t.every((tag) => tag.length <= PROMPT_TAG_MAX),
        `Each tag must be at most ${PROMPT_TAG_MAX} characters.`,
      ),
    modelWhitelist: z
      .array(z.string())
      .max(PROMPT_WHITELIST_MAX, `The whitelist has at most ${PROMPT_WHITELIST_MAX} entries.`),
    defaultModel: z.string().trim(),
    defaultParams: z.object({
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
    variableDefaults: z.record(
      z.string(),
      z.string().max(PROMPT_DEFAULT_MAX, `A default value is at most ${PROMPT_DEFAULT_MAX} characters.`),
    ),
  })
  .superRefine((v, ctx) => {
    if (v.defaultModel && !modelAllowed(v.modelWhitelist, v.defaultModel)) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultModel"],
        message: "The default model must be allowed by the whitelist.",
      });
    }
  });
export type PromptFormInput = z.input<typeof promptFormSchema>;
export type PromptFormValues = z.output<typeof promptFormSchema>;

/** An empty editor form. */
export const emptyPromptForm: PromptFormInput = {
  title: "",
  description: "",
  promptText: "",
  tags: [],
  modelWhitelist: [],
  defaultModel: "",
  defaultParams: { temperature: "", topP: "", maxTokens: "", systemPrompt: "" },
  variableDefaults: {},
};

/** The editor form filled from a prompt (or a version's content). */
export function promptToFormInput(p: PromptContent): PromptFormInput {
  const variableDefaults: Record<string, string> = {};
  for (const v of p.variables) {
    if (v.default !== undefined) variableDefaults[v.name] = v.default;
  }
  const num = (n: number | undefined) => (n === undefined ? "" : String(n));
  return {
    title: p.title,
    description: p.description,
    promptText: p.promptText,
    tags: [...p.tags],
    modelWhitelist: [...p.modelWhitelist],
    defaultModel: p.defaultModel,
    defaultParams: {
      temperature: num(p.defaultParams.temperature),
      topP: num(p.defaultParams.topP),
      maxTokens: num(p.defaultParams.maxTokens),
      systemPrompt: p.defaultParams.systemPrompt ?? "",
    },
    variableDefaults,
  };
}

function paramsOf(values: PromptFormValues): PromptParams {
  const p: PromptParams = {};
  const { temperature, topP, maxTokens, systemPrompt } = values.defaultParams;
  if (temperature !== undefined) p.temperature = temperature;
  if (topP !== undefined) p.topP = topP;
  if (maxTokens !== undefined) p.maxTokens = maxTokens;
  if (systemPrompt.trim() !== "") p.systemPrompt = systemPrompt;
  return p;
}

/** Defaults of the variables the text still uses; empty values mean "no default". */
function variableDefaultsOf(values: PromptFormValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of extractVariables(values.promptText)) {
    const d = values.variableDefaults[name];
    if (d !== undefined && d !== "") out[name] = d;
  }
  return out;
}

/** The PATCH body for validated form values: every editable field. */
export function toUpdatePromptRequest(values: PromptFormValues): UpdatePromptRequest {
  return {
    title: values.title,
    description: values.description,
    promptText: values.promptText,
    tags: values.tags,
    modelWhitelist: values.modelWhitelist,
    defaultModel: values.defaultModel,
    defaultParams: paramsOf(values),
    variableDefaults: variableDefaultsOf(values),
  };
}

/** The POST body for validated form values. */
export function toCreatePromptRequest(values: PromptFormValues, workspaceId?: string): CreatePromptRequest {
  const body: CreatePromptRequest = { ...toUpdatePromptRequest(values), title: values.title, promptText: values.promptText };
  if (workspaceId) body.workspaceId = workspaceId;
  return body;
}
