import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { TokenCreator } from "@/components/token-creator";
import { ApiError, createToken } from "@/lib/api";
import type { CreateTokenResponse } from "@/lib/validations/token";
import { renderWithClient } from "@/test/render";

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return { ...actual, createToken: jest.fn(), listTokens: jest.fn(), revokeToken: jest.fn() };
});

const createTokenMock = jest.mocked(createToken);
const SECRET = "krw_abcd1234_s3cr3tS3cr3tS3cr3t";

function created(name: string, expiresAt: string | null = null): CreateTokenResponse {
  return {
    token: {
      id: "tok_1",
      name,
      prefix: "krw_abcd1234",
      createdAt: "2026-01-01T00:00:00Z",
      expiresAt,
      lastUsedAt: null,
      expired: false,
    },
    secret: SECRET,
  };
}

function localDate(offsetDays: number): string {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

async function openForm(user: ReturnType<typeof userEvent.setup>) {
  await user.click(screen.getByRole("button", { name: "Create token" }));
  return screen.findByRole("dialog", { name: "Create access token" });
}

beforeEach(() => {
  createTokenMock.mockReset();
});

describe("TokenCreator", () => {
  it("rejects an empty name without calling the API", async () => {
    const user = userEvent.setup();
    renderWithClient(<TokenCreator />);
    const dialog = await openForm(user);

    await user.type(within(dialog).getByLabelText("Name"), "   ");
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));

    expect(await within(dialog).findByText("Name is required.")).toBeInTheDocument();
    expect(within(dialog).getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
    expect(createTokenMock).not.toHaveBeenCalled();
  });

  it("rejects a name longer than 100 characters", async () => {
    const user = userEvent.setup();
    renderWithClient(<TokenCreator />);
    const dialog = await openForm(user);

    await user.click(within(dialog).getByLabelText("Name"));
    await user.paste("x".repeat(101));
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));

    expect(await within(dialog).findByText("Name must be at most 100 characters.")).toBeInTheDocument();
    expect(createTokenMock).not.toHaveBeenCalled();
  });

  it("rejects a custom expiry date in the past", async () => {
    const user = userEvent.setup();
    renderWithClient(<TokenCreator />);
    const dialog = await openForm(user);

    await user.type(within(dialog).getByLabelText("Name"), "CLI");
    await user.selectOptions(within(dialog).getByLabelText("Expires"), "custom");
    const date = within(dialog).getByLabelText("Expiry date");
    await user.clear(date);
    await user.type(date, localDate(-1));
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));

    expect(await within(dialog).findByText("Expiry date must be in the future.")).toBeInTheDocument();
    expect(createTokenMock).not.toHaveBeenCalled();
  });

  it("submits the trimmed name and a never-expiring token", async () => {
    createTokenMock.mockResolvedValue(created("CLI"));
    const user = userEvent.setup();
    renderWithClient(<TokenCreator />);
    const dialog = await openForm(user);

    await user.type(within(dialog).getByLabelText("Name"), "  CLI  ");
    await user.selectOptions(within(dialog).getByLabelText("Expires"), "never");
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));

    await waitFor(() => expect(createTokenMock).toHaveBeenCalledTimes(1));
    expect(createTokenMock).toHaveBeenCalledWith({ name: "CLI", expiresAt: null });
  });

  it("sends a relative expiry as an RFC 3339 time that many days ahead", async () => {
    createTokenMock.mockResolvedValue(created("Script"));
    const user = userEvent.setup();
    renderWithClient(<TokenCreator />);
    const dialog = await openForm(user);

    await user.type(within(dialog).getByLabelText("Name"), "Script");
    await user.selectOptions(within(dialog).getByLabelText("Expires"), "7");
    const before = Date.now();
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));

    await waitFor(() => expect(createTokenMock).toHaveBeenCalledTimes(1));
    const body = createTokenMock.mock.calls[0]?.[0];
    expect(body?.name).toBe("Script");
    const got = Date.parse(body?.expiresAt ?? "");
    const week = 7 * 24 * 60 * 60 * 1000;
    expect(got).toBeGreaterThanOrEqual(before + week);
    expect(got).toBeLessThanOrEqual(Date.now() + week);
  });

  it("shows the server's field error on the field it names", async () => {
    createTokenMock.mockRejectedValue(
      new ApiError({
        status: 400,
        code: "validation_failed",
        title: "Validation failed",
        detail: "The request has invalid fields.",
        fieldErrors: [{ field: "name", code: "duplicate", message: "A token with this name exists." }],
      }),
    );
    const user = userEvent.setup();
    renderWithClient(<TokenCreator />);
    const dialog = await openForm(user);

    await user.type(within(dialog).getByLabelText("Name"), "CLI");
    await user.click(within(dialog).getByRole("button", { name: "Create token" }));

    expect(await within(dialog).findByText("A token with this name exists.")).toBeInTheDocument();
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
  });

  it("shows the secret once and forgets it when closed", async () => {
    createTokenMock.mockResolvedValue(created("CLI"));
    const user = userEvent.setup();
    renderWithClient(<TokenCreator />);
    const form = await openForm(user);

    await user.type(within(form).getByLabelText("Name"), "CLI");
    await user.click(within(form).getByRole("button", { name: "Create token" }));

    const secretDialog = await screen.findByRole("dialog", { name: "Copy your new token" });
    expect(within(secretDialog).getByDisplayValue(SECRET)).toBeInTheDocument();
    expect(within(secretDialog).getByText(/only time the token is shown/i)).toBeInTheDocument();
    expect(screen.queryByRole("dialog", { name: "Create access token" })).not.toBeInTheDocument();

    await user.click(within(secretDialog).getByRole("button", { name: "Done" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(document.body.innerHTML).not.toContain(SECRET);

    // Opening the form again starts blank and does not bring the secret back.
    const again = await openForm(user);
    expect(within(again).getByLabelText("Name")).toHaveValue("");
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(createTokenMock).toHaveBeenCalledTimes(1);
  });

  it("copies the secret to the clipboard", async () => {
    createTokenMock.mockResolvedValue(created("CLI"));
    const user = userEvent.setup();
    renderWithClient(<TokenCreator />);
    const form = await openForm(user);
    await user.type(within(form).getByLabelText("Name"), "CLI");
    await user.click(within(form).getByRole("button", { name: "Create token" }));
    const secretDialog = await screen.findByRole("dialog", { name: "Copy your new token" });

    await user.click(within(secretDialog).getByRole("button", { name: "Copy token" }));

    await expect(navigator.clipboard.readText()).resolves.toBe(SECRET);
  });
});
