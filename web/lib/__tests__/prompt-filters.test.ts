import { promptPaging } from "@/lib/prompt-filters";

const items = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("promptPaging", () => {
  it("pages an exact total", () => {
    expect(promptPaging({ page: 2, perPage: 20, total: 130, totalIsLowerBound: false, items: items(20) })).toEqual({
      pages: 7,
      hasNext: true,
      label: "Page 2 of 7 · 130 prompts",
    });
    expect(promptPaging({ page: 7, perPage: 20, total: 130, totalIsLowerBound: false, items: items(10) }).hasNext).toBe(false);
    expect(promptPaging({ page: 1, perPage: 20, total: 1, totalIsLowerBound: false, items: items(1) }).label).toBe(
      "Page 1 of 1 · 1 prompt",
    );
  });

  it("says a search's capped total is a lower bound and keeps going past it", () => {
    const capped = { perPage: 20, total: 10_000, totalIsLowerBound: true };
    expect(promptPaging({ ...capped, page: 3, items: items(20) })).toEqual({
      pages: 500,
      hasNext: true,
      label: "Page 3 of 500+ · 10,000+ prompts",
    });
    expect(promptPaging({ ...capped, page: 500, items: items(20) }).hasNext).toBe(true);
    expect(promptPaging({ ...capped, page: 612, items: items(20) })).toEqual({
      pages: 500,
      hasNext: true,
      label: "Page 612 · 10,000+ prompts",
    });
    expect(promptPaging({ ...capped, page: 613, items: items(7) }).hasNext).toBe(false);
  });
});
