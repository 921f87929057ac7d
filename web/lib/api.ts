/**
 * The one typed client for the Krowoc domain API under /api/v1. Every request
 * carries the Pocketbase auth token; every failure becomes an ApiError built
 * from the RFC 9457 problem the server sends.
 */
import { z } from "zod";

import { getPb } from "@/lib/pocketbase";
import {
  chainListSchema,
  chainRunListSchema,
  chainRunSchema,
  chainSchema,
  type Chain,
  type ChainList,
  type ChainRequest,
  type ChainRun,
  type ChainRunList,
} from "@/lib/validations/chain";
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
import {
  adminJobListSchema,
  adminJobSchema,
  deadLetterListSchema,
  deadLetterSchema,
  type AdminJob,
  type AdminJobList,
  type DeadLetter,
  type DeadLetterList,
  type DeadLetterStatus,
  type JobState,
} from "@/lib/validations/job";
import {
  leaderboardSchema,
  publicPromptSchema,
  voteTallySchema,
  type Leaderboard,
  type LeaderboardSort,
  type PublicPrompt,
  type VoteTally,
} from "@/lib/validations/leaderboard";
import { meSchema, type Me } from "@/lib/validations/me";
import {
  batchItemListSchema,
  batchListSchema,
  batchSchema,
  type Batch,
  type BatchItemList,
  type BatchItemStatus,
  type BatchList,
  type BatchStatus,
  type CreateBatchRequest,
} from "@/lib/validations/batch";
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
  /** A body sent as is with its own content type (a CSV upload), instead of body as JSON. */
  raw?: { contentType: string; data: string };
  signal?: AbortSignal;
  /**
   * A token to send instead of the user's session (the superusers' console).
   * A 401 then leaves the user's session alone.
   */
  token?: string;
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
  const auth = options.token === undefined ? authHeaders() : { Authorization: `Bearer ${options.token}` };
  const headers: Record<string, string> = { Accept: "application/json", ...auth };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.raw) headers["Content-Type"] = options.raw.contentType;

  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), {
      method: options.method ?? "GET",
      headers,
      body: options.raw ? options.raw.data : options.body === undefined ? undefined : JSON.stringify(options.body),
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
    if (error.status === 401 && options.token === undefined) pb.authStore.clear();
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

/** Sort keys of the prompt list; usage and votes read the prompts' counters. */
export type PromptSort = "updated" | "created" | "title" | "usage" | "votes";

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
 * POSTs a JSON body (or GETs) asking for Server-Sent Events. Network failures become
 * ApiErrors (aborts stay AbortErrors) and problem answers are thrown; a 401
 * signs the user out.
 */
async function postForEvents(
  url: string,
  body: string | undefined,
  signal: AbortSignal | undefined,
  method: "POST" | "GET" = "POST",
): Promise<{ res: Response; requestId: string | null }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        Accept: "text/event-stream",
        ...(method === "POST" ? { "Content-Type": "application/json" } : {}),
        ...authHeaders(),
      },
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
// Chains

const chainPath = (id: string) => `/chains/${encodeURIComponent(id)}`;
const chainRunPath = (id: string) => `/chain-runs/${encodeURIComponent(id)}`;

/** `GET /api/v1/chains`: one page of a workspace's chains, most recently updated first. */
export function listChains(
  params: { workspace?: string; page?: number; perPage?: number } = {},
  options: ReadOptions = {},
): Promise<ChainList> {
  return requestJson("/chains", chainListSchema, {
    query: { workspace: params.workspace, page: params.page ?? 1, perPage: params.perPage ?? 50 },
    signal: options.signal,
  });
}

/** `GET /api/v1/chains/{id}`. */
export function getChain(id: string, options: ReadOptions = {}): Promise<Chain> {
  return requestJson(chainPath(id), chainSchema, { signal: options.signal });
}

/** `POST /api/v1/chains`: a refused definition is a validation_failed ApiError naming each step's field. */
export function createChain(body: ChainRequest): Promise<Chain> {
  return requestJson("/chains", chainSchema, { method: "POST", body });
}

/** `PUT /api/v1/chains/{id}`: replaces the definition; runs under way keep theirs. */
export function updateChain(id: string, body: ChainRequest): Promise<Chain> {
  return requestJson(chainPath(id), chainSchema, { method: "PUT", body });
}

/** `DELETE /api/v1/chains/{id}`: a chain with a run under way is a conflict. */
export function deleteChain(id: string): Promise<void> {
  return requestNoContent(chainPath(id), { method: "DELETE" });
}

/** `GET /api/v1/chains/{id}/runs`: a page of runs, newest first, without their steps. */
export function listChainRuns(
  id: string,
  params: { page?: number; perPage?: number } = {},
  options: ReadOptions = {},
): Promise<ChainRunList> {
  return requestJson(`${chainPath(id)}/runs`, chainRunListSchema, {
    query: { page: params.page ?? 1, perPage: params.perPage ?? 20 },
    signal: options.signal,
  });
}

/** `POST /api/v1/chains/{id}/runs`: starts a run in the background; the queued run. */
export function runChain(id: string, inputs: Record<string, string>): Promise<ChainRun> {
  return requestJson(`${chainPath(id)}/runs`, chainRunSchema, { method: "POST", body: { inputs } });
}

/** `GET /api/v1/chain-runs/{id}`: a run with its steps. */
export function getChainRun(id: string, options: ReadOptions = {}): Promise<ChainRun> {
  return requestJson(chainRunPath(id), chainRunSchema, { signal: options.signal });
}

/** `POST /api/v1/chain-runs/{id}/cancel`: a finished run is a conflict. */
export function cancelChainRun(id: string): Promise<ChainRun> {
  return requestJson(`${chainRunPath(id)}/cancel`, chainRunSchema, { method: "POST" });
}

/** `POST /api/v1/executions/{id}/cancel`: stops a running run; one that already ended is a conflict ApiError. */
export function cancelExecution(id: string): Promise<Execution> {
  return requestJson(`${executionPath(id)}/cancel`, executionSchema, { method: "POST" });
}

// ---------------------------------------------------------------------------
// Dead letters (background jobs of a workspace that failed for good)

const deadLetterPath = (id: string) => `/dead-letters/${encodeURIComponent(id)}`;

/** Filters and paging of `GET /api/v1/dead-letters`. */
export interface ListDeadLettersParams {
  workspace?: string;
  status?: DeadLetterStatus;
  page?: number;
  perPage?: number;
}

/** `GET /api/v1/dead-letters`: one page of a workspace's dead letters, newest first (admins and owners). */
export function listDeadLetters(params: ListDeadLettersParams = {}, options: ReadOptions = {}): Promise<DeadLetterList> {
  return requestJson("/dead-letters", deadLetterListSchema, {
    query: {
      workspace: params.workspace,
      status: params.status,
      page: params.page ?? 1,
      perPage: params.perPage ?? 20,
    },
    signal: options.signal,
  });
}

/** `POST /api/v1/dead-letters/{id}/requeue`: runs the job again; one no longer open is a conflict ApiError. */
export function requeueDeadLetter(id: string): Promise<DeadLetter> {
  return requestJson(`${deadLetterPath(id)}/requeue`, deadLetterSchema, { method: "POST" });
}

/** `POST /api/v1/dead-letters/{id}/discard`: dismisses it; one no longer open is a conflict ApiError. */
export function discardDeadLetter(id: string): Promise<DeadLetter> {
  return requestJson(`${deadLetterPath(id)}/discard`, deadLetterSchema, { method: "POST" });
}

// ---------------------------------------------------------------------------
// Job queues (superusers, with the admin UI's token instead of a user session)

/** Filters of `GET /api/v1/admin/jobs`. */
export interface ListAdminJobsParams {
  state?: JobState;
  kind?: string;
  queue?: string;
  limit?: number;
}

const adminJobPath = (id: number) => `/admin/jobs/${encodeURIComponent(String(id))}`;

/**
 * `GET /api/v1/admin/jobs` with a superuser token: job counts by queue and
 * state, and the newest jobs matching the filters. A missing or expired
 * token is an unauthorized ApiError, a user's token a forbidden one.
 */
export function listAdminJobs(
  token: string,
  params: ListAdminJobsParams = {},
  options: ReadOptions = {},
): Promise<AdminJobList> {
  return requestJson("/admin/jobs", adminJobListSchema, {
    query: {
      state: params.state,
      kind: params.kind || undefined,
      queue: params.queue || undefined,
      limit: params.limit,
    },
    signal: options.signal,
    token,
  });
}

/** `POST /api/v1/admin/jobs/{id}/retry` with a superuser token: makes the job available now. */
export function retryAdminJob(token: string, id: number): Promise<AdminJob> {
  return requestJson(`${adminJobPath(id)}/retry`, adminJobSchema, { method: "POST", token });
}

/** `POST /api/v1/admin/jobs/{id}/cancel` with a superuser token: cancels a job that has not ended. */
export function cancelAdminJob(token: string, id: number): Promise<AdminJob> {
  return requestJson(`${adminJobPath(id)}/cancel`, adminJobSchema, { method: "POST", token });
}

// ---------------------------------------------------------------------------
// Batch runs

const batchPath = (id: string) => `/batches/${encodeURIComponent(id)}`;

/**
 * `POST /api/v1/prompts/{id}/batches`: checks every row and starts the
 * batch; a CSV upload is sent as text/csv for the server to parse, JSON rows
 * as JSON. Invalid rows are an invalid_rows ApiError whose `extra.rows`
 * names them; nothing is started then.
 */
export function createBatch(promptId: string, request: CreateBatchRequest): Promise<Batch> {
  const { upload, models, version } = request;
  if (upload.kind === "csv") {
    return requestJson(`${promptPath(promptId)}/batches`, batchSchema, {
      method: "POST",
      query: { models: models.join(","), version: version === undefined ? undefined : String(version) },
      raw: { contentType: "text/csv", data: upload.text },
    });
  }
  return requestJson(`${promptPath(promptId)}/batches`, batchSchema, {
    method: "POST",
    body: { models, version, rows: upload.rows },
  });
}

/** Filters and paging of `GET /api/v1/batches`. */
export interface ListBatchesParams {
  workspace?: string;
  prompt?: string;
  status?: BatchStatus;
  page?: number;
  perPage?: number;
}

/** `GET /api/v1/batches`: one page of a workspace's batches, newest first. */
export function listBatches(params: ListBatchesParams = {}, options: ReadOptions = {}): Promise<BatchList> {
  return requestJson("/batches", batchListSchema, {
    query: {
      workspace: params.workspace,
      prompt: params.prompt || undefined,
      status: params.status,
      page: params.page ?? 1,
      perPage: params.perPage ?? 20,
    },
    signal: options.signal,
  });
}

/** `GET /api/v1/batches/{id}`: a batch and its exact progress. */
export function getBatch(id: string, options: ReadOptions = {}): Promise<Batch> {
  return requestJson(batchPath(id), batchSchema, { signal: options.signal });
}

/** `GET /api/v1/batches/{id}/items`: one page of its items with their outcomes, in row order. */
export function listBatchItems(
  id: string,
  params: { status?: BatchItemStatus; page?: number; perPage?: number } = {},
  options: ReadOptions = {},
): Promise<BatchItemList> {
  return requestJson(`${batchPath(id)}/items`, batchItemListSchema, {
    query: { status: params.status, page: params.page ?? 1, perPage: params.perPage ?? 20 },
    signal: options.signal,
  });
}

/** `POST /api/v1/batches/{id}/cancel`: pending items never run; running ones finish. */
export function cancelBatch(id: string): Promise<Batch> {
  return requestJson(`${batchPath(id)}/cancel`, batchSchema, { method: "POST" });
}

/**
 * `GET /api/v1/batches/{id}/events`: calls onProgress with the batch at once
 * and whenever its counters change, and resolves with the batch once every
 * item has settled. Abort the signal to stop following.
 */
export async function followBatch(
  id: string,
  options: { onProgress: (batch: Batch) => void; signal?: AbortSignal },
): Promise<Batch> {
  const { res, requestId } = await postForEvents(buildUrl(`${batchPath(id)}/events`), undefined, options.signal, "GET");
  if (!res.body) throw invalidResponse(res.status, requestId);
  let last: Batch | null = null;
  for await (const ev of readSse(res.body, options.signal)) {
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch {
      continue;
    }
    const parsed = batchSchema.safeParse(data);
    if (!parsed.success) continue;
    last = parsed.data;
    options.onProgress(parsed.data);
    if (ev.event === "done") return parsed.data;
  }
  // The stream ended early (a proxy's timeout, the server restarting): the
  // caller follows again.
  if (last) return last;
  throw invalidResponse(res.status, requestId);
}

/** `GET /api/v1/batches/{id}/results?format=`: the results file, to save. */
export async function fetchBatchResults(id: string, format: "csv" | "json"): Promise<Blob> {
  const res = await send(`${batchPath(id)}/results`, { query: { format } });
  return res.blob();
}

// ---------------------------------------------------------------------------
// Community leaderboard and public prompts (readable without signing in)

const publicPromptPath = (id: string) => `/public/prompts/${encodeURIComponent(id)}`;

/** Sorting, tag and length of `GET /api/v1/leaderboard`. */
export interface LeaderboardParams {
  sort?: LeaderboardSort;
  tag?: string;
  limit?: number;
}

/** `GET /api/v1/leaderboard`: the latest scoring run's ranked public prompts. */
export function getLeaderboard(params: LeaderboardParams = {}, options: ReadOptions = {}): Promise<Leaderboard> {
  return requestJson("/leaderboard", leaderboardSchema, {
    query: { sort: params.sort, tag: params.tag || undefined, limit: params.limit },
    signal: options.signal,
  });
}

/** `GET /api/v1/public/prompts/{id}`: a public prompt's published version; anything else is not_found. */
export function getPublicPrompt(id: string, options: ReadOptions = {}): Promise<PublicPrompt> {
  return requestJson(publicPromptPath(id), publicPromptSchema, { signal: options.signal });
}

/** `PUT /api/v1/public/prompts/{id}/vote`, or `DELETE` when value is 0: the new tally. */
export function votePrompt(id: string, value: -1 | 0 | 1): Promise<VoteTally> {
  const path = `${publicPromptPath(id)}/vote`;
  if (value === 0) return requestJson(path, voteTallySchema, { method: "DELETE" });
  return requestJson(path, voteTallySchema, { method: "PUT", body: { value } });
}

/** `POST /api/v1/public/prompts/{id}/fork`: the new draft in the workspace (personal by default). */
export function forkPrompt(id: string, workspaceId?: string): Promise<Prompt> {
  return requestJson(`${publicPromptPath(id)}/fork`, promptSchema, {
    method: "POST",
    body: workspaceId ? { workspaceId } : {},
  });
}

/**
 * `POST /api/v1/public/prompts/{id}/executions` as a stream: runs a public
 * prompt's published version with the keys of the caller's workspace
 * (personal by default).
 */
export function streamPublicPromptExecution(
  id: string,
  body: ExecuteRequest & { workspaceId?: string },
  options: StreamRunOptions,
): Promise<void> {
  return streamRun(`${publicPromptPath(id)}/executions`, body, options);
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
