import { readBatchFile } from "@/lib/batch-file";

const vars = [{ name: "name" }, { name: "city", default: "Paris" }];

describe("readBatchFile", () => {
  it("reads a CSV's header as the variables and counts its rows, quotes and byte-order mark included", () => {
    const text = '\ufeffname,city\nAda,London\n"Bob, Jr.",\n\nCy,Rome\n';
    const got = readBatchFile("rows.csv", text, vars);
    if (!got.ok) throw new Error(got.error);
    expect(got.preview.columns).toEqual(["name", "city"]);
    expect(got.preview.rowCount).toBe(3);
    expect(got.preview.sample[1]).toEqual({ name: "Bob, Jr.", city: "" });
    expect(got.preview.missing).toEqual([]);
    // The server parses the file itself: it gets the text as uploaded.
    expect(got.preview.upload).toEqual({ kind: "csv", text });
  });

  it("names the variables without a default that no column gives", () => {
    const got = readBatchFile("rows.csv", "city\nRome\n", vars);
    expect(got.ok && got.preview.missing).toEqual(["name"]);
  });

  it("refuses malformed, empty, headerless and oversized CSVs", () => {
    expect(readBatchFile("a.csv", 'name,city\n"Ada,London\n', vars)).toMatchObject({ ok: false, error: expect.stringMatching(/malformed/) });
    expect(readBatchFile("a.csv", "name,city\n", vars)).toEqual({ ok: false, error: "The file has no rows." });
    expect(readBatchFile("a.csv", "name,name\nA,B\n", vars)).toMatchObject({ ok: false, error: expect.stringMatching(/repeated/) });
    const big = "name\n" + Array.from({ length: 10_001 }, (_, i) => `n${i}`).join("\n");
    expect(readBatchFile("a.csv", big, vars)).toMatchObject({ ok: false, error: expect.stringMatching(/at most 10,000/) });
  });

  it("reads JSON rows, as an array or under rows, turning numbers and booleans into text", () => {
    const got = readBatchFile("rows.json", '[{"name": "Ada", "age": 36}, {"name": "Bob", "vip": true}]', vars);
    if (!got.ok) throw new Error(got.error);
    expect(got.preview.columns).toEqual(["name", "age", "vip"]);
    expect(got.preview.upload).toEqual({ kind: "json", rows: [{ name: "Ada", age: "36" }, { name: "Bob", vip: "true" }] });
    const wrapped = readBatchFile("rows.json", '{"rows": [{"name": "Cy"}]}', vars);
    expect(wrapped.ok && wrapped.preview.rowCount).toBe(1);
  });

  it("refuses JSON that is not rows of text values", () => {
    expect(readBatchFile("a.json", "[{", vars)).toEqual({ ok: false, error: "This file is not valid JSON." });
    expect(readBatchFile("a.json", '{"name": "Ada"}', vars)).toMatchObject({ ok: false, error: expect.stringMatching(/array of objects/) });
    expect(readBatchFile("a.json", '[{"name": {"first": "Ada"}}]', vars)).toEqual({
      ok: false,
      error: "Row 1: name must be text, a number or true/false.",
    });
  });
});
