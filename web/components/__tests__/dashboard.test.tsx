import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { Dashboard } from "@/components/dashboard";
import { getMe, getUsageBreakdown, getUsageErrors, getUsageSeries, getUsageSummary } from "@/lib/api";
import { getPb } from "@/lib/pocketbase";
import type { BreakdownBy } from "@/lib/validations/usage";
import { renderWithClient } from "@/test/render";
import { breakdownItem, fakeToken, usageStats, weekRange } from "@/test/usage-fixtures";

const replace = jest.fn();
let search = "";
jest.mock("next/navigation", () => ({
  useRouter: () => ({ replace, push: jest.fn() }),
  usePathname: () => "/dashboard/",
  useSearchParams: () => new URLSearchParams(search),
}));

// The API module is the network edge: everything else is the real code.
jest.mock("@/lib/api", () => {
  const actual = jest.requireActual<typeof import("@/lib/api")>("@/lib/api");
  return {
    ...actual,
    getMe: jest.fn(),
    getUsageSummary: jest.fn(),
    getUsageSeries: jest.fn(),
    getUsageBreakdown: jest.fn(),
    getUsageErrors: jest.fn(),
  };
});

const totals = usageStats({
  executions: 10, succeeded: 8, failed: 1, timedOut: 1, successRate: 0.8, inputTokens: 1000, outputTokens: 500,
  totalTokens: 1500, costMicros: 42_000,
  latencyMs: { count: 10, avg: 900, p50: 850, p95: 2100 }, ttftMs: { count: 8, avg: 300, p50: 280, p95: 610 },
});

const byModel = [
  breakdownItem("openai:gpt-4o-mini", "GPT-4o mini", { executions: 7, succeeded: 6, failed: 1, successRate: 6 / 7, costMicros: 12_000, totalTokens: 900, latencyMs: { count: 7, avg: 700, p50: 650, p95: 1200 }, ttftMs: { count: 6, avg: 200, p50: 190, p95: 400 } }),
  breakdownItem("anthropic:claude-haiku-4-5", "Claude Haiku 4.5", { executions: 3, succeeded: 2, timedOut: 1, successRate: 2 / 3, costMicros: 30_000, totalTokens: 600, latencyMs: { count: 3, avg: 1300, p50: 1250, p95: 2100 }, ttftMs: { count: 2, avg: 500, p50: 480, p95: 610 } }),
];
const groups: Record<BreakdownBy, ReturnType<typeof breakdownItem>[]> = {
  model: byModel,
  provider: [
    { ...breakdownItem("anthropic", "Anthropic", { executions: 3, costMicros: 30_000, totalTokens: 600 }), provider: "anthropic" },
    { ...breakdownItem("openai", "OpenAI", { executions: 7, costMicros: 12_000, totalTokens: 900 }), provider: "openai" },
  ],
  prompt: [breakdownItem("p1", "Greeter", { executions: 10, succeeded: 8, successRate: 0.8, costMicros: 42_000 })],
  key: [breakdownItem("c1", "Production", { executions: 10 })],
  version: [],
};

beforeEach(() => {
  search = "";
  replace.mockReset();
  getPb().authStore.save(fakeToken(), { id: "u1", collectionId: "users", collectionName: "users", email: "a@example.com", name: "Ann" });
  jest.mocked(getMe).mockResolvedValue({
    user: { id: "u1", email: "a@example.com", name: "Ann", tier: "power", verified: true, created: "2026-01-01T00:00:00Z" },
    workspaces: [{ id: "ws1", name: "Personal", kind: "personal", role: "owner" }],
    promptCount: 1,
    promptLimit: null,
  });
  jest.mocked(getUsageSummary).mockResolvedValue({ range: weekRange, totals });
  jest.mocked(getUsageSeries).mockResolvedValue({
    range: weekRange,
    interval: "day",
    buckets: [
      { ...usageStats({ executions: 6, succeeded: 5, failed: 1, costMicros: 20_000 }), start: "2026-03-19T00:00:00Z", date: "2026-03-19" },
      { ...usageStats({ executions: 4, succeeded: 3, timedOut: 1, costMicros: 22_000 }), start: "2026-03-20T00:00:00Z", date: "2026-03-20" },
    ],
  });
  jest.mocked(getUsageBreakdown).mockImplementation(async (p) => ({ range: weekRange, by: p.by, items: groups[p.by], totalGroups: groups[p.by].length }));
  jest.mocked(getUsageErrors).mockResolvedValue({ range: weekRange, items: [{ code: "provider_rate_limited", executions: 1 }, { code: "timeout", executions: 1 }], failures: 2 });
});

afterEach(() => getPb().authStore.clear());

describe("Dashboard", () => {
  it("shows the totals, the charts and the tables behind them", async () => {
    renderWithClient(<Dashboard />);
    const cards = await screen.findByLabelText("Totals of the range");
    expect(within(cards).getByText("10")).toBeInTheDocument();
    expect(within(cards).getByText("80%")).toBeInTheDocument();
    expect(within(cards).getByText("$0.042")).toBeInTheDocument();
    expect(within(cards).getByText("850 ms / 2.1 s")).toBeInTheDocument();

    // The trend chart draws the series' buckets by status.
    const trend = await screen.findByRole("img", { name: "Execution trend" });
    const drawn = JSON.parse((await within(trend).findByTestId("vchart")).textContent ?? "[]") as { status: string; executions: number }[];
    expect(drawn.reduce((n, d) => n + d.executions, 0)).toBe(10);
    expect(drawn.filter((d) => d.status === "Failed").map((d) => d.executions)).toEqual([1, 0]);

    // Performance: the bars and the table hold the same percentiles.
    const perf = screen.getByRole("region", { name: "Performance" });
    const bars = JSON.parse((await within(perf).findByTestId("vchart")).textContent ?? "[]") as { group: string; measure: string; ms: number }[];
    expect(bars).toContainEqual({ group: "Claude Haiku 4.5", measure: "Latency p95", ms: 2100 });
    const haiku = within(perf).getByRole("rowheader", { name: /Claude Haiku 4.5/ }).closest("tr")!;
    expect(within(haiku).getByText("1.25 s / 2.1 s")).toBeInTheDocument();
    expect(within(haiku).getByText("66.7%")).toBeInTheDocument();

    // Success rate and the top error codes.
    const success = screen.getByRole("region", { name: "Success rate" });
    expect(within(success).getByTestId("success-rate")).toHaveTextContent("80%");
    expect(await within(success).findByRole("rowheader", { name: "provider_rate_limited" })).toBeInTheDocument();

    // Active prompts and cost by model and provider.
    const active = screen.getByRole("region", { name: "Active prompts" });
    expect(within(active).getByRole("link", { name: "Greeter" })).toHaveAttribute("href", expect.stringMatching(/^\/prompts\/view\/?\?id=p1$/));
    const cost = screen.getByRole("region", { name: "Cost" });
    const byProvider = within(cost).getByRole("table", { name: "Cost by provider" });
    expect(within(byProvider).getByRole("rowheader", { name: "Anthropic" }).closest("tr")).toHaveTextContent("$0.03");
  });

  it("asks for the chosen range and filters, and keeps them in the URL", async () => {
    const user = userEvent.setup();
    search = "range=24h&model=openai%3Agpt-4o-mini";
    renderWithClient(<Dashboard />);
    await screen.findByRole("img", { name: "Execution trend" });
    const asked = jest.mocked(getUsageSummary).mock.calls.at(-1)![0];
    expect(asked.model).toBe("openai:gpt-4o-mini");
    expect(asked.workspace).toBe("ws1");
    expect(Date.now() - new Date(asked.from!).getTime()).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(Date.now() - new Date(asked.from!).getTime()).toBeLessThan(25 * 3_600_000);

    await user.selectOptions(screen.getByLabelText("Range"), "30d");
    expect(replace).toHaveBeenLastCalledWith("/dashboard/?range=30d&model=openai%3Agpt-4o-mini", { scroll: false });
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    // The mocked router does not move, so the URL still says 24 hours.
    expect(replace).toHaveBeenLastCalledWith("/dashboard/?range=24h", { scroll: false });
  });

  it("shows an empty state when nothing ran, and says when the plan shortened the range", async () => {
    jest.mocked(getUsageSummary).mockResolvedValue({
      range: { ...weekRange, clampedFrom: "2026-02-18T12:00:00Z", historyDays: 7 },
      totals: usageStats(),
    });
    renderWithClient(<Dashboard />);
    expect(await screen.findByText("No runs in this range")).toBeInTheDocument();
    expect(screen.getByText("Showing the last 7 days")).toBeInTheDocument();
    expect(screen.queryByRole("img", { name: "Execution trend" })).not.toBeInTheDocument();
  });
});
