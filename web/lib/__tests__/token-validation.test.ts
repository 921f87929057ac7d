import { createTokenFormSchema, endOfLocalDay, toCreateTokenRequest } from "@/lib/validations/token";

describe("token form schema", () => {
  it.each([
    ["2026-02-30", null],
    ["2026-13-01", null],
    ["tomorrow", null],
  ])("endOfLocalDay(%s) is %s", (input, want) => {
    expect(endOfLocalDay(input)).toBe(want);
  });

  it("turns a custom date into the end of that local day", () => {
    const values = createTokenFormSchema.parse({ name: " ci ", expiry: "custom", customDate: "2999-05-17" });
    const body = toCreateTokenRequest(values);
    expect(body.name).toBe("ci");
    expect(body.expiresAt).toBe(new Date(2999, 4, 17, 23, 59, 59, 999).toISOString());
  });

  it("requires a date when the expiry is custom", () => {
    const result = createTokenFormSchema.safeParse({ name: "ci", expiry: "custom", customDate: "" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["customDate"]);
  });

  it("counts relative expiries from now", () => {
    const now = new Date("2026-03-01T12:00:00Z");
    const body = toCreateTokenRequest({ name: "ci", expiry: "90", customDate: "" }, now);
    expect(body.expiresAt).toBe("2026-05-30T12:00:00.000Z");
  });
});
