import { screen, within } from "@testing-library/react";

import { KeyUsageCard } from "@/components/key-usage-card";
import { RecentExecutionsCard } from "@/components/recent-executions-card";
import { getKeyUsage, listRecentExecutions } from "@/lib/api";
import { renderWithClient } from "@/test/render";
import { weekRange } from "@/test/usage-fixtures";

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return { ...actual, getKeyUsage: jest.fn(), listRecentExecutions: jest.fn() };
});

const keysMock = jest.mocked(getKeyUsage);
const recentMock = jest.mocked(listRecentExecutions);

beforeEach(() => {
  keysMock.mockReset();
  recentMock.mockReset();
});

describe("KeyUsageCard", () => {
  it("lists each key's runs, tokens and cost this month with a trend", async () => {
    keysMock.mockResolvedValue({
      range: weekRange,
      items: [
        {
          credentialId: "c1", label: "Production", provider: "openai", deleted: false, executions: 1234, inputTokens: 90_000,
          outputTokens: 10_000, totalTokens: 100_000, costMicros: 2_500_000,
          trend: [
            { date: "2026-03-01", executions: 1000, costMicros: 2_000_000 },
            { date: "2026-03-02", executions: 234, costMicros: 500_000 },
          ],
        },
        {
          credentialId: "c2", label: "Deleted key", provider: "anthropic", deleted: true, executions: 3, inputTokens: 30,
          outputTokens: 6, totalTokens: 36, costMicros: 42, trend: [],
        },
      ],
    });
    renderWithClient(<KeyUsageCard workspaceId="ws1" tz="Europe/Paris" />);
    const row = (await screen.findByRole("rowheader", { name: /Production/ })).closest("tr")!;
    expect(within(row).getByText("1,234")).toBeInTheDocument();
    expect(within(row).getByText("100,000")).toBeInTheDocument();
    expect(within(row).getByText("$2.50")).toBeInTheDocument();
    expect(within(row).getByRole("img", { name: "Runs per day with Production" })).toBeInTheDocument();
    const gone = screen.getByRole("rowheader", { name: /Deleted key/ }).closest("tr")!;
    expect(within(gone).getByText("deleted")).toBeInTheDocument();
    expect(keysMock).toHaveBeenCalledWith({ workspace: "ws1", tz: "Europe/Paris" }, expect.anything());
  });

  it("invites to add a key when there is none", async () => {
    keysMock.mockResolvedValue({ range: weekRange, items: [] });
    renderWithClient(<KeyUsageCard workspaceId="ws1" tz="UTC" />);
    expect(await screen.findByText("No API keys yet")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Add a key" })).toHaveAttribute("href", expect.stringMatching(/^\/settings\/keys\/?$/));
  });

  it("says so when the Free plan shortens the month", async () => {
    keysMock.mockResolvedValue({ range: { ...weekRange, clampedFrom: "2026-03-01T00:00:00Z", historyDays: 7 }, items: [] });
    renderWithClient(<KeyUsageCard workspaceId="ws1" tz="UTC" />);
    expect(await screen.findByText(/in the last 7 days \(Free plan\)/)).toBeInTheDocument();
  });
});

describe("RecentExecutionsCard", () => {
  it("lists the latest runs, each opening its detail", async () => {
    recentMock.mockResolvedValue({
      items: [
        {
          id: "x1", promptId: "p1", promptTitle: "Greeter", promptVersion: 2, model: "openai:gpt-4o-mini", provider: "openai",
          credentialId: "c1", status: "succeeded", inputTokens: 10, outputTokens: 5, costMicros: 123, latencyMs: 800,
          createdAt: new Date().toISOString(),
        },
        {
          id: "x2", promptId: "gone", promptTitle: "", promptVersion: null, model: "anthropic:claude-haiku-4-5", provider: "anthropic",
          credentialId: "c2", status: "failed", errorCode: "provider_auth", inputTokens: 0, outputTokens: 0, costMicros: 0,
          latencyMs: 90, createdAt: new Date().toISOString(),
        },
      ],
    });
    renderWithClient(<RecentExecutionsCard workspaceId="ws1" />);
    const link = await screen.findByRole("link", { name: "Open run of Greeter on openai:gpt-4o-mini" });
    expect(link).toHaveAttribute("href", expect.stringMatching(/^\/history\/view\/?\?id=x1$/));
    const row = link.closest("tr")!;
    expect(within(row).getByText("Succeeded")).toBeInTheDocument();
    expect(within(row).getByText("$0.000123")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /deleted prompt/ })).toHaveAttribute("href", expect.stringMatching(/^\/history\/view\/?\?id=x2$/));
    expect(recentMock).toHaveBeenCalledWith({ workspace: "ws1", limit: 5 }, expect.anything());
  });

  it("says when there are no runs yet", async () => {
    recentMock.mockResolvedValue({ items: [] });
    renderWithClient(<RecentExecutionsCard workspaceId="ws1" />);
    expect(await screen.findByText("No runs yet")).toBeInTheDocument();
  });
});
