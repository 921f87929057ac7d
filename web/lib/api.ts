/**
 * The one typed client for the Krowoc domain API under /api/v1. Every request
 * carries the Pocketbase auth token; every failure becomes an ApiError built
 * from the RFC 9457 problem the server sends.
 */
import { z } from "zod";

import { getPb } from "@/lib/pocketbase";
import {
  credentialListSchema,
  credentialSchema,
  type CreateCredentialRequest,
  type Credential,
  type CredentialList,
  type UpdateCredentialRequest,
} from "@/lib/validations/credential";
import {
  executeResultSchema,
  executionListSchema,
  executionSchema,
  toRunEvent,
  type ExecuteRequest,
  type ExecuteResult,
  type Execution,
  type ExecutionList,
  type ExecutionStatus,
  type RunEvent,
} from "@/lib/validations/execution";
import { meSchema, type Me } from "@/lib/validations/me";
import {
  keyUsageListSchema,
  recentExecutionListSchema,
  usageBreakdownSchema,
  usageErrorsSchema,
  usageSeriesSchema,
  usageSummarySchema,
  type BreakdownBy,
  type KeyUsageList,
  type RecentExecutionList,
  type UsageBreakdown,
  type UsageErrors,
  type UsageInterval,
  type UsageSeries,
  type UsageSummary,
} from "@/lib/validations/usage";
import {
  exportDocumentSchema,
  importProgressSchema,
  importResultSchema,
  modelCatalogSchema,
  promptDiffSchema,
  promptListSchema,
  promptSchema,
  promptVersionListSchema,
  promptVersionSchema,
  tagListSchema,
  type CreatePromptRequest,
  type ExportDocument,
  type ImportProgress,
  type ImportResult,
  type ModelCatalog,
  type Prompt,
  type PromptDiff,
  type PromptList,
  type PromptStatus,
  type PromptVersion,
  type PromptVersionList,
  type TagList,
  type UpdatePromptRequest,
  type Visibility,
} from "@/lib/validations/prompt";
import {
  createTokenResponseSchema,
  tokenListSchema,
  type CreateTokenRequest,
  type CreateTokenResponse,
  type TokenList,
} from "@/lib/validations/token";

const API_BASE = "/api/v1";

/** Stable machine-readable problem codes the API sends, plus client-side ones. */
export type ProblemCode =
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "validation_failed"
  | "bad_request"
  | "payload_too_large"
  | "rate_limited"
  | "quota_exceeded"
  | "conflict"
  | "internal"
  | "network_error"
  | "invalid_response"
  | (string & {});

/** One failing field of a validation problem. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

const problemSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  code: z.string().optional(),
  requestId: z.string().optional(),
  errors: z
    .array(z.object({ field: z.string(), code: z.string(), message: z.string() }))
    .optional(),
});

const codeByStatus: Record<number, ProblemCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "payload_too_large",
  429: "rate_limited",
};

/** A failed API call: the problem's status, code, safe detail and field errors. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly title: string;
  readonly detail: string;
  readonly fieldErrors: FieldError[];
  readonly requestId: string | null;
  /** The problem's extension members (e.g. `limit` and `count` of quota_exceeded). */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(init: {
    status: number;
    code: ProblemCode;
    title?: string;
    detail?: string;
    fieldErrors?: FieldError[];
    requestId?: string | null;
    extra?: Record<string, unknown>;
  }) {
    const title = init.title ?? "Request failed";
    const detail = init.detail ?? title;
    super(detail);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.title = title;
    this.detail = detail;
    this.fieldErrors = init.fieldErrors ?? [];
    this.requestId = init.requestId ?? null;
    this.extra = init.extra ?? {};
  }

  /** The error of one field, if the problem names it. */
  fieldError(field: string): FieldError | undefined {
    return this.fieldErrors.find((e) => e.field === field);
  }
}

/** Tells whether an error is an ApiError, optionally with the given code. */
export function isApiError(error: unknown, code?: ProblemCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

type QueryValue = string | number | boolean | undefined | readonly string[];

interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
}

/** Options every read accepts: an AbortSignal (TanStack Query passes one). */
export interface ReadOptions {
  signal?: AbortSignal;
}

function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value as readonly string[]) params.append(key, v);
    } else {
      params.set(key, String(value));
    }
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ""}`;
}

const problemMembers = new Set(["type", "title", "status", "detail", "code", "requestId", "errors", "instance"]);

/** Builds an ApiError from a problem document (any JSON) and the response's status. */
function apiErrorFromProblem(
  status: number,
  body: unknown,
  fallbackTitle: string,
  headerRequestId: string | null,
): ApiError {
  const parsed = problemSchema.safeParse(body);
  const problem = parsed.success ? parsed.data : {};
  const extra: Record<string, unknown> = {};
  if (parsed.success && body && typeof body === "object") {
    for (const [key, value] of Object.entries(body)) {
      if (!problemMembers.has(key)) extra[key] = value;
    }
  }
  const effective = problem.status ?? status;
  return new ApiError({
    status: effective,
    code: problem.code ?? codeByStatus[effective] ?? "internal",
    title: problem.title ?? (fallbackTitle || "Request failed"),
    detail: problem.detail ?? problem.title ?? `Request failed with status ${effective}.`,
    fieldErrors: problem.errors ?? [],
    requestId: problem.requestId ?? headerRequestId,
    extra,
  });
}

async function problemFrom(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): fall back to the status.
  }
  return apiErrorFromProblem(res.status, body, res.statusText, res.headers.get("X-Request-ID"));
}

function networkError(): ApiError {
  return new ApiError({
    status: 0,
    code: "network_error",
    title: "Network error",
    detail: "Could not reach the server. Check your connection and try again.",
  });
}

function authHeaders(): Record<string, string> {
  const token = getPb().authStore.token;
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const pb = getPb();
  const headers: Record<string, string> = { Accept: "application/json", ...authHeaders() };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";

  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: "same-origin",
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw networkError();
  }

  if (!res.ok) {
    const error = await problemFrom(res);
    // The token is expired or revoked: drop it so the app sends the user to sign in.
    if (error.status === 401) pb.authStore.clear();
    throw error;
  }
  return res;
}

function invalidResponse(status: number, requestId: string | null): ApiError {
  return new ApiError({
    status,
    code: "invalid_response",
    title: "Unexpected response",
    detail: "The server sent a response this app does not understand.",
    requestId,
  });
}

async function requestJson<S extends z.ZodType>(
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.output<S>> {
  const res = await send(path, options);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalidResponse(res.status, res.headers.get("X-Request-ID"));
  return parsed.data;
}

async function requestNoContent(path: string, options: RequestOptions): Promise<void> {
  await send(path, options);
}

/** `GET /api/v1/me`: the signed-in user and their workspaces. */
export function getMe(options: ReadOptions = {}): Promise<Me> {
  return requestJson("/me", meSchema, { signal: options.signal });
}

/** `GET /api/v1/tokens`: one page of the user's personal access tokens. */
export function listTokens(
  params: { page?: number; perPage?: number } = {},
  options: ReadOptions = {},
): Promise<TokenList> {
  return requestJson("/tokens", tokenListSchema, {
    query: { page: params.page ?? 1, perPage: params.perPage ?? 50 },
    signal: options.signal,
  });
}

/** `POST /api/v1/tokens`: creates a token; the response holds its secret, once. */
export function createToken(body: CreateTokenRequest): Promise<CreateTokenResponse> {
  return requestJson("/tokens", createTokenResponseSchema, { method: "POST", body });
}

/** `DELETE /api/v1/tokens/{id}`: revokes a token; a missing one is a not_found ApiError. */
export function revokeToken(id: string): Promise<void> {
  return requestNoContent(`/tokens/${encodeURIComponent(id)}`, { method: "DELETE" });
}

// ---------------------------------------------------------------------------
// Prompts

/** Sort keys of the prompt list. */
export type PromptSort = "updated" | "created" | "title";

/** Filters, sorting and paging of `GET /api/v1/prompts`. */
export interface ListPromptsParams {
  workspace?: string;
  tags?: readonly string[];
  status?: PromptStatus;
  visibility?: Visibility;
  q?: string;
  sort?: PromptSort;
  order?: "asc" | "desc";
  deleted?: boolean;
  page?: number;
  perPage?: number;
}

const promptPath = (id: string) => `/prompts/${encodeURIComponent(id)}`;

/** `GET /api/v1/prompts`: one page of prompts matching the filters. */
export function listPrompts(params: ListPromptsParams = {}, options: ReadOptions = {}): Promise<PromptList> {
  return requestJson("/prompts", promptListSchema, {
    query: {
      workspace: params.workspace,
      tag: params.tags && params.tags.length > 0 ? params.tags : undefined,
      status: params.status,
      visibility: params.visibility,
      q: params.q || undefined,
      sort: params.sort,
      order: params.order,
      deleted: params.deleted ? true : undefined,
      page: params.page ?? 1,
      perPage: params.perPage ?? 20,
    },
    signal: options.signal,
  });
}

/** `GET /api/v1/prompts/{id}`: one prompt, also when it is in the trash. */
export function getPrompt(id: string, options: ReadOptions = {}): Promise<Prompt> {
  return requestJson(promptPath(id), promptSchema, { signal: options.signal });
}

/** `POST /api/v1/prompts`: creates a draft; over the quota it is a quota_exceeded ApiError. */
export function createPrompt(body: CreatePromptRequest): Promise<Prompt> {
  return requestJson("/prompts", promptSchema, { method: "POST", body });
}

/** `PATCH /api/v1/prompts/{id}`: changes the working draft. */
export function updatePrompt(id: string, body: UpdatePromptRequest): Promise<Prompt> {
  return requestJson(promptPath(id), promptSchema, { method: "PATCH", body });
}

/** `DELETE /api/v1/prompts/{id}`: moves to the trash, or with permanent deletes a trashed prompt. */
export function deletePrompt(id: string, opts: { permanent?: boolean } = {}): Promise<void> {
  return requestNoContent(promptPath(id), {
    method: "DELETE",
    query: { permanent: opts.permanent ? true : undefined },
  });
}

/** `POST /api/v1/prompts/{id}/undelete`: brings a prompt back from the trash. */
export function undeletePrompt(id: string): Promise<Prompt> {
  return requestJson(`${promptPath(id)}/undelete`, promptSchema, { method: "POST" });
}

/** `POST /api/v1/prompts/{id}/publish`: snapshots the draft as the next version. */
export function publishPrompt(id: string, body: { visibility?: Visibility } = {}): Promise<Prompt> {
  return requestJson(`${promptPath(id)}/publish`, promptSchema, { method: "POST", body });
}

/** `POST /api/v1/prompts/{id}/archive`. */
export function archivePrompt(id: string): Promise<Prompt> {
  return requestJson(`${promptPath(id)}/archive`, promptSchema, { method: "POST" });
}

/** `POST /api/v1/prompts/{id}/unarchive`: back to a draft or to the published version. */
export function unarchivePrompt(id: string, to: "draft" | "published"): Promise<Prompt> {
  return requestJson(`${promptPath(id)}/unarchive`, promptSchema, { method: "POST", body: { to } });
}

/** `GET /api/v1/prompts/{id}/versions`: every version, newest first. */
export function listPromptVersions(id: string, options: ReadOptions = {}): Promise<PromptVersionList> {
  return requestJson(`${promptPath(id)}/versions`, promptVersionListSchema, { signal: options.signal });
}

/** `GET /api/v1/prompts/{id}/versions/{n}`. */
export function getPromptVersion(id: string, version: number, options: ReadOptions = {}): Promise<PromptVersion> {
  return requestJson(`${promptPath(id)}/versions/${version}`, promptVersionSchema, { signal: options.signal });
}

/** `POST /api/v1/prompts/{id}/versions/{n}/restore`: copies version n into the draft. */
export function restorePromptVersion(id: string, version: number): Promise<Prompt> {
  return requestJson(`${promptPath(id)}/versions/${version}/restore`, promptSchema, { method: "POST" });
}

/** A side of a diff: a version number or the working draft. */
export type DiffSide = number | "draft";

/** `GET /api/v1/prompts/{id}/diff?from=&to=`. */
export function getPromptDiff(id: string, from: DiffSide, to: DiffSide, options: ReadOptions = {}): Promise<PromptDiff> {
  return requestJson(`${promptPath(id)}/diff`, promptDiffSchema, {
    query: { from: String(from), to: String(to) },
    signal: options.signal,
  });
}

/** `GET /api/v1/prompts/{id}/export`: the export document of one prompt. */
export function exportPrompt(id: string): Promise<ExportDocument> {
  return requestJson(`${promptPath(id)}/export`, exportDocumentSchema);
}

/** `POST /api/v1/prompts/export`: the given prompts, or every live prompt of the workspace. */
export function exportPrompts(body: { workspaceId?: string; ids?: string[] } = {}): Promise<ExportDocument> {
  return requestJson("/prompts/export", exportDocumentSchema, { method: "POST", body });
}

/** Options of an import. */
export interface ImportOptions {
  workspace?: string;
  onConflict: "skip" | "copy";
  /** Called for each progress event of the stream. */
  onProgress?: (progress: ImportProgress) => void;
  signal?: AbortSignal;
}

interface SseEvent {
  event: string;
  data: string;
}

/** Splits a Server-Sent Events stream into events as they arrive. */
async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  // A pending read does not always settle when its fetch is aborted;
  // cancelling the reader ends it, and the abort is reported below.
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    yield* readBlocks(reader);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (signal?.aborted) throw new DOMException("The run was stopped.", "AbortError");
}

async function* readBlocks(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  const parse = (block: string): SseEvent | null => {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    return data.length > 0 ? { event, data: data.join("\n") } : null;
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    let sep: RegExpExecArray | null;
    while ((sep = /\r?\n\r?\n/.exec(buffer)) !== null) {
      const block = buffer.slice(0, sep.index);
      buffer = buffer.slice(sep.index + sep[0].length);
      const ev = parse(block);
      if (ev) yield ev;
    }
    if (done) break;
  }
  const last = parse(buffer.trim());
  if (last) yield last;
}

/**
 * `POST /api/v1/prompts/import`: imports an export document, all or nothing,
 * reading the Server-Sent Events stream to report progress. A refused import
 * is an ApiError (validation_failed with `extra.items`, quota_exceeded, …).
 */
export async function importPrompts(document: string, options: ImportOptions): Promise<ImportResult> {
  const { res, requestId } = await postForEvents(
    buildUrl("/prompts/import", { workspace: options.workspace, onConflict: options.onConflict }),
    document,
    options.signal,
  );
  const contentType = res.headers.get("Content-Type") ?? "";
  if (!contentType.includes("text/event-stream") || !res.body) {
    // A server that does not stream answers with the plain JSON result.
    const parsed = importResultSchema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw invalidResponse(res.status, requestId);
    return parsed.data;
  }
  for await (const ev of readSse(res.body, options.signal)) {
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch {
      throw invalidResponse(res.status, requestId);
    }
    if (ev.event === "progress") {
      const p = importProgressSchema.safeParse(data);
      if (p.success) options.onProgress?.(p.data);
    } else if (ev.event === "result") {
      const r = importResultSchema.safeParse(data);
      if (!r.success) throw invalidResponse(res.status, requestId);
      return r.data;
    } else if (ev.event === "error") {
      throw apiErrorFromProblem(400, data, "Import failed", requestId);
    }
  }
  throw invalidResponse(res.status, requestId);
}

/** `GET /api/v1/tags`: the tags of a workspace, most used first. */
export function listTags(workspace: string | undefined, options: ReadOptions = {}): Promise<TagList> {
  return requestJson("/tags", tagListSchema, { query: { workspace }, signal: options.signal });
}

/**
 * `GET /api/v1/models?workspace=`: the providers and models of the catalog,
 * marked usable when the workspace (default: the personal one) has a key.
 */
export function listModels(options: ReadOptions & { workspace?: string } = {}): Promise<ModelCatalog> {
  return requestJson("/models", modelCatalogSchema, { query: { workspace: options.workspace }, signal: options.signal });
}

// ---------------------------------------------------------------------------
// Provider API keys (bring your own key)

const credentialPath = (id: string) => `/credentials/${encodeURIComponent(id)}`;

/** `GET /api/v1/credentials?workspace=`: the provider keys of a workspace (editors and up). */
export function listCredentials(workspace: string | undefined, options: ReadOptions = {}): Promise<CredentialList> {
  return requestJson("/credentials", credentialListSchema, { query: { workspace }, signal: options.signal });
}

/** `POST /api/v1/credentials`: stores a key (admins and owners); the key is never sent back. */
export function createCredential(body: CreateCredentialRequest): Promise<Credential> {
  return requestJson("/credentials", credentialSchema, { method: "POST", body });
}

/** `PATCH /api/v1/credentials/{id}`: renames a key. */
export function updateCredential(id: string, body: UpdateCredentialRequest): Promise<Credential> {
  return requestJson(credentialPath(id), credentialSchema, { method: "PATCH", body });
}

/** `DELETE /api/v1/credentials/{id}`: deletes a key; a missing one is a not_found ApiError. */
export function deleteCredential(id: string): Promise<void> {
  return requestNoContent(credentialPath(id), { method: "DELETE" });
}

/**
 * `POST /api/v1/credentials/{id}/verify`: asks the provider whether the key
 * works. A rejected key is not an error: the result has verifyStatus "failed".
 */
export function verifyCredential(id: string): Promise<Credential> {
  return requestJson(`${credentialPath(id)}/verify`, credentialSchema, { method: "POST" });
}

// ---------------------------------------------------------------------------
// Executions (runs of prompts)

const executionPath = (id: string) => `/executions/${encodeURIComponent(id)}`;

/** Options of a streamed run. */
export interface StreamRunOptions {
  /** Called for every event as it arrives, in order. */
  onEvent: (event: RunEvent) => void;
  /** Aborting it stops the run; the server records it as cancelled. */
  signal?: AbortSignal;
}

/**
 * Reads a run's Server-Sent Events from a response body and hands each
 * event, tagged with its model, to onEvent. Unknown or malformed events are
 * skipped. Exported for the run panel's tests.
 */
export async function readRunEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: RunEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  for await (const ev of readSse(body, signal)) {
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch {
      continue;
    }
    const event = toRunEvent(ev.event, data);
    if (event) onEvent(event);
  }
}

/**
 * POSTs a JSON body asking for Server-Sent Events. Network failures become
 * ApiErrors (aborts stay AbortErrors) and problem answers are thrown; a 401
 * signs the user out.
 */
async function postForEvents(
  url: string,
  body: string | undefined,
  signal: AbortSignal | undefined,
): Promise<{ res: Response; requestId: string | null }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { Accept: "text/event-stream", "Content-Type": "application/json", ...authHeaders() },
      body,
      signal,
      credentials: "same-origin",
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw networkError();
  }
  const requestId = res.headers.get("X-Request-ID");
  if (!res.ok) {
    const error = await problemFrom(res);
    if (error.status === 401) getPb().authStore.clear();
    throw error;
  }
  return { res, requestId };
}

async function streamRun(path: string, body: unknown, options: StreamRunOptions): Promise<void> {
  const { res, requestId } = await postForEvents(
    buildUrl(path),
    body === undefined ? undefined : JSON.stringify(body),
    options.signal,
  );
  const contentType = res.headers.get("Content-Type") ?? "";
  if (!contentType.includes("text/event-stream") || !res.body) {
    // A server that does not stream answers with the finished execution(s).
    const parsed = executeResultSchema.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw invalidResponse(res.status, requestId);
    const list = "executions" in parsed.data ? parsed.data.executions : [parsed.data];
    for (const x of list) {
      options.onEvent({ type: "delta", model: x.model, executionId: x.id, text: x.responseText });
      options.onEvent({ type: "done", model: x.model, executionId: x.id, execution: x });
    }
    return;
  }
  await readRunEvents(res.body, options.onEvent, options.signal);
}

/**
 * `POST /api/v1/prompts/{id}/executions` with `Accept: text/event-stream`:
 * runs a prompt on one model or side by side, streaming the answer. Problems
 * found before any call (model_not_allowed, missing_variables, no_credential,
 * validation_failed) are thrown as ApiError; a failed call arrives as an
 * `error` event.
 */
export function streamPromptExecution(id: string, body: ExecuteRequest, options: StreamRunOptions): Promise<void> {
  return streamRun(`${promptPath(id)}/executions`, body, options);
}

/** `POST /api/v1/prompts/{id}/executions` as JSON: the finished execution(s). */
export function executePrompt(id: string, body: ExecuteRequest): Promise<ExecuteResult> {
  return requestJson(`${promptPath(id)}/executions`, executeResultSchema, { method: "POST", body });
}

/** Filters and paging of `GET /api/v1/executions`. */
export interface ListExecutionsParams {
  workspace?: string;
  prompt?: string;
  model?: string;
  status?: ExecutionStatus;
  /** RFC 3339 times. */
  from?: string;
  to?: string;
  page?: number;
  perPage?: number;
}

/** `GET /api/v1/executions`: one page of the run history, newest first. */
export function listExecutions(params: ListExecutionsParams = {}, options: ReadOptions = {}): Promise<ExecutionList> {
  return requestJson("/executions", executionListSchema, {
    query: {
      workspace: params.workspace,
      prompt: params.prompt || undefined,
      model: params.model || undefined,
      status: params.status,
      from: params.from || undefined,
      to: params.to || undefined,
      page: params.page ?? 1,
      perPage: params.perPage ?? 20,
    },
    signal: options.signal,
  });
}

/** `GET /api/v1/executions/{id}`. */
export function getExecution(id: string, options: ReadOptions = {}): Promise<Execution> {
  return requestJson(executionPath(id), executionSchema, { signal: options.signal });
}

/** `DELETE /api/v1/executions/{id}`: removes a run from the history. */
export function deleteExecution(id: string): Promise<void> {
  return requestNoContent(executionPath(id), { method: "DELETE" });
}

/** `POST /api/v1/executions/{id}/rerun`: runs it again with the same inputs; the new execution. */
export function rerunExecution(id: string): Promise<Execution> {
  return requestJson(`${executionPath(id)}/rerun`, executionSchema, { method: "POST" });
}

// ---------------------------------------------------------------------------
// Usage

/** The range and filters every usage request takes. */
export interface UsageParams {
  workspace?: string;
  /** RFC 3339; the server rounds to whole hours. */
  from?: string;
  to?: string;
  /** IANA time zone of day buckets. */
  tz?: string;
  prompt?: string;
  /** A version number or "draft"; needs prompt. */
  version?: string;
  model?: string;
  /** A provider key (credential) id. */
  key?: string;
}

function usageQuery(p: UsageParams): Record<string, QueryValue> {
  return {
    workspace: p.workspace,
    from: p.from,
    to: p.to,
    tz: p.tz,
    prompt: p.prompt || undefined,
    version: p.version || undefined,
    model: p.model || undefined,
    key: p.key || undefined,
  };
}

/** `GET /api/v1/usage/summary`: the totals of a range. */
export function getUsageSummary(params: UsageParams, options: ReadOptions = {}): Promise<UsageSummary> {
  return requestJson("/usage/summary", usageSummarySchema, { query: usageQuery(params), signal: options.signal });
}

/** `GET /api/v1/usage/series`: a range bucket by bucket (UTC hours or days of tz). */
export function getUsageSeries(
  params: UsageParams & { interval?: UsageInterval },
  options: ReadOptions = {},
): Promise<UsageSeries> {
  return requestJson("/usage/series", usageSeriesSchema, {
    query: { ...usageQuery(params), interval: params.interval },
    signal: options.signal,
  });
}

/** `GET /api/v1/usage/breakdown`: a range grouped by model, provider, prompt, version or key. */
export function getUsageBreakdown(
  params: UsageParams & { by: BreakdownBy; limit?: number },
  options: ReadOptions = {},
): Promise<UsageBreakdown> {
  return requestJson("/usage/breakdown", usageBreakdownSchema, {
    query: { ...usageQuery(params), by: params.by, limit: params.limit },
    signal: options.signal,
  });
}

/** `GET /api/v1/usage/errors`: why runs of a range failed, by error code. */
export function getUsageErrors(params: UsageParams & { limit?: number }, options: ReadOptions = {}): Promise<UsageErrors> {
  return requestJson("/usage/errors", usageErrorsSchema, {
    query: { ...usageQuery(params), limit: params.limit },
    signal: options.signal,
  });
}

/** `GET /api/v1/usage/keys`: each provider key's usage this month (in tz), with a daily trend. */
export function getKeyUsage(params: UsageParams, options: ReadOptions = {}): Promise<KeyUsageList> {
  return requestJson("/usage/keys", keyUsageListSchema, { query: usageQuery(params), signal: options.signal });
}

/** `GET /api/v1/usage/recent`: the latest runs of a workspace. */
export function listRecentExecutions(
  params: { workspace?: string; limit?: number } = {},
  options: ReadOptions = {},
): Promise<RecentExecutionList> {
  return requestJson("/usage/recent", recentExecutionListSchema, {
    query: { workspace: params.workspace, limit: params.limit },
    signal: options.signal,
  });
}

/** `GET /api/v1/usage/export`: the rollups behind the dashboards as a CSV file. */
export async function exportUsageCsv(params: UsageParams & { interval?: UsageInterval }): Promise<Blob> {
  const res = await send("/usage/export", { query: { ...usageQuery(params), interval: params.interval } });
  return res.blob();
}
