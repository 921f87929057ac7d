import { render, screen } from "@testing-library/react";

import { Sparkline, sparklinePoints } from "@/components/sparkline";

describe("sparklinePoints", () => {
  it("scales the highest value to the top and 0 to the bottom, left to right", () => {
    // width 12, height 10: x from 1 to 11 in steps of 5; y from 9 (0) to 1 (max).
    expect(sparklinePoints([0, 2, 4], 12, 10)).toBe("1.0,9.0 6.0,5.0 11.0,1.0");
  });

  it("draws all zeros as a flat line at the bottom without dividing by zero", () => {
    expect(sparklinePoints([0, 0, 0], 12, 10)).toBe("1.0,9.0 6.0,9.0 11.0,9.0");
  });

  it("draws a single value as one point and nothing for no values", () => {
    expect(sparklinePoints([3], 12, 10)).toBe("1.0,1.0");
    expect(sparklinePoints([], 12, 10)).toBe("");
  });
});

describe("Sparkline", () => {
  it("is an image named by its label, with one line", () => {
    render(<Sparkline values={[1, 0, 3]} label="4 runs in the last 24 hours" />);
    const svg = screen.getByRole("img", { name: "4 runs in the last 24 hours" });
    expect(svg.querySelectorAll("polyline")).toHaveLength(1);
    expect(svg.querySelector("polyline")?.getAttribute("points")?.split(" ")).toHaveLength(3);
  });

  it("draws no line without values", () => {
    render(<Sparkline values={[]} label="no activity" />);
    expect(screen.getByRole("img", { name: "no activity" }).querySelector("polyline")).toBeNull();
  });
});
