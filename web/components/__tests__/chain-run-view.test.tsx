import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ChainRunView } from "@/components/chain-run-view";
import { cancelChainRun, getChainRun, getPrompt } from "@/lib/api";
import type { ChainRun, ChainRunStep } from "@/lib/validations/chain";
import { renderWithClient } from "@/test/render";

jest.mock("next/navigation", () => ({
  useRouter: () => ({ replace: jest.fn(), push: jest.fn() }),
  useSearchParams: () => new URLSearchParams("id=run1"),
}));

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return { ...actual, getChainRun: jest.fn(), cancelChainRun: jest.fn(), getPrompt: jest.fn() };
});

const getRunMock = jest.mocked(getChainRun);
const cancelMock = jest.mocked(cancelChainRun);
const getPromptMock = jest.mocked(getPrompt);

function step(position: number, overrides: Partial<ChainRunStep> = {}): ChainRunStep {
  return {
    position,
    promptId: `p${position}`,
    promptVersion: 1,
    model: "openai:gpt-4o-mini",
    bindings: position === 1 ? { topic: { input: "topic" } } : { text: { step: position - 1 } },
    status: "pending",
    output: null,
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

function run(overrides: Partial<ChainRun> = {}): ChainRun {
  return {
    id: "run1",
    chainId: "c1",
    workspaceId: "ws",
    status: "running",
    inputs: { topic: "rivers" },
    currentStep: 1,
    stepCount: 3,
    errorStep: null,
    createdBy: "u1",
    requestId: "req",
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    finishedAt: null,
    steps: [step(1, { status: "running", executionId: "x1" }), step(2), step(3)],
    ...overrides,
  };
}

beforeEach(() => {
  getRunMock.mockReset();
  cancelMock.mockReset();
  getPromptMock.mockReset().mockRejectedValue(new Error("not needed"));
});

describe("ChainRunView", () => {
  it("follows a run step by step until it has finished", async () => {
    getRunMock
      .mockResolvedValueOnce(run())
      .mockResolvedValueOnce(
        run({
          currentStep: 2,
          steps: [
            step(1, { status: "succeeded", output: "Echo: Outline rivers", executionId: "x1" }),
            step(2, { status: "running", executionId: "x2" }),
            step(3),
          ],
        }),
      )
      .mockResolvedValue(
        run({
          status: "succeeded",
          currentStep: 3,
          finishedAt: "2026-01-01T00:00:05Z",
          steps: [
            step(1, { status: "succeeded", output: "Echo: Outline rivers", executionId: "x1" }),
            step(2, { status: "succeeded", output: "Echo: Draft it", executionId: "x2" }),
            step(3, { status: "succeeded", output: "**Done**", executionId: "x3" }),
          ],
        }),
      );
    renderWithClient(<ChainRunView />);

    const first = await screen.findByRole("region", { name: "Step 1" });
    expect(within(first).getByTestId("step-status")).toHaveTextContent("Running");
    expect(screen.getByRole("button", { name: "Cancel run" })).toBeInTheDocument();
    expect(within(first).getByRole("list", { name: "Bindings" })).toHaveTextContent("{{topic}} ← input topic");

    // The view reads the run again while it is under way.
    await waitFor(() => expect(within(first).getByTestId("step-output")).toHaveTextContent("Echo: Outline rivers"), { timeout: 3000 });
    await waitFor(() => expect(screen.getByTestId("run-status")).toHaveTextContent("Succeeded"), { timeout: 3000 });
    const third = screen.getByRole("region", { name: "Step 3" });
    // Outputs go through the Markdown view (a stand-in in Jest that shows the source).
    expect(within(third).getByTestId("markdown")).toHaveTextContent("**Done**");
    expect(within(third).getByRole("link", { name: "Open the execution of step 3" })).toHaveAttribute("href", expect.stringMatching(/^\/history\/view\/?\?id=x3$/));
    expect(screen.queryByRole("button", { name: "Cancel run" })).toBeNull();

    // Finished: no more reads.
    const calls = getRunMock.mock.calls.length;
    await new Promise((r) => setTimeout(r, 1300));
    expect(getRunMock.mock.calls.length).toBe(calls);
  });

  it("names the failed step and its error; later steps never ran", async () => {
    getRunMock.mockResolvedValue(
      run({
        status: "failed",
        currentStep: 2,
        errorStep: 2,
        errorCode: "provider_auth",
        errorMessage: "The provider refused the API key.",
        finishedAt: "2026-01-01T00:00:05Z",
        steps: [
          step(1, { status: "succeeded", output: "Echo: Outline rivers", executionId: "x1" }),
          step(2, { status: "failed", errorCode: "provider_auth", errorMessage: "The provider refused the API key.", executionId: "x2" }),
          step(3, { status: "cancelled" }),
        ],
      }),
    );
    renderWithClient(<ChainRunView />);

    expect(await screen.findByText("The run failed at step 2")).toBeInTheDocument();
    const second = screen.getByRole("region", { name: "Step 2" });
    expect(within(second).getByText("Step 2 failed (provider_auth)")).toBeInTheDocument();
    expect(within(second).getByText("The provider refused the API key.")).toBeInTheDocument();
    const third = screen.getByRole("region", { name: "Step 3" });
    expect(within(third).getByTestId("step-status")).toHaveTextContent("Cancelled");
    expect(within(third).queryByTestId("step-output")).toBeNull();
    expect(within(third).queryByRole("link", { name: /Open the execution/ })).toBeNull();
  });

  it("cancels a run under way", async () => {
    getRunMock.mockResolvedValue(run());
    cancelMock.mockResolvedValue(
      run({ status: "cancelled", steps: [step(1, { status: "cancelled", executionId: "x1" }), step(2, { status: "cancelled" }), step(3, { status: "cancelled" })] }),
    );
    const user = userEvent.setup();
    renderWithClient(<ChainRunView />);
    await user.click(await screen.findByRole("button", { name: "Cancel run" }));
    expect(cancelMock).toHaveBeenCalledWith("run1");
    await waitFor(() => expect(screen.getByTestId("run-status")).toHaveTextContent("Cancelled"));
    expect(screen.queryByRole("button", { name: "Cancel run" })).toBeNull();
  });
});
