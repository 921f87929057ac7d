import "@testing-library/jest-dom";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Toaster } from "sonner";

import { DeadLetterSettings } from "@/components/dead-letter-settings";
import { ApiError, discardDeadLetter, getMe, listDeadLetters, requeueDeadLetter } from "@/lib/api";
import { getPb } from "@/lib/pocketbase";
import type { DeadLetter } from "@/lib/validations/job";
import type { Me, Workspace } from "@/lib/validations/me";
import { renderWithClient } from "@/test/render";

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return {
    ...actual,
    getMe: jest.fn(),
    listDeadLetters: jest.fn(),
    requeueDeadLetter: jest.fn(),
    discardDeadLetter: jest.fn(),
  };
});

const getMeMock = jest.mocked(getMe);
const listMock = jest.mocked(listDeadLetters);
const requeueMock = jest.mocked(requeueDeadLetter);
const discardMock = jest.mocked(discardDeadLetter);

const personal: Workspace = { id: "ws_me", name: "Personal", kind: "personal", role: "owner" };
const team: Workspace = { id: "ws_team", name: "Acme", kind: "team", role: "viewer" };

function me(workspaces: Workspace[]): Me {
  return {
    user: { id: "u1", email: "a@example.com", name: "Ann", tier: "team", verified: true, created: "2026-01-01T00:00:00Z" },
    workspaces,
    promptCount: 0,
    promptLimit: null,
  };
}

const failedRun: DeadLetter = {
  id: "dl_1",
  workspaceId: "ws_me",
  jobId: 42,
  kind: "execution",
  payload: { executionId: "ex_9", workspaceId: "ws_me", requestId: "req-abc" },
  errors: [
    { attempt: 1, at: "2026-03-01T10:00:00Z", error: "upstream_failed: 503 overloaded" },
    { attempt: 2, at: "2026-03-01T10:00:05Z", error: "upstream_failed: 401 invalid api key" },
  ],
  attempts: 2,
  requestId: "req-abc",
  status: "open",
  createdAt: "2026-03-01T10:00:06Z",
  updatedAt: "2026-03-01T10:00:06Z",
};

const cleanup: DeadLetter = {
  ...failedRun,
  id: "dl_2",
  jobId: 43,
  kind: "account_cleanup",
  payload: { userId: "u7" },
  errors: [{ attempt: 3, at: "2026-03-02T10:00:00Z", error: "database is locked" }],
  attempts: 3,
  requestId: "",
  createdAt: "2026-03-02T10:00:01Z",
};

function page(items: DeadLetter[], total = items.length) {
  return { items, page: 1, perPage: 20, total };
}

function base64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

beforeEach(() => {
  getMeMock.mockReset();
  listMock.mockReset();
  requeueMock.mockReset();
  discardMock.mockReset();
  // A signed-in session: useMe only loads for one.
  const token = `${base64url({ alg: "HS256" })}.${base64url({ exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
  getPb().authStore.save(token, { id: "u1", collectionId: "users", collectionName: "users", email: "a@example.com", name: "Ann" });
});

afterEach(() => {
  getPb().authStore.clear();
});

function renderPage() {
  return renderWithClient(
    <>
      <DeadLetterSettings />
      <Toaster />
    </>,
  );
}

describe("DeadLetterSettings", () => {
  it("lists the open failed jobs of the personal workspace with their last error and a link to the run", async () => {
    getMeMock.mockResolvedValue(me([personal]));
    listMock.mockResolvedValue(page([failedRun, cleanup]));
    renderPage();

    const table = await screen.findByRole("table", { name: "Failed jobs" });
    expect(listMock).toHaveBeenCalledWith({ workspace: "ws_me", status: "open", page: 1, perPage: 20 }, expect.anything());
    const [, first, second, ...rest] = within(table).getAllByRole("row");
    if (!first || !second) throw new Error("expected two rows");
    expect(rest).toHaveLength(0);

    expect(within(first).getByText("execution")).toBeInTheDocument();
    expect(within(first).getByText("upstream_failed: 401 invalid api key")).toBeInTheDocument();
    expect(within(first).getByRole("link", { name: "Open run" })).toHaveAttribute("href", expect.stringMatching(/^\/history\/view\/?\?id=ex_9$/));
    expect(within(first).getByText("Open")).toBeInTheDocument();

    expect(within(second).getByText("account_cleanup")).toBeInTheDocument();
    expect(within(second).getByText("database is locked")).toBeInTheDocument();
    expect(within(second).queryByRole("link", { name: "Open run" })).not.toBeInTheDocument();
    expect(within(second).getByRole("button", { name: /^Requeue/ })).toBeInTheDocument();
  });

  it("says what the page is for when nothing failed", async () => {
    getMeMock.mockResolvedValue(me([personal]));
    listMock.mockResolvedValue(page([]));
    renderPage();

    expect(await screen.findByText("No failed jobs")).toBeInTheDocument();
    expect(screen.getByText("Background runs that fail for good show up here.")).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("tells a viewer the page is for admins when the API forbids the list", async () => {
    getMeMock.mockResolvedValue(me([personal, team]));
    listMock.mockImplementation((params) =>
      params?.workspace === "ws_team"
        ? Promise.reject(new ApiError({ status: 403, code: "forbidden", detail: "You may not manage this workspace." }))
        : Promise.resolve(page([failedRun])),
    );
    const user = userEvent.setup();
    renderPage();

    expect(await screen.findByRole("table", { name: "Failed jobs" })).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Workspace"), "ws_team");

    expect(await screen.findByText("Only workspace admins can see failed jobs")).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Status")).toBeDisabled();
  });

  it("filters by status and pages through the list", async () => {
    getMeMock.mockResolvedValue(me([personal]));
    listMock.mockImplementation((params) =>
      Promise.resolve({ ...page(params?.status === "discarded" ? [cleanup] : [failedRun], 45), page: params?.page ?? 1 }),
    );
    const user = userEvent.setup();
    renderPage();

    await screen.findByRole("table", { name: "Failed jobs" });
    await user.selectOptions(screen.getByLabelText("Status"), "discarded");
    expect(await screen.findByText("account_cleanup")).toBeInTheDocument();
    expect(listMock).toHaveBeenLastCalledWith({ workspace: "ws_me", status: "discarded", page: 1, perPage: 20 }, expect.anything());

    await user.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() =>
      expect(listMock).toHaveBeenLastCalledWith({ workspace: "ws_me", status: "discarded", page: 2, perPage: 20 }, expect.anything()),
    );
    expect(await screen.findByText("Page 2 of 3")).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Status"), "all");
    await waitFor(() =>
      expect(listMock).toHaveBeenLastCalledWith({ workspace: "ws_me", status: undefined, page: 1, perPage: 20 }, expect.anything()),
    );
  });

  it("opens a failed job to show its request id, errors by attempt and payload", async () => {
    getMeMock.mockResolvedValue(me([personal]));
    listMock.mockResolvedValue(page([failedRun]));
    const user = userEvent.setup();
    renderPage();

    await user.click(await screen.findByRole("button", { name: /^Details of the failed execution job/ }));
    const drawer = await screen.findByRole("dialog", { name: "Failed execution job" });
    expect(within(drawer).getByText("req-abc")).toBeInTheDocument();
    expect(within(drawer).getByText("#42")).toBeInTheDocument();
    const attempts = within(within(drawer).getByRole("list", { name: "Errors by attempt" })).getAllByRole("listitem");
    expect(attempts.map((li) => li.textContent)).toEqual([
      expect.stringMatching(/^Attempt 1.*upstream_failed: 503 overloaded$/),
      expect.stringMatching(/^Attempt 2.*upstream_failed: 401 invalid api key$/),
    ]);
    expect(JSON.parse(within(drawer).getByLabelText("Payload JSON").textContent ?? "")).toEqual(failedRun.payload);
    expect(within(drawer).getByRole("link", { name: "Open the run" })).toHaveAttribute("href", expect.stringMatching(/^\/history\/view\/?\?id=ex_9$/));
  });

  it("requeues from the drawer: calls the API, shows the new status, toasts and refreshes the list", async () => {
    getMeMock.mockResolvedValue(me([personal]));
    listMock.mockResolvedValueOnce(page([failedRun])).mockResolvedValue(page([]));
    requeueMock.mockResolvedValue({ ...failedRun, status: "requeued", updatedAt: "2026-03-03T00:00:00Z" });
    const user = userEvent.setup();
    renderPage();

    await user.click(await screen.findByRole("button", { name: /^Details of the failed execution job/ }));
    const drawer = await screen.findByRole("dialog", { name: "Failed execution job" });
    await user.click(within(drawer).getByRole("button", { name: "Requeue" }));

    expect(requeueMock).toHaveBeenCalledWith("dl_1");
    expect(await screen.findByText("Job requeued")).toBeInTheDocument();
    expect(within(drawer).getByText("Requeued")).toBeInTheDocument();
    expect(within(drawer).queryByRole("button", { name: "Requeue" })).not.toBeInTheDocument();
    await waitFor(() => expect(listMock).toHaveBeenCalledTimes(2));
  });

  it("shows the problem's detail when a requeue conflicts", async () => {
    getMeMock.mockResolvedValue(me([personal]));
    listMock.mockResolvedValue(page([failedRun]));
    requeueMock.mockRejectedValue(
      new ApiError({ status: 409, code: "conflict", detail: "The dead letter is already requeued." }),
    );
    const user = userEvent.setup();
    renderPage();

    await user.click(await screen.findByRole("button", { name: /^Requeue the failed execution job/ }));
    expect(await screen.findByText("Could not requeue the job")).toBeInTheDocument();
    expect(screen.getByText("The dead letter is already requeued.")).toBeInTheDocument();
    await waitFor(() => expect(listMock).toHaveBeenCalledTimes(2));
  });

  it("discards only after confirming, then refreshes the list", async () => {
    getMeMock.mockResolvedValue(me([personal]));
    listMock.mockResolvedValueOnce(page([failedRun])).mockResolvedValue(page([]));
    discardMock.mockResolvedValue({ ...failedRun, status: "discarded" });
    const user = userEvent.setup();
    renderPage();

    await user.click(await screen.findByRole("button", { name: /^Discard the failed execution job/ }));
    const confirm = await screen.findByRole("dialog", { name: "Discard this failed job?" });
    expect(discardMock).not.toHaveBeenCalled();
    await user.click(within(confirm).getByRole("button", { name: "Discard job" }));

    expect(discardMock).toHaveBeenCalledWith("dl_1");
    expect(await screen.findByText("Job discarded")).toBeInTheDocument();
    expect(await screen.findByText("No failed jobs")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
  });
});
