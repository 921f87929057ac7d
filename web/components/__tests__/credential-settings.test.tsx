import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Toaster } from "sonner";

import { CredentialSettings } from "@/components/credential-settings";
import { ApiError, getMe, listCredentials, verifyCredential } from "@/lib/api";
import { getPb } from "@/lib/pocketbase";
import type { Credential } from "@/lib/validations/credential";
import type { Me, Workspace } from "@/lib/validations/me";
import { renderWithClient } from "@/test/render";

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return {
    ...actual,
    getMe: jest.fn(),
    listCredentials: jest.fn(),
    createCredential: jest.fn(),
    verifyCredential: jest.fn(),
    updateCredential: jest.fn(),
    deleteCredential: jest.fn(),
  };
});

const getMeMock = jest.mocked(getMe);
const listMock = jest.mocked(listCredentials);
const verifyMock = jest.mocked(verifyCredential);

const personal: Workspace = { id: "ws_me", name: "Personal", kind: "personal", role: "owner" };
const team: Workspace = { id: "ws_team", name: "Acme", kind: "team", role: "editor" };
const club: Workspace = { id: "ws_club", name: "Club", kind: "team", role: "viewer" };

function me(workspaces: Workspace[]): Me {
  return {
    user: { id: "u1", email: "a@example.com", name: "Ann", tier: "free", verified: true, created: "2026-01-01T00:00:00Z" },
    workspaces,
    promptCount: 0,
    promptLimit: null,
  };
}

function credential(overrides: Partial<Credential>): Credential {
  return {
    id: "cred",
    workspaceId: "ws_me",
    provider: "openai",
    label: "Key",
    baseUrl: "",
    last4: "abcd",
    createdAt: "2026-01-01T00:00:00Z",
    createdBy: "u1",
    lastUsedAt: null,
    verifiedAt: null,
    verifyStatus: null,
    verifyMessage: null,
    ...overrides,
  };
}

const verified = credential({
  id: "c_ok",
  label: "Production",
  last4: "w123",
  verifiedAt: "2026-02-03T10:00:00Z",
  verifyStatus: "ok",
  lastUsedAt: "2026-02-04T10:00:00Z",
});
const failed = credential({
  id: "c_bad",
  provider: "anthropic",
  label: "Old Claude",
  last4: "0000",
  verifiedAt: "2026-02-03T11:00:00Z",
  verifyStatus: "failed",
  verifyMessage: "invalid x-api-key",
});
const fresh = credential({
  id: "c_new",
  provider: "openai-compatible",
  label: "Local vLLM",
  last4: "9z9z",
  baseUrl: "http://127.0.0.1:8000/v1",
});
const gemini = credential({ id: "c_gem", provider: "gemini", label: "Gemini", last4: "gggg" });

function base64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

beforeEach(() => {
  getMeMock.mockReset();
  listMock.mockReset();
  verifyMock.mockReset();
  // A signed-in session: useMe only loads for one.
  const token = `${base64url({ alg: "HS256" })}.${base64url({ exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
  getPb().authStore.save(token, { id: "u1", collectionId: "users", collectionName: "users", email: "a@example.com", name: "Ann" });
});

afterEach(() => {
  getPb().authStore.clear();
});

function rowOf(label: string): HTMLElement {
  const row = screen.getByRole("row", { name: new RegExp(label) });
  return row;
}

describe("CredentialSettings", () => {
  it("lists keys with provider, masked key, base URL and each verification status", async () => {
    getMeMock.mockResolvedValue(me([personal]));
    listMock.mockResolvedValue({ items: [verified, failed, fresh, gemini], total: 4 });
    renderWithClient(<CredentialSettings />);

    expect(await screen.findByRole("table", { name: "Provider API keys" })).toBeInTheDocument();
    expect(listMock).toHaveBeenCalledWith("ws_me", expect.anything());

    const ok = rowOf("Production");
    expect(within(ok).getByText("OpenAI")).toBeInTheDocument();
    expect(within(ok).getByText("••••w123")).toBeInTheDocument();
    expect(within(ok).getByText("Verified")).toBeInTheDocument();
    expect(within(ok).getByText("Verified").closest("[data-testid=credential-status]")?.querySelector("time")).toHaveAttribute(
      "datetime",
      "2026-02-03T10:00:00Z",
    );
    expect(within(ok).queryByText("Never")).not.toBeInTheDocument();

    const bad = rowOf("Old Claude");
    expect(within(bad).getByText("Anthropic")).toBeInTheDocument();
    expect(within(bad).getByText("Failed")).toBeInTheDocument();
    expect(within(bad).getByText("invalid x-api-key")).toBeInTheDocument();

    const compat = rowOf("Local vLLM");
    expect(within(compat).getByText("OpenAI-compatible")).toBeInTheDocument();
    expect(within(compat).getByText("http://127.0.0.1:8000/v1")).toBeInTheDocument();
    expect(within(compat).getByText("Not verified")).toBeInTheDocument();
    expect(within(compat).getByText("Never")).toBeInTheDocument();

    expect(within(rowOf("Gemini")).getByText("Google Gemini")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Add key" })).toBeInTheDocument();
    expect(screen.queryByText("Only admins and owners manage keys.")).not.toBeInTheDocument();
  });

  it("explains bring-your-own-key when the workspace has none", async () => {
    getMeMock.mockResolvedValue(me([personal]));
    listMock.mockResolvedValue({ items: [], total: 0 });
    renderWithClient(<CredentialSettings />);

    expect(await screen.findByText("No API keys yet")).toBeInTheDocument();
    expect(
      screen.getByText(/Krowoc calls providers with your own keys; keys are encrypted at rest and never shown again/),
    ).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Add your first key" })).toBeInTheDocument();
  });

  it("verifies a key: the button spins, then the badge and a toast show the result", async () => {
    getMeMock.mockResolvedValue(me([personal]));
    listMock.mockResolvedValue({ items: [fresh], total: 1 });
    let resolve: (c: Credential) => void = () => undefined;
    verifyMock.mockImplementation(() => new Promise<Credential>((r) => (resolve = r)));
    const user = userEvent.setup();
    renderWithClient(
      <>
        <CredentialSettings />
        <Toaster />
      </>,
    );

    const button = await screen.findByRole("button", { name: "Verify key Local vLLM" });
    await user.click(button);
    expect(verifyMock).toHaveBeenCalledWith("c_new");
    await waitFor(() => expect(button).toBeDisabled());
    expect(button).toHaveAttribute("aria-busy", "true");
    expect(button).toHaveAttribute("title", "Verifying…");

    resolve({ ...fresh, verifyStatus: "ok", verifiedAt: "2026-03-01T00:00:00Z" });

    expect(await screen.findByText('"Local vLLM" verified')).toBeInTheDocument();
    const row = rowOf("Local vLLM");
    expect(within(row).getByText("Verified")).toBeInTheDocument();
    expect(within(row).queryByText("Not verified")).not.toBeInTheDocument();
    await waitFor(() => expect(button).toBeEnabled());
  });

  it("shows an editor the list read-only, in the workspace picked from several", async () => {
    getMeMock.mockResolvedValue(me([personal, team]));
    listMock.mockImplementation((ws) =>
      Promise.resolve(ws === "ws_team" ? { items: [failed], total: 1 } : { items: [verified], total: 1 }),
    );
    const user = userEvent.setup();
    renderWithClient(<CredentialSettings />);

    expect(await screen.findByRole("row", { name: /Production/ })).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Workspace"), "ws_team");

    expect(await screen.findByRole("row", { name: /Old Claude/ })).toBeInTheDocument();
    expect(listMock).toHaveBeenCalledWith("ws_team", expect.anything());
    expect(screen.getByText("Only admins and owners manage keys.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Verify key/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Delete key/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add key" })).not.toBeInTheDocument();
  });

  it("shows a viewer the read-only note instead of an error when listing is forbidden", async () => {
    getMeMock.mockResolvedValue(me([club]));
    listMock.mockRejectedValue(
      new ApiError({ status: 403, code: "forbidden", title: "Forbidden", detail: "You may not list keys." }),
    );
    renderWithClient(<CredentialSettings />);

    expect(await screen.findByText("Only admins and owners manage keys.")).toBeInTheDocument();
    await waitFor(() => expect(listMock).toHaveBeenCalled());
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.queryByText("You may not list keys.")).not.toBeInTheDocument();
  });

  it("shows other load failures with a retry", async () => {
    getMeMock.mockResolvedValue(me([personal]));
    listMock.mockRejectedValue(
      new ApiError({ status: 500, code: "internal", title: "Internal", detail: "Something broke." }),
    );
    renderWithClient(<CredentialSettings />);

    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText("Could not load the API keys")).toBeInTheDocument();
    expect(within(alert).getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });
});
