import "@testing-library/jest-dom";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Toaster } from "sonner";

import { JobQueueBars } from "@/components/job-queue-bars";
import { JobsConsole } from "@/components/jobs-console";
import { ApiError, cancelAdminJob, listAdminJobs, retryAdminJob } from "@/lib/api";
import { getPb } from "@/lib/pocketbase";
import { SUPERUSER_SESSION_KEY } from "@/lib/superuser-session";
import type { AdminJob, AdminJobList } from "@/lib/validations/job";
import { renderWithClient } from "@/test/render";

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return { ...actual, listAdminJobs: jest.fn(), retryAdminJob: jest.fn(), cancelAdminJob: jest.fn() };
});

const listMock = jest.mocked(listAdminJobs);
const retryMock = jest.mocked(retryAdminJob);
const cancelMock = jest.mocked(cancelAdminJob);

function base64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

const superToken = `${base64url({ alg: "HS256" })}.${base64url({ type: "auth", exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;

function storeSuperuserSession() {
  window.localStorage.setItem(
    SUPERUSER_SESSION_KEY,
    JSON.stringify({ token: superToken, record: { id: "su1", email: "root@example.com", collectionName: "_superusers" } }),
  );
}

const failedJob: AdminJob = {
  id: 17,
  kind: "execution",
  queue: "executions",
  state: "discarded",
  attempt: 3,
  maxAttempts: 3,
  args: { executionId: "ex_1", workspaceId: "ws_1", requestId: "req-1" },
  errors: [
    { attempt: 1, at: "2026-03-01T10:00:00Z", error: "upstream 503" },
    { attempt: 3, at: "2026-03-01T10:01:00Z", error: "upstream 401: invalid api key" },
  ],
  createdAt: "2026-03-01T09:59:59Z",
  scheduledAt: "2026-03-01T10:00:30Z",
  attemptedAt: "2026-03-01T10:01:00Z",
  finalizedAt: "2026-03-01T10:01:00Z",
};

const waitingJob: AdminJob = {
  ...failedJob,
  id: 18,
  kind: "account_cleanup",
  queue: "maintenance",
  state: "retryable",
  attempt: 2,
  maxAttempts: 5,
  args: { userId: "u9" },
  errors: [],
  attemptedAt: null,
  finalizedAt: null,
};

const answer: AdminJobList = {
  counts: [
    { queue: "executions", state: "completed", count: 6 },
    { queue: "executions", state: "discarded", count: 2 },
    { queue: "maintenance", state: "retryable", count: 1 },
  ],
  items: [failedJob, waitingJob],
};

beforeEach(() => {
  listMock.mockReset();
  retryMock.mockReset();
  cancelMock.mockReset();
});

afterEach(() => {
  window.localStorage.clear();
});

function renderConsole() {
  return renderWithClient(
    <>
      <JobsConsole />
      <Toaster />
    </>,
  );
}

describe("JobsConsole", () => {
  it("asks to sign in to the admin UI when no superuser session is stored, and calls nothing", async () => {
    renderConsole();

    expect(await screen.findByText("Sign in to the admin UI first")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Open the admin UI" })).toHaveAttribute("href", "/_/");
    expect(listMock).not.toHaveBeenCalled();
  });

  it("picks up a session stored meanwhile when Reload is pressed", async () => {
    listMock.mockResolvedValue(answer);
    const user = userEvent.setup();
    renderConsole();

    await user.click(await screen.findByRole("button", { name: "Reload" }));
    expect(screen.getByText("Sign in to the admin UI first")).toBeInTheDocument();

    storeSuperuserSession();
    await user.click(screen.getByRole("button", { name: "Reload" }));
    expect(await screen.findByRole("table", { name: "Jobs" })).toBeInTheDocument();
    expect(screen.getByText("root@example.com")).toBeInTheDocument();
  });

  it("never uses the user's own session", async () => {
    const userToken = `${base64url({ alg: "HS256" })}.${base64url({ exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
    getPb().authStore.save(userToken, { id: "u1", collectionId: "users", collectionName: "users", email: "a@example.com" });
    try {
      renderConsole();
      expect(await screen.findByText("Sign in to the admin UI first")).toBeInTheDocument();
      expect(listMock).not.toHaveBeenCalled();
    } finally {
      getPb().authStore.clear();
    }
  });

  it("falls back to the sign-in note when the server refuses the token", async () => {
    storeSuperuserSession();
    listMock.mockRejectedValue(new ApiError({ status: 403, code: "forbidden", detail: "Only superusers can see the job queues." }));
    renderConsole();

    expect(await screen.findByText("Sign in to the admin UI first")).toBeInTheDocument();
    expect(screen.getByText("Only superusers can see the job queues.")).toBeInTheDocument();
    expect(listMock).toHaveBeenCalledWith(superToken, expect.anything(), expect.anything());
  });

  it("lists jobs with state, attempts and per-queue counts, using the stored token", async () => {
    storeSuperuserSession();
    listMock.mockResolvedValue(answer);
    renderConsole();

    const table = await screen.findByRole("table", { name: "Jobs" });
    expect(listMock).toHaveBeenCalledWith(
      superToken,
      { state: undefined, kind: "", queue: "", limit: 50 },
      expect.anything(),
    );

    const failed = within(table).getByRole("row", { name: /execution/ });
    expect(within(failed).getByText("Discarded")).toBeInTheDocument();
    expect(within(failed).getByText("3/3")).toBeInTheDocument();
    expect(within(failed).getByRole("button", { name: "Retry job 17" })).toBeInTheDocument();
    expect(within(failed).queryByRole("button", { name: "Cancel job 17" })).not.toBeInTheDocument();

    const waiting = within(table).getByRole("row", { name: /account_cleanup/ });
    expect(within(waiting).getByText("Retryable")).toBeInTheDocument();
    expect(within(waiting).getByText("2/5")).toBeInTheDocument();
    expect(within(waiting).getByRole("button", { name: "Cancel job 18" })).toBeInTheDocument();

    expect(screen.getByRole("img", { name: "executions: 6 completed, 2 discarded" })).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "maintenance: 1 retryable" })).toBeInTheDocument();
  });

  it("opens a row to show the job's args and its errors by attempt", async () => {
    storeSuperuserSession();
    listMock.mockResolvedValue(answer);
    const user = userEvent.setup();
    renderConsole();

    await user.click(await screen.findByRole("button", { name: "Show details of job 17" }));
    const details = screen.getByRole("group", { name: "Details of job 17" });
    expect(JSON.parse(within(details).getByLabelText("Args of job 17").textContent ?? "")).toEqual(failedJob.args);
    const errors = within(within(details).getByRole("list", { name: "Errors of job 17" })).getAllByRole("listitem");
    expect(errors.map((e) => e.textContent)).toEqual([
      expect.stringMatching(/^Attempt 1.*upstream 503$/),
      expect.stringMatching(/^Attempt 3.*upstream 401: invalid api key$/),
    ]);

    await user.click(screen.getByRole("button", { name: "Hide details of job 17" }));
    expect(screen.queryByRole("group", { name: "Details of job 17" })).not.toBeInTheDocument();
  });

  it("filters by state at once and by kind on Apply", async () => {
    storeSuperuserSession();
    listMock.mockResolvedValue(answer);
    const user = userEvent.setup();
    renderConsole();

    await screen.findByRole("table", { name: "Jobs" });
    await user.selectOptions(screen.getByLabelText("State"), "discarded");
    await waitFor(() =>
      expect(listMock).toHaveBeenLastCalledWith(superToken, { state: "discarded", kind: "", queue: "", limit: 50 }, expect.anything()),
    );

    await user.type(screen.getByLabelText("Kind"), " execution ");
    await user.click(screen.getByRole("button", { name: "Apply" }));
    await waitFor(() =>
      expect(listMock).toHaveBeenLastCalledWith(
        superToken,
        { state: "discarded", kind: "execution", queue: "", limit: 50 },
        expect.anything(),
      ),
    );
  });

  it("retries and cancels with the superuser token, toasts and refreshes", async () => {
    storeSuperuserSession();
    listMock.mockResolvedValue(answer);
    retryMock.mockResolvedValue({ ...failedJob, state: "available" });
    cancelMock.mockResolvedValue({ ...waitingJob, state: "cancelled" });
    const user = userEvent.setup();
    renderConsole();

    await user.click(await screen.findByRole("button", { name: "Retry job 17" }));
    expect(retryMock).toHaveBeenCalledWith(superToken, 17);
    expect(await screen.findByText("Job 17 retried")).toBeInTheDocument();
    await waitFor(() => expect(listMock).toHaveBeenCalledTimes(2));

    await user.click(screen.getByRole("button", { name: "Cancel job 18" }));
    expect(cancelMock).toHaveBeenCalledWith(superToken, 18);
    expect(await screen.findByText("Job 18 cancelled")).toBeInTheDocument();
    await waitFor(() => expect(listMock).toHaveBeenCalledTimes(3));
  });

  it("refreshes every 5 s until auto-refresh is turned off", async () => {
    jest.useFakeTimers();
    try {
      storeSuperuserSession();
      listMock.mockResolvedValue(answer);
      const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
      renderConsole();

      await screen.findByRole("table", { name: "Jobs" });
      expect(listMock).toHaveBeenCalledTimes(1);
      await act(async () => {
        await jest.advanceTimersByTimeAsync(5_000);
      });
      expect(listMock).toHaveBeenCalledTimes(2);

      await user.click(screen.getByRole("checkbox", { name: "Auto-refresh every 5 s" }));
      await act(async () => {
        await jest.advanceTimersByTimeAsync(15_000);
      });
      expect(listMock).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe("JobQueueBars", () => {
  it("draws one bar per queue, its states stacked in lifecycle order with widths by share", () => {
    render(
      <JobQueueBars
        counts={[
          { queue: "executions", state: "completed", count: 3 },
          { queue: "executions", state: "running", count: 1 },
          { queue: "default", state: "available", count: 2 },
          { queue: "default", state: "cancelled", count: 0 },
        ]}
      />,
    );

    const queues = within(screen.getByRole("list", { name: "Jobs by queue and state" })).getAllByRole("listitem", {
      name: /^Queue /,
    });
    expect(queues.map((q) => q.getAttribute("aria-label"))).toEqual(["Queue default", "Queue executions"]);

    const executions = screen.getByRole("img", { name: "executions: 1 running, 3 completed" });
    const segments = [...executions.querySelectorAll<HTMLElement>("[data-state]")];
    expect(segments.map((s) => [s.dataset.state, s.style.width])).toEqual([
      ["running", "25%"],
      ["completed", "75%"],
    ]);
    const onlyAvailable = screen.getByRole("img", { name: "default: 2 available" });
    expect([...onlyAvailable.querySelectorAll<HTMLElement>("[data-state]")].map((s) => s.style.width)).toEqual(["100%"]);
  });

  it("says so when no queue holds a job", () => {
    render(<JobQueueBars counts={[]} />);
    expect(screen.getByText("No jobs in any queue.")).toBeInTheDocument();
  });
});
