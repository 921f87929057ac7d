import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Toaster } from "sonner";

import { CredentialCreator } from "@/components/credential-creator";
import { ApiError, createCredential, verifyCredential } from "@/lib/api";
import type { Credential } from "@/lib/validations/credential";
import { renderWithClient } from "@/test/render";

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return {
    ...actual,
    createCredential: jest.fn(),
    listCredentials: jest.fn(),
    verifyCredential: jest.fn(),
    updateCredential: jest.fn(),
    deleteCredential: jest.fn(),
  };
});

const createMock = jest.mocked(createCredential);
const verifyMock = jest.mocked(verifyCredential);
const KEY = "sk-test-123-very-secret";

function credential(overrides: Partial<Credential> = {}): Credential {
  return {
    id: "cred_1",
    workspaceId: "ws_1",
    provider: "openai",
    label: "Production",
    baseUrl: "",
    last4: "cret",
    createdAt: "2026-01-01T00:00:00Z",
    createdBy: "user_1",
    lastUsedAt: null,
    verifiedAt: null,
    verifyStatus: null,
    verifyMessage: null,
    ...overrides,
  };
}

type User = ReturnType<typeof userEvent.setup>;

function setup(workspaceId?: string) {
  const user = userEvent.setup();
  renderWithClient(
    <>
      <CredentialCreator workspaceId={workspaceId} />
      <Toaster />
    </>,
  );
  return user;
}

async function openForm(user: User) {
  await user.click(screen.getByRole("button", { name: "Add key" }));
  return screen.findByRole("dialog", { name: "Add API key" });
}

async function submit(user: User, dialog: HTMLElement) {
  await user.click(within(dialog).getByRole("button", { name: "Add key" }));
}

beforeEach(() => {
  createMock.mockReset();
  verifyMock.mockReset();
});

describe("CredentialCreator", () => {
  it("requires a label and a key without calling the API", async () => {
    const user = setup();
    const dialog = await openForm(user);

    await user.type(within(dialog).getByLabelText("Label"), "   ");
    await user.type(within(dialog).getByLabelText("API key"), "   ");
    await submit(user, dialog);

    expect(await within(dialog).findByText("Label is required.")).toBeInTheDocument();
    expect(within(dialog).getByText("API key is required.")).toBeInTheDocument();
    expect(within(dialog).getByLabelText("API key")).toHaveAttribute("aria-invalid", "true");
    expect(within(dialog).getByLabelText("API key")).toHaveAttribute("type", "password");
    expect(createMock).not.toHaveBeenCalled();
  });

  it("rejects a label over 100 characters and a key over 500", async () => {
    const user = setup();
    const dialog = await openForm(user);

    await user.click(within(dialog).getByLabelText("Label"));
    await user.paste("x".repeat(101));
    await user.click(within(dialog).getByLabelText("API key"));
    await user.paste("k".repeat(501));
    await submit(user, dialog);

    expect(await within(dialog).findByText("Label must be at most 100 characters.")).toBeInTheDocument();
    expect(within(dialog).getByText("API key must be at most 500 characters.")).toBeInTheDocument();
    expect(createMock).not.toHaveBeenCalled();
  });

  it("asks for a base URL only for an OpenAI-compatible provider, and only an http(s) one", async () => {
    const user = setup();
    const dialog = await openForm(user);
    const provider = within(dialog).getByLabelText("Provider");

    expect(within(dialog).queryByLabelText("Base URL")).not.toBeInTheDocument();
    for (const p of ["anthropic", "gemini", "openai"]) {
      await user.selectOptions(provider, p);
      expect(within(dialog).queryByLabelText("Base URL")).not.toBeInTheDocument();
    }

    await user.selectOptions(provider, "openai-compatible");
    const baseUrl = within(dialog).getByLabelText("Base URL");
    await user.type(within(dialog).getByLabelText("Label"), "Local");
    await user.type(within(dialog).getByLabelText("API key"), KEY);
    await submit(user, dialog);
    expect(
      await within(dialog).findByText("Base URL is required for an OpenAI-compatible provider."),
    ).toBeInTheDocument();

    await user.type(baseUrl, "ftp://llm.example.com/v1");
    await submit(user, dialog);
    expect(await within(dialog).findByText("Enter an http:// or https:// URL without a user name or password.")).toBeInTheDocument();
    expect(createMock).not.toHaveBeenCalled();

    createMock.mockResolvedValue(
      credential({ provider: "openai-compatible", label: "Local", baseUrl: "http://127.0.0.1:8900/v1" }),
    );
    await user.clear(baseUrl);
    await user.type(baseUrl, "  http://127.0.0.1:8900/v1  ");
    await submit(user, dialog);

    await waitFor(() => expect(createMock).toHaveBeenCalledTimes(1));
    expect(createMock).toHaveBeenCalledWith({
      provider: "openai-compatible",
      label: "Local",
      key: KEY,
      baseUrl: "http://127.0.0.1:8900/v1",
    });
  });

  it("lets an OpenAI-compatible server go without a key (local servers need none)", async () => {
    createMock.mockResolvedValue(
      credential({ provider: "openai-compatible", label: "Ollama", baseUrl: "http://127.0.0.1:11434/v1" }),
    );
    const user = setup();
    const dialog = await openForm(user);
    await user.selectOptions(within(dialog).getByLabelText("Provider"), "openai-compatible");
    await user.type(within(dialog).getByLabelText("Label"), "Ollama");
    await user.type(within(dialog).getByLabelText("Base URL"), "http://127.0.0.1:11434/v1");
    await submit(user, dialog);

    await waitFor(() => expect(createMock).toHaveBeenCalledTimes(1));
    expect(createMock).toHaveBeenCalledWith({
      provider: "openai-compatible",
      label: "Ollama",
      key: "",
      baseUrl: "http://127.0.0.1:11434/v1",
    });
  });

  it("submits a trimmed payload without a base URL for other providers, then clears the key", async () => {
    createMock.mockResolvedValue(credential());
    const user = setup("ws_team");
    const dialog = await openForm(user);

    // A base URL typed for openai-compatible is dropped when the provider changes.
    await user.selectOptions(within(dialog).getByLabelText("Provider"), "openai-compatible");
    await user.type(within(dialog).getByLabelText("Base URL"), "https://llm.example.com/v1");
    await user.selectOptions(within(dialog).getByLabelText("Provider"), "anthropic");
    await user.type(within(dialog).getByLabelText("Label"), "  Production  ");
    await user.type(within(dialog).getByLabelText("API key"), `  ${KEY}  `);
    await submit(user, dialog);

    await waitFor(() => expect(createMock).toHaveBeenCalledTimes(1));
    expect(createMock).toHaveBeenCalledWith({
      workspaceId: "ws_team",
      provider: "anthropic",
      label: "Production",
      key: KEY,
    });

    // The form is gone, the key with it; the next dialog offers to verify.
    const added = await screen.findByRole("dialog", { name: "Key added" });
    expect(within(added).getByRole("button", { name: "Verify now" })).toBeInTheDocument();
    expect(screen.queryByRole("dialog", { name: "Add API key" })).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain(KEY);

    await user.click(within(added).getByRole("button", { name: "Later" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());

    const again = await openForm(user);
    expect(within(again).getByLabelText("API key")).toHaveValue("");
    expect(within(again).getByLabelText("Label")).toHaveValue("");
    expect(within(again).getByLabelText("Provider")).toHaveValue("openai");
    expect(verifyMock).not.toHaveBeenCalled();
  });

  it("puts the server's field errors on the fields they name and keeps the form", async () => {
    createMock.mockRejectedValue(
      new ApiError({
        status: 400,
        code: "validation_failed",
        title: "Validation failed",
        detail: "The request has invalid fields.",
        fieldErrors: [
          { field: "key", code: "invalid", message: "The key has an unexpected format." },
          { field: "baseUrl", code: "forbidden_host", message: "This host is not allowed." },
          { field: "label", code: "duplicate", message: "A key with this label exists." },
        ],
      }),
    );
    const user = setup();
    const dialog = await openForm(user);

    await user.selectOptions(within(dialog).getByLabelText("Provider"), "openai-compatible");
    await user.type(within(dialog).getByLabelText("Label"), "Local");
    await user.type(within(dialog).getByLabelText("API key"), KEY);
    await user.type(within(dialog).getByLabelText("Base URL"), "http://10.0.0.1/v1");
    await submit(user, dialog);

    expect(await within(dialog).findByText("The key has an unexpected format.")).toBeInTheDocument();
    expect(within(dialog).getByLabelText("API key")).toHaveAttribute("aria-invalid", "true");
    expect(within(dialog).getByLabelText("API key")).toHaveAccessibleDescription(
      expect.stringContaining("The key has an unexpected format."),
    );
    expect(within(dialog).getByLabelText("Base URL")).toHaveAccessibleDescription(
      expect.stringContaining("This host is not allowed."),
    );
    expect(within(dialog).getByLabelText("Label")).toHaveAccessibleDescription(
      expect.stringContaining("A key with this label exists."),
    );
    expect(screen.queryByRole("dialog", { name: "Key added" })).not.toBeInTheDocument();
  });

  it("verifies the new key on request and reports the result", async () => {
    createMock.mockResolvedValue(credential());
    verifyMock.mockResolvedValue(
      credential({ verifyStatus: "failed", verifiedAt: "2026-01-02T00:00:00Z", verifyMessage: "Incorrect API key provided." }),
    );
    const user = setup();
    const dialog = await openForm(user);
    await user.type(within(dialog).getByLabelText("Label"), "Production");
    await user.type(within(dialog).getByLabelText("API key"), KEY);
    await submit(user, dialog);

    const added = await screen.findByRole("dialog", { name: "Key added" });
    await user.click(within(added).getByRole("button", { name: "Verify now" }));

    await waitFor(() => expect(verifyMock).toHaveBeenCalledWith("cred_1"));
    expect(await screen.findByText('"Production" failed verification')).toBeInTheDocument();
    expect(screen.getByText("Incorrect API key provided.")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Key added" })).not.toBeInTheDocument());
  });
});
