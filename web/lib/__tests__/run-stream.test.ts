import { ReadableStream as NodeReadableStream } from "node:stream/web";
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from "node:util";

import { ApiError, streamPromptExecution } from "@/lib/api";
import { getPb } from "@/lib/pocketbase";
import { applyRunEvent, initialRunColumns, type RunColumn } from "@/lib/run-state";
import type { RunEvent } from "@/lib/validations/execution";

// fetch is the network edge; jsdom has none, so each test installs its own.
const fetchMock = jest.fn<Promise<Response>, [RequestInfo | URL, RequestInit | undefined]>();

beforeAll(() => {
  // jsdom has no streams or text codecs; Node's are the ones browsers implement.
  Object.assign(globalThis, { TextEncoder: NodeTextEncoder, TextDecoder: NodeTextDecoder });
});

beforeEach(() => {
  fetchMock.mockReset();
  globalThis.fetch = fetchMock as unknown as typeof fetch;
  getPb().authStore.save("header.payload.sig", null);
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

function execution(model: string, id: string, text: string) {
  return {
    id,
    workspaceId: "ws",
    userId: "u1",
    promptId: "p1",
    promptVersion: 1,
    model,
    provider: model.split(":")[0],
    credentialId: "c1",
    variables: { name: "Ada" },
    params: {},
    status: "succeeded",
    attempts: 1,
    ttftMs: 12,
    latencyMs: 340,
    usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 },
    costMicros: 123,
    responseText: text,
    requestId: "r1",
    createdAt: "2026-01-01T00:00:00Z",
    finishedAt: "2026-01-01T00:00:01Z",
  };
}

const ev = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

describe("streamPromptExecution", () => {
  it("reads events split mid-event across chunks and routes them per model", async () => {
    const a = "openai:gpt-4o-mini";
    const b = "anthropic:claude-haiku-4-5";
    const stream =
      ev("start", { model: a, executionId: "xa", promptVersion: 1 }) +
      ev("start", { model: b, executionId: "xb", promptVersion: 1 }) +
      ev("delta", { model: a, executionId: "xa", text: "Echo: " }) +
      ev("delta", { model: b, executionId: "xb", text: "Echo: " }) +
      ev("delta", { model: b, executionId: "xb", text: "**hi** B" }) +
      ev("delta", { model: a, executionId: "xa", text: "hi A" }) +
      ev("usage", { model: a, executionId: "xa", usage: execution(a, "xa", "").usage, costMicros: 123 }) +
      ev("done", { model: a, executionId: "xa", execution: execution(a, "xa", "Echo: hi A") }) +
      ev("error", { model: b, executionId: "xb", code: "upstream_failed", detail: "The provider failed.", reason: "provider_server" });
    // Cut the stream at awkward places: inside a field name, inside JSON, between the two newlines.
    const cuts = [5, 40, 41, 97, 180, 181, 260, stream.length - 3];
    const chunks: string[] = [];
    let last = 0;
    for (const c of cuts) {
      chunks.push(stream.slice(last, c));
      last = c;
    }
    chunks.push(stream.slice(last));
    fetchMock.mockResolvedValue(sseResponse(chunks));

    const events: RunEvent[] = [];
    let columns: RunColumn[] = initialRunColumns([a, b]);
    await streamPromptExecution("p1", { models: [a, b], variables: { name: "Ada" } }, {
      onEvent: (e) => {
        events.push(e);
        columns = applyRunEvent(columns, e);
      },
    });

    expect(events.map((e) => `${e.type}:${e.model}`)).toEqual([
      `start:${a}`,
      `start:${b}`,
      `delta:${a}`,
      `delta:${b}`,
      `delta:${b}`,
      `delta:${a}`,
      `usage:${a}`,
      `done:${a}`,
      `error:${b}`,
    ]);
    const [colA, colB] = columns;
    expect(colA).toMatchObject({ model: a, executionId: "xa", status: "succeeded", text: "Echo: hi A", costMicros: 123, ttftMs: 12, latencyMs: 340 });
    expect(colB).toMatchObject({
      model: b,
      executionId: "xb",
      status: "failed",
      text: "Echo: **hi** B",
      error: { code: "upstream_failed", detail: "The provider failed.", reason: "provider_server" },
    });

    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/api/v1/prompts/p1/executions");
    expect(init?.method).toBe("POST");
    const headers = new Headers(init?.headers);
    expect(headers.get("Accept")).toBe("text/event-stream");
    expect(headers.get("Authorization")).toBe("Bearer header.payload.sig");
    expect(JSON.parse(String(init?.body))).toEqual({ models: [a, b], variables: { name: "Ada" } });
  });

  it("throws a problem sent before any call as an ApiError with its extra members", async () => {
    fetchMock.mockResolvedValue({
      ok: false,
      status: 422,
      statusText: "",
      headers: new Headers({ "Content-Type": "application/problem+json" }),
      json: () =>
        Promise.resolve({ status: 422, code: "missing_variables", title: "Missing variables", detail: "Give name.", missing: ["name"] }),
    } as Response);
    const err = await streamPromptExecution("p1", { model: "openai:gpt-4o-mini" }, { onEvent: () => undefined }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe("missing_variables");
    expect((err as ApiError).extra.missing).toEqual(["name"]);
  });

  it("passes the abort signal to fetch", async () => {
    const controller = new AbortController();
    fetchMock.mockImplementation((_url, init) => {
      expect(init?.signal).toBe(controller.signal);
      return Promise.reject(new DOMException("aborted", "AbortError"));
    });
    controller.abort();
    await expect(
      streamPromptExecution("p1", { model: "m:x" }, { onEvent: () => undefined, signal: controller.signal }),
    ).rejects.toMatchObject({ name: "AbortError" });
  });
});
