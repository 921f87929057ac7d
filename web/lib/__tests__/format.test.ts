import { formatCost, formatDuration } from "@/lib/format";

describe("formatCost", () => {
  it.each([
    [0, "$0"],
    [1, "$0.000001"],
    [123, "$0.000123"],
    [4_200, "$0.0042"],
    [9_999, "$0.009999"],
    [10_000, "$0.01"],
    [1_250_000, "$1.25"],
    [1_234_567, "$1.2346"],
    [12_000_000_000, "$12,000.00"],
    [-123, "-$0.000123"],
  ])("formats %d micro-dollars as %s", (micros, text) => {
    expect(formatCost(micros)).toBe(text);
  });
});

describe("formatDuration", () => {
  it("shows milliseconds under a second and seconds above", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(1250)).toBe("1.25 s");
  });
});
