/**
 * The one typed client for the Krowoc domain API under /api/v1. Every request
 * carries the Pocketbase auth token; every failure becomes an ApiError built
 * from the RFC 9457 problem the server sends.
 */
import { z } from "zod";

import { getPb } from "@/lib/pocketbase";
import { meSchema, type Me } from "@/lib/validations/me";
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

  constructor(init: {
    status: number;
    code: ProblemCode;
    title?: string;
    detail?: string;
    fieldErrors?: FieldError[];
    requestId?: string | null;
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

type QueryValue = string | number | boolean | undefined;

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
    if (value !== undefined) params.set(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ""}`;
}

async function problemFrom(res: Response): Promise<ApiError> {
  const headerRequestId = res.headers.get("X-Request-ID");
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): fall back to the status.
  }
  const parsed = problemSchema.safeParse(body);
  const problem = parsed.success ? parsed.data : {};
  return new ApiError({
    status: res.status,
    code: problem.code ?? codeByStatus[res.status] ?? "internal",
    title: problem.title ?? (res.statusText || "Request failed"),
    detail: problem.detail ?? problem.title ?? `Request failed with status ${res.status}.`,
    fieldErrors: problem.errors ?? [],
    requestId: problem.requestId ?? headerRequestId,
  });
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const pb = getPb();
  const headers: Record<string, string> = { Accept: "application/json" };
  if (pb.authStore.token) headers.Authorization = `Bearer ${pb.authStore.token}`;
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
    throw new ApiError({
      status: 0,
      code: "network_error",
      title: "Network error",
      detail: "Could not reach the server. Check your connection and try again.",
    });
  }

  if (!res.ok) {
    const error = await problemFrom(res);
    // The token is expired or revoked: drop it so the app sends the user to sign in.
    if (error.status === 401) pb.authStore.clear();
    throw error;
  }
  return res;
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
  if (!parsed.success) {
    throw new ApiError({
      status: res.status,
      code: "invalid_response",
      title: "Unexpected response",
      detail: "The server sent a response this app does not understand.",
      requestId: res.headers.get("X-Request-ID"),
    });
  }
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
