import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { PromptEditorForm } from "@/components/prompt-editor-form";
import { ApiError, createPrompt, listModels, listTags, updatePrompt } from "@/lib/api";
import type { Prompt } from "@/lib/validations/prompt";
import { renderWithClient } from "@/test/render";

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return {
    ...actual,
    createPrompt: jest.fn(),
    updatePrompt: jest.fn(),
    listTags: jest.fn(),
    listModels: jest.fn(),
  };
});

const createMock = jest.mocked(createPrompt);
const updateMock = jest.mocked(updatePrompt);

function prompt(overrides: Partial<Prompt> = {}): Prompt {
  return {
    id: "p1",
    workspaceId: "w1",
    title: "Summarize",
    description: "Short summaries",
    promptText: "Summarize {{text}} in {{words}} words.",
    tags: ["writing", "summary"],
    modelWhitelist: ["openai"],
    defaultModel: "openai:gpt-4o-mini",
    defaultParams: { temperature: 0.7, maxTokens: 500 },
    variables: [{ name: "text" }, { name: "words", default: "50" }],
    status: "published",
    visibility: "private",
    latestVersion: 1,
    publishedVersion: 1,
    hasDraftChanges: false,
    ownerId: "u1",
    createdBy: "u1",
    updatedBy: "u1",
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-02T00:00:00Z",
    deletedAt: null,
    ...overrides,
  };
}

beforeEach(() => {
  createMock.mockReset();
  updateMock.mockReset();
  jest.mocked(listTags).mockResolvedValue({ items: [{ tag: "writing", count: 3 }, { tag: "code", count: 1 }] });
  jest.mocked(listModels).mockResolvedValue({
    providers: [
      { id: "openai", name: "OpenAI" },
      { id: "anthropic", name: "Anthropic" },
      { id: "openai-compatible", name: "OpenAI-compatible server" },
    ],
    models: [
      { id: "openai:gpt-4o-mini", name: "GPT-4o mini", provider: "openai", contextWindow: 128000 },
      { id: "anthropic:claude-sonnet-4-5", name: "Claude Sonnet 4.5", provider: "anthropic", contextWindow: 200000 },
    ],
  });
});

describe("PromptEditorForm in create mode", () => {
  it("starts empty and refuses to submit without a title and text", async () => {
    const user = userEvent.setup();
    const onSaved = jest.fn();
    renderWithClient(<PromptEditorForm mode="create" context="home" onSaved={onSaved} />);

    expect(screen.getByLabelText("Title")).toHaveValue("");
    expect(screen.getByLabelText("Prompt text")).toHaveValue("");
    await user.click(screen.getByRole("button", { name: "Create prompt" }));

    expect(await screen.findByText("Title is required.")).toBeInTheDocument();
    expect(screen.getByText("Prompt text is required.")).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toHaveAttribute("aria-invalid", "true");
    expect(createMock).not.toHaveBeenCalled();
    expect(onSaved).not.toHaveBeenCalled();
  });

  it("validates the default parameters' ranges", async () => {
    const user = userEvent.setup();
    renderWithClient(<PromptEditorForm mode="create" context="prompts" onSaved={jest.fn()} />);

    await user.type(screen.getByLabelText("Title"), "T");
    await user.type(screen.getByLabelText("Prompt text"), "x");
    await user.type(screen.getByLabelText("Temperature"), "3");
    await user.type(screen.getByLabelText("Top P"), "1.5");
    await user.click(screen.getByRole("button", { name: "Save prompt" }));

    expect(await screen.findByText("Temperature must be from 0 to 2.")).toBeInTheDocument();
    expect(screen.getByText("Top P must be from 0 to 1.")).toBeInTheDocument();
    expect(createMock).not.toHaveBeenCalled();
  });

  it("submits a normalized payload with the variables' defaults", async () => {
    createMock.mockResolvedValue(prompt({ id: "new1", title: "My prompt" }));
    const user = userEvent.setup();
    const onSaved = jest.fn();
    renderWithClient(<PromptEditorForm mode="create" context="home" workspaceId="w1" onSaved={onSaved} />);

    await user.type(screen.getByLabelText("Title"), "  My prompt  ");
    await user.click(screen.getByLabelText("Prompt text"));
    await user.paste("Hello {{name}}, write about {{ topic }} and {{name}}.");
    const tags = screen.getByLabelText("Tags");
    await user.type(tags, "  Writing {Enter}");
    await user.type(tags, "AI,ai,");
    // The detected variables each offer a default value.
    const details = screen.getByText("Variables and model settings");
    await user.click(details);
    const vars = screen.getByTestId("detected-variables");
    expect(within(vars).getByText("{{name}}")).toBeInTheDocument();
    expect(within(vars).getByText("{{topic}}")).toBeInTheDocument();
    await user.type(within(vars).getByLabelText("{{name}} default value"), "World");
    await user.type(screen.getByLabelText("Max tokens"), "800");

    await user.click(screen.getByRole("button", { name: "Create prompt" }));

    await waitFor(() => expect(createMock).toHaveBeenCalledTimes(1));
    expect(createMock).toHaveBeenCalledWith({
      workspaceId: "w1",
      title: "My prompt",
      description: "",
      promptText: "Hello {{name}}, write about {{ topic }} and {{name}}.",
      tags: ["writing", "ai"],
      modelWhitelist: [],
      defaultModel: "",
      defaultParams: { maxTokens: 800 },
      variableDefaults: { name: "World" },
    });
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ id: "new1" }), { another: false }));
  });

  it("offers different buttons on Home and on the Prompts page", () => {
    const { unmount } = renderWithClient(<PromptEditorForm mode="create" context="home" onSaved={jest.fn()} onCancel={jest.fn()} />);
    expect(screen.getByRole("button", { name: "Create prompt" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Save and add another" })).not.toBeInTheDocument();
    // Home keeps the advanced settings folded away.
    expect(screen.getByText("Variables and model settings").closest("details")).not.toHaveAttribute("open");
    unmount();

    renderWithClient(<PromptEditorForm mode="create" context="prompts" onSaved={jest.fn()} onCancel={jest.fn()} />);
    expect(screen.getByRole("button", { name: "Save prompt" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save and add another" })).toBeInTheDocument();
    expect(screen.getByText("Variables and model settings").closest("details")).toHaveAttribute("open");
  });

  it("clears the form after Save and add another", async () => {
    createMock.mockResolvedValue(prompt({ id: "new2" }));
    const user = userEvent.setup();
    const onSaved = jest.fn();
    renderWithClient(<PromptEditorForm mode="create" context="prompts" onSaved={onSaved} />);

    await user.type(screen.getByLabelText("Title"), "First");
    await user.type(screen.getByLabelText("Prompt text"), "Text");
    await user.click(screen.getByRole("button", { name: "Save and add another" }));

    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ id: "new2" }), { another: true }));
    expect(screen.getByLabelText("Title")).toHaveValue("");
  });

  it("restricts the default model to the whitelist", async () => {
    const user = userEvent.setup();
    renderWithClient(<PromptEditorForm mode="create" context="prompts" onSaved={jest.fn()} />);

    const select = screen.getByLabelText("Default model");
    await screen.findByRole("option", { name: /Claude Sonnet 4.5/ });
    await user.click(await screen.findByLabelText("All Anthropic models"));
    expect(within(select).queryByRole("option", { name: /GPT-4o mini/ })).not.toBeInTheDocument();
    expect(within(select).getByRole("option", { name: /Claude Sonnet 4.5/ })).toBeInTheDocument();
    expect(screen.getByText("Leave empty to allow any model. Pick a provider to allow all of its models.")).toBeInTheDocument();
  });

  it("shows the server's field errors on the fields they name", async () => {
    createMock.mockRejectedValue(
      new ApiError({
        status: 400,
        code: "validation_failed",
        title: "Validation failed",
        detail: "Some fields are invalid.",
        fieldErrors: [
          { field: "title", code: "duplicate", message: "A prompt with this title exists." },
          { field: "defaultParams.temperature", code: "range", message: "Temperature is off." },
          { field: "modelWhitelist", code: "unknown_model", message: '"x" is not a known provider or model.' },
        ],
      }),
    );
    const user = userEvent.setup();
    renderWithClient(<PromptEditorForm mode="create" context="home" onSaved={jest.fn()} />);

    await user.type(screen.getByLabelText("Title"), "Dup");
    await user.type(screen.getByLabelText("Prompt text"), "Text");
    await user.click(screen.getByRole("button", { name: "Create prompt" }));

    expect(await screen.findByText("A prompt with this title exists.")).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("Temperature is off.")).toBeInTheDocument();
    expect(screen.getByLabelText("Temperature")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText('"x" is not a known provider or model.')).toBeInTheDocument();
    // The folded settings open to show their errors.
    expect(screen.getByText("Variables and model settings").closest("details")).toHaveAttribute("open");
  });

  it("opens the quota dialog when the server refuses over the limit", async () => {
    createMock.mockRejectedValue(
      new ApiError({
        status: 403,
        code: "quota_exceeded",
        title: "Quota exceeded",
        detail: "You have reached your prompt limit.",
        extra: { limit: 50, count: 50, requested: 1, upgradeUrl: "/upgrade" },
      }),
    );
    const user = userEvent.setup();
    const onSaved = jest.fn();
    renderWithClient(<PromptEditorForm mode="create" context="home" onSaved={onSaved} />);

    await user.type(screen.getByLabelText("Title"), "One too many");
    await user.type(screen.getByLabelText("Prompt text"), "Text");
    await user.click(screen.getByRole("button", { name: "Create prompt" }));

    const dialog = await screen.findByRole("dialog", { name: "Prompt limit reached" });
    expect(within(dialog).getByText(/You have 50 of 50 prompts/)).toBeInTheDocument();
    expect(within(dialog).getByRole("link", { name: "Upgrade" })).toHaveAttribute("href", expect.stringMatching(/^\/upgrade\/?$/));
    expect(screen.queryByText("Could not save the prompt")).not.toBeInTheDocument();
    expect(onSaved).not.toHaveBeenCalled();
  });
});

describe("PromptEditorForm in edit mode", () => {
  it("is filled from the prompt and sends a PATCH body", async () => {
    updateMock.mockResolvedValue(prompt({ title: "Summarize better", hasDraftChanges: true }));
    const user = userEvent.setup();
    const onSaved = jest.fn();
    renderWithClient(<PromptEditorForm mode="edit" context="detail" initialValues={prompt()} onSaved={onSaved} />);

    expect(screen.getByLabelText("Title")).toHaveValue("Summarize");
    expect(screen.getByLabelText("Description")).toHaveValue("Short summaries");
    expect(screen.getByLabelText("Prompt text")).toHaveValue("Summarize {{text}} in {{words}} words.");
    expect(screen.getByRole("list", { name: "Selected tags" })).toHaveTextContent("writing");
    expect(screen.getByLabelText("Temperature")).toHaveValue(0.7);
    expect(screen.getByLabelText("{{words}} default value")).toHaveValue("50");
    expect(screen.getByText(/The published version v1 stays live/)).toBeInTheDocument();

    await user.clear(screen.getByLabelText("Title"));
    await user.type(screen.getByLabelText("Title"), "Summarize better");
    await user.click(screen.getByRole("button", { name: "Remove tag summary" }));
    await user.click(screen.getByRole("button", { name: "Save changes" }));

    await waitFor(() => expect(updateMock).toHaveBeenCalledTimes(1));
    expect(updateMock).toHaveBeenCalledWith("p1", {
      title: "Summarize better",
      description: "Short summaries",
      promptText: "Summarize {{text}} in {{words}} words.",
      tags: ["writing"],
      modelWhitelist: ["openai"],
      defaultModel: "openai:gpt-4o-mini",
      defaultParams: { temperature: 0.7, maxTokens: 500 },
      variableDefaults: { words: "50" },
    });
    expect(createMock).not.toHaveBeenCalled();
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
  });
});
