import "@testing-library/jest-dom";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Toaster } from "sonner";

import { ExecutionDetail } from "@/components/execution-detail";
import { ApiError, cancelExecution, getExecution, getPrompt } from "@/lib/api";
import type { Execution } from "@/lib/validations/execution";
import { renderWithClient } from "@/test/render";

jest.mock("next/navigation", () => ({
  useRouter: () => ({ replace: jest.fn(), push: jest.fn() }),
  useSearchParams: () => new URLSearchParams("id=ex_1"),
}));

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return { ...actual, getExecution: jest.fn(), getPrompt: jest.fn(), cancelExecution: jest.fn() };
});

const getMock = jest.mocked(getExecution);
const cancelMock = jest.mocked(cancelExecution);

const running: Execution = {
  id: "ex_1",
  workspaceId: "ws_1",
  userId: "u1",
  promptId: "p_1",
  promptVersion: 1,
  model: "openai:gpt-4o-mini",
  provider: "openai",
  credentialId: "c1",
  variables: {},
  params: {},
  status: "running",
  attempts: 1,
  ttftMs: null,
  latencyMs: null,
  usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 },
  costMicros: 0,
  responseText: "",
  requestId: "req-1",
  createdAt: "2026-03-01T10:00:00Z",
  finishedAt: null,
};

const cancelled: Execution = {
  ...running,
  status: "cancelled",
  errorCode: "cancelled",
  errorMessage: "The run was cancelled.",
  finishedAt: "2026-03-01T10:00:03Z",
};

beforeEach(() => {
  getMock.mockReset();
  cancelMock.mockReset();
  jest.mocked(getPrompt).mockRejectedValue(new ApiError({ status: 404, code: "not_found" }));
});

function renderDetail() {
  return renderWithClient(
    <>
      <ExecutionDetail />
      <Toaster />
    </>,
  );
}

describe("ExecutionDetail cancel", () => {
  it("cancels a running run and shows it cancelled", async () => {
    getMock.mockResolvedValueOnce(running).mockResolvedValue(cancelled);
    cancelMock.mockResolvedValue(cancelled);
    const user = userEvent.setup();
    renderDetail();

    const toolbar = await screen.findByRole("toolbar", { name: "Run actions" });
    await user.click(within(toolbar).getByRole("button", { name: "Cancel run" }));

    expect(cancelMock).toHaveBeenCalledWith("ex_1");
    expect(await screen.findByText("Run cancelled")).toBeInTheDocument();
    expect(await screen.findByText("The run was cancelled.")).toBeInTheDocument();
    await waitFor(() => expect(within(toolbar).queryByRole("button", { name: "Cancel run" })).not.toBeInTheDocument());
  });

  it("offers no cancel once a run has ended", async () => {
    getMock.mockResolvedValue({ ...running, status: "succeeded", finishedAt: "2026-03-01T10:00:02Z" });
    renderDetail();

    const toolbar = await screen.findByRole("toolbar", { name: "Run actions" });
    expect(within(toolbar).getByRole("button", { name: "Re-run" })).toBeInTheDocument();
    expect(within(toolbar).queryByRole("button", { name: "Cancel run" })).not.toBeInTheDocument();
  });

  it("shows the conflict's detail when the run ended meanwhile", async () => {
    getMock.mockResolvedValue(running);
    cancelMock.mockRejectedValue(new ApiError({ status: 409, code: "conflict", detail: "The execution is not running." }));
    const user = userEvent.setup();
    renderDetail();

    await user.click(await screen.findByRole("button", { name: "Cancel run" }));
    expect(await screen.findByText("Could not cancel the run")).toBeInTheDocument();
    expect(screen.getByText("The execution is not running.")).toBeInTheDocument();
  });
});
