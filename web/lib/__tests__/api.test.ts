import { ReadableStream as NodeReadableStream } from "node:stream/web";
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from "node:util";

import { ApiError, createToken, getMe, importPrompts, listTokens, revokeToken } from "@/lib/api";
import { getPb } from "@/lib/pocketbase";

// fetch is the network edge; jsdom has none, so each test installs its own.
const fetchMock = jest.fn<Promise<Response>, [RequestInfo | URL, RequestInit | undefined]>();

function jsonResponse(status: number, body: unknown, contentType = "application/json"): Response {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: "",
    headers: new Headers({ "Content-Type": contentType, "X-Request-ID": "req-header" }),
    json: () => Promise.resolve(body),
  } as Response;
}

beforeEach(() => {
  fetchMock.mockReset();
  globalThis.fetch = fetchMock as unknown as typeof fetch;
  getPb().authStore.save("header.payload.sig", null);
});

describe("api", () => {
  it("sends the Pocketbase token as a Bearer token and parses the response", async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(200, {
        user: { id: "u1", email: "a@b.c", name: "A", tier: "free", verified: false, created: "2026-01-01T00:00:00Z" },
        workspaces: [{ id: "w1", name: "Personal", kind: "personal", role: "owner" }],
        promptCount: 3,
        promptLimit: 50,
      }),
    );

    const me = await getMe();

    expect(me.workspaces[0]?.role).toBe("owner");
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/api/v1/me");
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer header.payload.sig");
  });

  it("passes paging as query parameters", async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { items: [], page: 2, perPage: 10, total: 0 }));
    await listTokens({ page: 2, perPage: 10 });
    expect(fetchMock.mock.calls[0]?.[0]).toBe("/api/v1/tokens?page=2&perPage=10");
  });

  it("turns a validation problem into an ApiError with field errors", async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(
        400,
        {
          type: "https://krowoc.dev/problems/validation_failed",
          title: "Validation failed",
          status: 400,
          detail: "Some fields are invalid.",
          code: "validation_failed",
          requestId: "req-1",
          errors: [{ field: "expiresAt", code: "in_past", message: "Must be in the future." }],
        },
        "application/problem+json",
      ),
    );

    const err = await createToken({ name: "CLI", expiresAt: "2020-01-01T00:00:00Z" }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApiError);
    const apiErr = err as ApiError;
    expect(apiErr.status).toBe(400);
    expect(apiErr.code).toBe("validation_failed");
    expect(apiErr.detail).toBe("Some fields are invalid.");
    expect(apiErr.requestId).toBe("req-1");
    expect(apiErr.fieldError("expiresAt")?.message).toBe("Must be in the future.");
    expect(JSON.parse(String(fetchMock.mock.calls[0]?.[1]?.body))).toEqual({
      name: "CLI",
      expiresAt: "2020-01-01T00:00:00Z",
    });
  });

  it("clears the session on 401", async () => {
    fetchMock.mockResolvedValue(jsonResponse(401, { title: "Unauthorized", status: 401, code: "unauthorized" }));

    await expect(getMe()).rejects.toMatchObject({ status: 401, code: "unauthorized" });
    expect(getPb().authStore.token).toBe("");
  });

  it("falls back to the status when the body is not a problem", async () => {
    fetchMock.mockResolvedValue({
      ...jsonResponse(404, null),
      json: () => Promise.reject(new SyntaxError("not json")),
    } as Response);

    await expect(revokeToken("t/1")).rejects.toMatchObject({ status: 404, code: "not_found", requestId: "req-header" });
    expect(fetchMock.mock.calls[0]?.[0]).toBe("/api/v1/tokens/t%2F1");
  });

  it("reports a network failure as network_error", async () => {
    fetchMock.mockRejectedValue(new TypeError("Failed to fetch"));
    await expect(getMe()).rejects.toMatchObject({ status: 0, code: "network_error" });
  });

  it("rejects a response that breaks the contract", async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { items: "nope" }));
    await expect(listTokens()).rejects.toMatchObject({ code: "invalid_response" });
  });
});

describe("importPrompts", () => {
  beforeAll(() => {
    // jsdom has no streams or text codecs; Node's are the ones browsers implement.
    Object.assign(globalThis, { TextEncoder: NodeTextEncoder, TextDecoder: NodeTextDecoder });
  });

  function sseResponse(chunks: string[]): Response {
    const encoder = new NodeTextEncoder();
    const body = new NodeReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(encoder.encode(c));
        controller.close();
      },
    });
    return {
      ok: true,
      status: 200,
      statusText: "",
      headers: new Headers({ "Content-Type": "text/event-stream" }),
      body: body as unknown as ReadableStream<Uint8Array>,
    } as Response;
  }

  it("reads progress events split across chunks, then the result", async () => {
    fetchMock.mockResolvedValue(
      sseResponse([
        'event: progress\ndata: {"phase":"validating","done":1,"total":2}\n\nevent: prog',
        'ress\ndata: {"phase":"importing","done":2,"total":2}\n\n',
        'event: result\ndata: {"created":[{"index":0,"title":"A","id":"p1"}],"skipped":[{"index":1,"title":"B","reason":"exists"}]}\n\n',
      ]),
    );
    const progress: unknown[] = [];

    const result = await importPrompts('{"format":"krowoc.prompts"}', {
      workspace: "w1",
      onConflict: "skip",
      onProgress: (p) => progress.push(p),
    });

    expect(progress).toEqual([
      { phase: "validating", done: 1, total: 2 },
      { phase: "importing", done: 2, total: 2 },
    ]);
    expect(result.created).toEqual([{ index: 0, title: "A", id: "p1" }]);
    expect(result.skipped[0]?.reason).toBe("exists");
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/api/v1/prompts/import?workspace=w1&onConflict=skip");
    expect(new Headers(init?.headers).get("Accept")).toBe("text/event-stream");
    expect(new Headers(init?.headers).get("Authorization")).toBe("Bearer header.payload.sig");
  });

  it("turns an error event into an ApiError with the per-item errors", async () => {
    fetchMock.mockResolvedValue(
      sseResponse([
        'event: error\ndata: {"status":400,"code":"validation_failed","title":"Validation failed","detail":"1 prompt is invalid.","items":[{"index":0,"title":"X","errors":[{"field":"title","code":"required","message":"Title is required."}]}]}\n\n',
      ]),
    );

    const err = await importPrompts("{}", { onConflict: "copy" }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe("validation_failed");
    expect((err as ApiError).extra.items).toEqual([
      { index: 0, title: "X", errors: [{ field: "title", code: "required", message: "Title is required." }] },
    ]);
  });

  it("keeps a quota problem's extra members", async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(403, { status: 403, code: "quota_exceeded", title: "Quota exceeded", limit: 50, count: 49, requested: 3 }),
    );
    const err = await importPrompts("{}", { onConflict: "skip" }).catch((e: unknown) => e);
    expect((err as ApiError).code).toBe("quota_exceeded");
    expect((err as ApiError).extra).toMatchObject({ limit: 50, count: 49, requested: 3 });
  });
});
