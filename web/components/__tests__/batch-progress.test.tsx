import { render, screen } from "@testing-library/react";

import { BatchProgress, batchPercent } from "@/components/batch-progress";
import type { Batch } from "@/lib/validations/batch";

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
    rows: 1000,
    total: 1000,
    succeeded: 600,
    failed: 25,
    cancelled: 0,
    running: 8,
    remaining: 375,
    inputTokens: 0,
    outputTokens: 0,
    costMicros: 12_345,
    createdBy: "u1",
    requestId: "",
    createdAt: "2026-01-01T00:00:00Z",
    startedAt: "2026-01-01T00:00:01Z",
    finishedAt: null,
    ...overrides,
  };
}

describe("BatchProgress", () => {
  it("shows the settled share on the bar and the done, failed, remaining and cost counters", () => {
    render(<BatchProgress batch={batch()} />);
    expect(screen.getByRole("progressbar", { name: "Batch progress" })).toHaveAttribute("aria-valuenow", "62");
    expect(screen.getByTestId("batch-percent")).toHaveTextContent("62%");
    expect(screen.getByText(/625 of 1,000 items settled, 8 running/)).toBeInTheDocument();
    const counter = (label: string) => document.querySelector(`[data-counter="${label}"]`);
    expect(counter("Done")).toHaveTextContent("600");
    expect(counter("Failed")).toHaveTextContent("25");
    expect(counter("Remaining")).toHaveTextContent("375");
    expect(counter("Cost so far")).toHaveTextContent("$0.0123");
  });

  it("reaches 100% when every item has settled, cancelled ones included", () => {
    expect(batchPercent(batch({ succeeded: 10, failed: 0, cancelled: 990, remaining: 0 }))).toBe(100);
    expect(batchPercent(batch({ remaining: 1 }))).toBe(99);
  });
});
