import type { ListExecutionsParams } from "@/lib/api";
import { EXECUTION_STATUSES, type ExecutionStatus } from "@/lib/validations/execution";

/** The history's filter state; the URL query string holds all of it. Dates are YYYY-MM-DD (local). */
export interface ExecutionFilters {
  workspace: string;
  model: string;
  status: ExecutionStatus | "";
  from: string;
  to: string;
  page: number;
}

export const defaultExecutionFilters: ExecutionFilters = {
  workspace: "",
  model: "",
  status: "",
  from: "",
  to: "",
  page: 1,
};

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const statuses: readonly string[] = EXECUTION_STATUSES;

/** Reads filters from a query string; unknown values fall back to the defaults. */
export function parseExecutionFilters(params: URLSearchParams): ExecutionFilters {
  const status = params.get("status") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const page = Number(params.get("page") ?? "1");
  return {
    workspace: params.get("workspace") ?? "",
    model: params.get("model") ?? "",
    status: statuses.includes(status) ? (status as ExecutionStatus) : "",
    from: datePattern.test(from) ? from : "",
    to: datePattern.test(to) ? to : "",
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

/** Writes filters as a query string, leaving out defaults; "" when all are defaults. */
export function executionFiltersToQuery(f: ExecutionFilters): string {
  const params = new URLSearchParams();
  if (f.workspace) params.set("workspace", f.workspace);
  if (f.model) params.set("model", f.model);
  if (f.status) params.set("status", f.status);
  if (f.from) params.set("from", f.from);
  if (f.to) params.set("to", f.to);
  if (f.page > 1) params.set("page", String(f.page));
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}

/** The start of a local day as RFC 3339, or undefined. */
function dayStart(date: string): string | undefined {
  if (!date) return undefined;
  const d = new Date(`${date}T00:00:00`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The end of a local day (the start of the next) as RFC 3339, or undefined. */
function dayEnd(date: string): string | undefined {
  if (!date) return undefined;
  const d = new Date(`${date}T00:00:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  d.setDate(d.getDate() + 1);
  return d.toISOString();
}

/** The list request for filters; the date range covers whole local days. */
export function executionFiltersToParams(f: ExecutionFilters, workspace: string | undefined, perPage: number): ListExecutionsParams {
  return {
    workspace,
    model: f.model || undefined,
    status: f.status || undefined,
    from: dayStart(f.from),
    to: dayEnd(f.to),
    page: f.page,
    perPage,
  };
}
