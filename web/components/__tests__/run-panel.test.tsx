import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { RunPanel } from "@/components/run-panel";
import { ApiError, listModels, streamPromptExecution } from "@/lib/api";
import type { Prompt } from "@/lib/validations/prompt";
import { renderWithClient } from "@/test/render";

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return { ...actual, listModels: jest.fn(), streamPromptExecution: jest.fn() };
});

const listModelsMock = jest.mocked(listModels);
const streamMock = jest.mocked(streamPromptExecution);

function prompt(overrides: Partial<Prompt> = {}): Prompt {
  return {
    id: "p1",
    workspaceId: "ws_me",
    title: "Greeter",
    description: "",
    promptText: "Say hello to {{name}} in {{language}}.",
    tags: [],
    modelWhitelist: ["openai"],
    defaultModel: "openai:gpt-4o-mini",
    defaultParams: { temperature: 0.3, maxTokens: 256 },
    variables: [{ name: "name" }, { name: "language", default: "French" }],
    status: "published",
    visibility: "private",
    latestVersion: 2,
    publishedVersion: 2,
    hasDraftChanges: false,
    ownerId: "u1",
    createdBy: "u1",
    updatedBy: "u1",
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    deletedAt: null,
    ...overrides,
  };
}

beforeEach(() => {
  listModelsMock.mockReset().mockResolvedValue({
    providers: [
      { id: "openai", name: "OpenAI", usable: true },
      { id: "anthropic", name: "Anthropic", usable: false },
    ],
    models: [
      { id: "openai:gpt-4o-mini", name: "GPT-4o mini", provider: "openai", usable: true },
      { id: "openai:gpt-4o", name: "GPT-4o", provider: "openai", usable: true },
      { id: "anthropic:claude-haiku-4-5", name: "Claude Haiku 4.5", provider: "anthropic", usable: false },
    ],
  });
  streamMock.mockReset();
});

describe("RunPanel", () => {
  it("builds a field per variable with its default, prefills parameters and picks the default model", async () => {
    renderWithClient(<RunPanel prompt={prompt()} />);
    const form = screen.getByRole("form", { name: "Run prompt" });

    expect(within(form).getByLabelText("name")).toHaveValue("");
    expect(within(form).getByLabelText("language")).toHaveValue("French");
    expect(within(form).getByLabelText("Temperature")).toHaveValue("0.3");
    expect(within(form).getByLabelText("Max tokens")).toHaveValue("256");
    expect(within(form).getByLabelText("Top P")).toHaveValue("");
    expect(within(form).getByLabelText("Version")).toHaveValue("2");

    const model = await within(form).findByLabelText("Model");
    expect(model).toHaveValue("openai:gpt-4o-mini");
    expect(listModelsMock).toHaveBeenCalledWith(expect.objectContaining({ workspace: "ws_me" }));
  });

  it("disables models outside the whitelist, explains why and marks models without a key", async () => {
    renderWithClient(<RunPanel prompt={prompt()} />);
    await screen.findByLabelText("Model");

    const haiku = screen.getByRole("option", { name: /Claude Haiku 4\.5/ });
    expect(haiku).toBeDisabled();
    expect(haiku).toHaveTextContent("not allowed, add a key");
    expect(screen.getByRole("option", { name: "GPT-4o" })).toBeEnabled();
    expect(screen.getByText(/This prompt may run only on/)).toHaveTextContent("openai");
    expect(screen.getByRole("link", { name: "add a key" })).toHaveAttribute("href", expect.stringMatching(/^\/settings\/keys\/?$/));
  });

  it("puts a missing_variables problem on the fields it names", async () => {
    const user = userEvent.setup();
    streamMock.mockRejectedValue(
      new ApiError({
        status: 422,
        code: "missing_variables",
        title: "Missing variables",
        detail: "Give a value for name.",
        extra: { missing: ["name"] },
      }),
    );
    renderWithClient(<RunPanel prompt={prompt()} />);
    await screen.findByLabelText("Model");

    await user.click(screen.getByRole("button", { name: "Run" }));

    await waitFor(() => expect(screen.getByLabelText("name")).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByText("Give a value for {{name}}.")).toBeInTheDocument();
    expect(screen.getByLabelText("language")).toHaveAttribute("aria-invalid", "false");
    expect(streamMock).toHaveBeenCalledWith(
      "p1",
      {
        model: "openai:gpt-4o-mini",
        variables: { language: "French" },
        params: { temperature: 0.3, maxTokens: 256 },
        version: 2,
      },
      expect.objectContaining({ signal: expect.any(AbortSignal) }),
    );
  });

  it("streams deltas into the answer and shows the stats when done", async () => {
    const user = userEvent.setup();
    streamMock.mockImplementation((_id, _body, { onEvent }) => {
      const base = { model: "openai:gpt-4o-mini", executionId: "x1" };
      onEvent({ type: "start", ...base, promptVersion: 2 });
      onEvent({ type: "delta", ...base, text: "Echo: " });
      onEvent({ type: "delta", ...base, text: "hello" });
      const usage = { inputTokens: 12, outputTokens: 4, cachedInputTokens: 2, cacheCreationTokens: 0, reasoningTokens: 1 };
      onEvent({ type: "usage", ...base, usage, costMicros: 123 });
      onEvent({
        type: "done",
        ...base,
        execution: {
          id: "x1", workspaceId: "ws_me", userId: "u1", promptId: "p1", promptVersion: 2, model: base.model,
          provider: "openai", credentialId: "c1", variables: { name: "Ada" }, params: {}, status: "succeeded",
          attempts: 1, ttftMs: 45, latencyMs: 1250, usage, costMicros: 123, responseText: "Echo: hello",
          requestId: "r", createdAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:00:01Z",
        },
      });
      return Promise.resolve();
    });
    renderWithClient(<RunPanel prompt={prompt()} />);
    await screen.findByLabelText("Model");
    await user.type(screen.getByLabelText("name"), "Ada");
    await user.click(screen.getByRole("button", { name: "Run" }));

    const answer = await screen.findByRole("region", { name: "Answer of openai:gpt-4o-mini" });
    expect(within(answer).getByTestId("run-output")).toHaveTextContent("Echo: hello");
    expect(within(answer).getByText("Succeeded")).toBeInTheDocument();
    const stats = within(answer).getByLabelText("Stats of openai:gpt-4o-mini");
    expect(within(stats).getByText("$0.000123")).toBeInTheDocument();
    expect(within(stats).getByText("45 ms")).toBeInTheDocument();
    expect(within(stats).getByText("1.25 s")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Run" })).toBeEnabled();
  });

  it("stops a run under way: the fetch is aborted and the answer is marked cancelled", async () => {
    const user = userEvent.setup();
    let signal: AbortSignal | undefined;
    streamMock.mockImplementation((_id, _body, { onEvent, signal: s }) => {
      signal = s;
      const base = { model: "openai:gpt-4o-mini", executionId: "x1" };
      onEvent({ type: "start", ...base, promptVersion: 2 });
      onEvent({ type: "delta", ...base, text: "Echo: " });
      // The stream goes on until the request is aborted, as fetch does.
      return new Promise((_resolve, reject) => {
        s?.addEventListener("abort", () => reject(new DOMException("The user aborted a request.", "AbortError")));
      });
    });
    renderWithClient(<RunPanel prompt={prompt()} />);
    await screen.findByLabelText("Model");
    await user.type(screen.getByLabelText("name"), "Ada");
    await user.click(screen.getByRole("button", { name: "Run" }));

    const answer = await screen.findByRole("region", { name: "Answer of openai:gpt-4o-mini" });
    expect(within(answer).getByTestId("run-output")).toHaveTextContent("Echo:");
    await user.click(screen.getByRole("button", { name: "Stop" }));
    expect(signal?.aborted).toBe(true);
    await waitFor(() => expect(within(answer).getByTestId("run-status")).toHaveTextContent("Cancelled"));
    expect(screen.getByRole("button", { name: "Run" })).toBeEnabled();
    expect(streamMock).toHaveBeenCalledTimes(1);
  });

  it("links to the API keys when the provider has no key", async () => {
    const user = userEvent.setup();
    streamMock.mockRejectedValue(
      new ApiError({ status: 422, code: "no_credential", detail: "Add a openai API key.", extra: { provider: "openai" } }),
    );
    renderWithClient(<RunPanel prompt={prompt()} />);
    await screen.findByLabelText("Model");
    await user.type(screen.getByLabelText("name"), "Ada");
    await user.click(screen.getByRole("button", { name: "Run" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("No openai API key");
    expect(within(alert).getByRole("link", { name: "Go to Settings → API keys" })).toHaveAttribute("href", expect.stringMatching(/^\/settings\/keys\/?$/));
  });
});
