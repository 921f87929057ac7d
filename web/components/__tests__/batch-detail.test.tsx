import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { BatchDetail } from "@/components/batch-detail";
import { cancelBatch, fetchBatchResults, followBatch, getBatch, getPrompt, listBatchItems } from "@/lib/api";
import type { Batch } from "@/lib/validations/batch";
import { renderWithClient } from "@/test/render";

jest.mock("next/navigation", () => ({
  useRouter: () => ({ push: jest.fn(), replace: jest.fn() }),
  useSearchParams: () => new URLSearchParams("id=b1"),
}));

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return {
    ...actual,
    getBatch: jest.fn(),
    followBatch: jest.fn(),
    cancelBatch: jest.fn(),
    listBatchItems: jest.fn(),
    getPrompt: jest.fn(),
    fetchBatchResults: jest.fn(),
  };
});

function batch(overrides: Partial<Batch> = {}): Batch {
  return {
    id: "b1",
    workspaceId: "ws",
    promptId: "p1",
    promptVersion: null,
    models: ["openai:gpt-4o-mini"],
    credentials: {},
    variableNames: ["name"],
    params: {},
    status: "running",
    rows: 4,
    total: 4,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    running: 2,
    remaining: 4,
    inputTokens: 0,
    outputTokens: 0,
    costMicros: 0,
    createdBy: "u1",
    requestId: "",
    createdAt: "2026-01-01T00:00:00Z",
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

beforeEach(() => {
  jest.mocked(getBatch).mockReset().mockResolvedValue(batch());
  jest.mocked(getPrompt).mockReset().mockRejectedValue(new Error("not needed"));
  jest.mocked(listBatchItems).mockReset().mockResolvedValue({
    items: [
      {
        id: "i1",
        batchId: "b1",
        row: 1,
        model: "openai:gpt-4o-mini",
        variables: { name: "Ada" },
        status: "succeeded",
        executionId: "x1",
        finishedAt: "2026-01-01T00:00:02Z",
        responseText: "Echo: Ada",
        usage: { inputTokens: 3, outputTokens: 2, cachedInputTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0 },
        costMicros: 5,
        latencyMs: 12,
        attempts: 1,
      },
    ],
    page: 1,
    perPage: 20,
    total: 1,
  });
  jest.mocked(cancelBatch).mockReset();
  jest.mocked(followBatch).mockReset();
  jest.mocked(fetchBatchResults).mockReset();
});

describe("BatchDetail", () => {
  it("moves the progress bar and counters with the progress stream until the batch is done", async () => {
    let push: ((b: Batch) => void) | undefined;
    let finish: ((b: Batch) => void) | undefined;
    jest.mocked(followBatch).mockImplementation((_id, { onProgress }) => {
      push = onProgress;
      return new Promise((resolve) => (finish = resolve));
    });
    renderWithClient(<BatchDetail />);
    expect(await screen.findByRole("heading", { name: "Batch of 4 rows" })).toBeInTheDocument();
    await waitFor(() => expect(followBatch).toHaveBeenCalledWith("b1", expect.anything()));
    expect(screen.getByRole("progressbar", { name: "Batch progress" })).toHaveAttribute("aria-valuenow", "0");

    push?.(batch({ succeeded: 2, failed: 1, remaining: 1, costMicros: 30 }));
    await waitFor(() => expect(screen.getByRole("progressbar", { name: "Batch progress" })).toHaveAttribute("aria-valuenow", "75"));
    expect(document.querySelector('[data-counter="Failed"]')).toHaveTextContent("1");
    expect(document.querySelector('[data-counter="Cost so far"]')).toHaveTextContent("$0.00003");

    const done = batch({ status: "completed_with_failures", succeeded: 3, failed: 1, remaining: 0, finishedAt: "2026-01-01T00:00:09Z" });
    push?.(done);
    finish?.(done);
    await waitFor(() => expect(screen.getByTestId("batch-percent")).toHaveTextContent("100%"));
    expect(screen.getByText("Completed with failures")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Cancel batch" })).not.toBeInTheDocument();
    expect(screen.getByRole("table", { name: "Batch rows" })).toHaveTextContent("Echo: Ada");
  });

  it("cancels after confirming", async () => {
    const user = userEvent.setup();
    jest.mocked(followBatch).mockImplementation(() => new Promise(() => undefined));
    jest.mocked(cancelBatch).mockResolvedValue(batch({ status: "cancelled", cancelled: 4, remaining: 0 }));
    renderWithClient(<BatchDetail />);
    await user.click(await screen.findByRole("button", { name: "Cancel batch" }));
    const dialog = screen.getByRole("dialog", { name: "Cancel this batch?" });
    await user.click(within(dialog).getByRole("button", { name: "Cancel batch" }));
    await waitFor(() => expect(cancelBatch).toHaveBeenCalledWith("b1"));
  });
});
