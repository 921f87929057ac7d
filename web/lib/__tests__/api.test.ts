import { ApiError, createToken, getMe, listTokens, revokeToken } from "@/lib/api";
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
