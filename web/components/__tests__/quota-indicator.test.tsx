import { render, screen } from "@testing-library/react";

import { QuotaIndicator } from "@/components/quota-indicator";
import { quotaLevel } from "@/lib/quota";

describe("quotaLevel", () => {
  it.each([
    [0, 50, "ok"],
    [39, 50, "ok"],
    [40, 50, "warning"],
    [49, 50, "warning"],
    [50, 50, "full"],
    [51, 50, "full"],
    [1000, null, "unlimited"],
  ] as const)("%i of %s is %s", (count, limit, want) => {
    expect(quotaLevel(count, limit)).toBe(want);
  });
});

describe("QuotaIndicator", () => {
  it("shows the count against the limit without an upgrade call below 80%", () => {
    render(<QuotaIndicator count={39} limit={50} />);
    expect(screen.getByText("39 / 50 prompts")).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Prompt quota" })).toHaveAttribute("aria-valuenow", "39");
    expect(screen.queryByRole("link", { name: "Upgrade" })).not.toBeInTheDocument();
  });

  it("suggests upgrading from 80% of the limit", () => {
    render(<QuotaIndicator count={42} limit={50} />);
    expect(screen.getByText("42 / 50 prompts")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Upgrade" })).toHaveAttribute("href", expect.stringMatching(/^\/upgrade\/?$/));
  });

  it("says when the limit is reached", () => {
    render(<QuotaIndicator count={50} limit={50} />);
    expect(screen.getByText("You have reached the limit of the Free tier.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Upgrade" })).toBeInTheDocument();
  });

  it("shows Unlimited for power and team users", () => {
    render(<QuotaIndicator count={120} limit={null} />);
    expect(screen.getByText(/Unlimited/)).toBeInTheDocument();
    expect(screen.queryByRole("progressbar")).not.toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Upgrade" })).not.toBeInTheDocument();
  });
});
