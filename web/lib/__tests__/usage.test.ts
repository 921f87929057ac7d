import {
  dashboardFiltersToQuery,
  dashboardUsageParams,
  defaultDashboardFilters,
  formatPercent,
  parseDashboardFilters,
  rangeBounds,
} from "@/lib/usage";

describe("dashboard filters", () => {
  it("round-trip through the query string, leaving defaults out", () => {
    const f = { ...defaultDashboardFilters, range: "custom" as const, from: "2026-03-01", to: "2026-03-07", prompt: "p1", model: "openai:gpt-4o", key: "k1" };
    const qs = dashboardFiltersToQuery(f);
    expect(qs).toBe("?range=custom&from=2026-03-01&to=2026-03-07&prompt=p1&model=openai%3Agpt-4o&key=k1");
    expect(parseDashboardFilters(new URLSearchParams(qs.slice(1)))).toEqual(f);
    expect(dashboardFiltersToQuery(defaultDashboardFilters)).toBe("");
  });

  it("fall back to the defaults for unknown values", () => {
    const f = parseDashboardFilters(new URLSearchParams("range=1y&from=yesterday&to=2026-13"));
    expect(f.range).toBe("7d");
    expect(f.from).toBe("");
    expect(f.to).toBe("");
  });

  it("leave custom dates out of a preset's query", () => {
    expect(dashboardFiltersToQuery({ ...defaultDashboardFilters, range: "30d", from: "2026-03-01" })).toBe("?range=30d");
  });
});

describe("rangeBounds", () => {
  const now = new Date("2026-03-20T12:34:56Z");

  it("starts a preset a whole hour back and ends it now", () => {
    expect(rangeBounds("24h", { from: "", to: "" }, now)).toEqual({ from: "2026-03-19T12:00:00.000Z" });
    expect(rangeBounds("7d", { from: "", to: "" }, now)).toEqual({ from: "2026-03-13T12:00:00.000Z" });
    expect(rangeBounds("30d", { from: "", to: "" }, now)).toEqual({ from: "2026-02-18T12:00:00.000Z" });
  });

  it("runs a custom range from its first local day to the end of its last", () => {
    const b = rangeBounds("custom", { from: "2026-03-01", to: "2026-03-07" }, now);
    expect(new Date(b.from).getTime()).toBe(new Date(2026, 2, 1).getTime());
    expect(new Date(b.to ?? "").getTime()).toBe(new Date(2026, 2, 8).getTime());
  });

  it("makes the request parameters of the dashboard's state", () => {
    const p = dashboardUsageParams({ ...defaultDashboardFilters, range: "24h", model: "openai:gpt-4o" }, "ws1", now, "Europe/Paris");
    expect(p).toEqual({
      workspace: "ws1",
      from: "2026-03-19T12:00:00.000Z",
      to: undefined,
      tz: "Europe/Paris",
      prompt: undefined,
      model: "openai:gpt-4o",
      key: undefined,
    });
  });
});

describe("formatPercent", () => {
  it.each([
    [1, "100%"],
    [0.975, "97.5%"],
    [2 / 3, "66.7%"],
    [0, "0%"],
    [null, "—"],
  ])("%s is %s", (share, want) => {
    expect(formatPercent(share)).toBe(want);
  });
});
