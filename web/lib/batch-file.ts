import Papa from "papaparse";

import { BATCH_MAX_ROWS, type BatchUpload } from "@/lib/validations/batch";

/** A variable of the prompt a batch runs. */
export interface BatchVariable {
  name: string;
  default?: string;
}

/** What the browser read from an upload, before the server checks it whole. */
export interface BatchFilePreview {
  upload: BatchUpload;
  /** The variable names: the CSV's header, or the JSON rows' keys. */
  columns: string[];
  rowCount: number;
  /** The first rows, to show. */
  sample: Record<string, string>[];
  /** Variables of the prompt without a default that no column gives. */
  missing: string[];
}

export type BatchFileResult = { ok: true; preview: BatchFilePreview } | { ok: false; error: string };

const SAMPLE_ROWS = 5;

/**
 * Reads a batch upload — a CSV whose header row names the variables, or a
 * JSON array of objects (or {"rows": [...]}) — for a preview: columns, row
 * count and the first rows. The server parses and checks it again; this
 * catches unreadable files and missing columns before anything is sent.
 */
export function readBatchFile(name: string, text: string, variables: readonly BatchVariable[]): BatchFileResult {
  const isJson = name.toLowerCase().endsWith(".json") || /^\s*[[{]/.test(text);
  const read = isJson ? readJson(text) : readCsv(text);
  if (!read.ok) return read;
  const { columns, rows, upload } = read;
  if (rows.length === 0) return { ok: false, error: "The file has no rows." };
  if (rows.length > BATCH_MAX_ROWS) {
    return { ok: false, error: `The file has ${rows.length.toLocaleString()} rows; a batch holds at most ${BATCH_MAX_ROWS.toLocaleString()}.` };
  }
  const missing = variables.filter((v) => v.default === undefined && !columns.includes(v.name)).map((v) => v.name);
  return { ok: true, preview: { upload, columns, rowCount: rows.length, sample: rows.slice(0, SAMPLE_ROWS), missing } };
}

type Read = { ok: true; columns: string[]; rows: Record<string, string>[]; upload: BatchUpload } | { ok: false; error: string };

function readCsv(text: string): Read {
  // Commas only, as the server reads it.
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\ufeff/, ""), { header: true, skipEmptyLines: true, delimiter: "," });
  const columns = (parsed.meta.fields ?? []).map((f) => f.trim());
  if (columns.length === 0 || columns.some((c) => c === "")) {
    return { ok: false, error: "The first row must name the variables, one per column." };
  }
  // Papa renames a repeated header (name, name_1); the server refuses it.
  if (Object.keys(parsed.meta.renamedHeaders ?? {}).length > 0 || new Set(columns).size !== columns.length) {
    return { ok: false, error: "A column name is repeated; name each variable once." };
  }
  const bad = parsed.errors[0];
  if (bad) {
    // Papa counts data rows from 0; the header is line 1.
    const where = bad.row === undefined ? "" : ` on row ${bad.row + 1}`;
    return { ok: false, error: `The CSV file is malformed${where}: ${bad.message}.` };
  }
  return { ok: true, columns, rows: parsed.data, upload: { kind: "csv", text } };
}

function readJson(text: string): Read {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: "This file is not valid JSON." };
  }
  const list = Array.isArray(data) ? data : data && typeof data === "object" && "rows" in data ? (data as { rows: unknown }).rows : null;
  if (!Array.isArray(list)) return { ok: false, error: "The JSON must be an array of objects, one per row (or an object with such an array under rows)." };
  const rows: Record<string, string>[] = [];
  const columns: string[] = [];
  for (const [i, item] of list.entries()) {
    if (!item || typeof item !== "object" || Array.isArray(item)) return { ok: false, error: `Row ${i + 1} is not an object of variables.` };
    const row: Record<string, string> = {};
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      if (typeof value === "string") row[key] = value;
      else if (typeof value === "number" || typeof value === "boolean") row[key] = String(value);
      else return { ok: false, error: `Row ${i + 1}: ${key} must be text, a number or true/false.` };
      if (!columns.includes(key)) columns.push(key);
    }
    rows.push(row);
  }
  return { ok: true, columns, rows, upload: { kind: "json", rows } };
}
