import type { ListPromptsParams, PromptSort } from "@/lib/api";
import { formatNumber } from "@/lib/format";
import { normalizeTags, type PromptStatus, type Visibility } from "@/lib/validations/prompt";

/** The prompt list's filter state; the URL query string holds all of it. */
export interface PromptFilters {
  workspace: string;
  tags: string[];
  status: PromptStatus | "";
  visibility: Visibility | "";
  q: string;
  sort: PromptSort;
  order: "asc" | "desc";
  trash: boolean;
  page: number;
}

/** Filters of a fresh list: everything, most recently updated first. */
export const defaultFilters: PromptFilters = {
  workspace: "",
  tags: [],
  status: "",
  visibility: "",
  q: "",
  sort: "updated",
  order: "desc",
  trash: false,
  page: 1,
};

const statuses: readonly string[] = ["draft", "published", "archived"];
const visibilities: readonly string[] = ["private", "public"];
const sorts: readonly string[] = ["updated", "created", "title", "usage", "votes"];

/** Reads filters from a query string; unknown values fall back to the defaults. */
export function parseFilters(params: URLSearchParams): PromptFilters {
  const status = params.get("status") ?? "";
  const visibility = params.get("visibility") ?? "";
  const sort = params.get("sort") ?? "";
  const order = params.get("order");
  const page = Number(params.get("page") ?? "1");
  return {
    workspace: params.get("workspace") ?? "",
    tags: normalizeTags(params.getAll("tag")),
    status: statuses.includes(status) ? (status as PromptStatus) : "",
    visibility: visibilities.includes(visibility) ? (visibility as Visibility) : "",
    q: params.get("q") ?? "",
    sort: sorts.includes(sort) ? (sort as PromptSort) : defaultFilters.sort,
    order: order === "asc" || order === "desc" ? order : sort === "title" ? "asc" : defaultFilters.order,
    trash: params.get("view") === "trash",
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

/** Writes filters as a query string, leaving out defaults; "" when all are defaults. */
export function filtersToQuery(f: PromptFilters): string {
  const params = new URLSearchParams();
  if (f.workspace) params.set("workspace", f.workspace);
  if (f.trash) params.set("view", "trash");
  for (const tag of f.tags) params.append("tag", tag);
  if (f.status) params.set("status", f.status);
  if (f.visibility) params.set("visibility", f.visibility);
  if (f.q.trim()) params.set("q", f.q.trim());
  if (f.sort !== defaultFilters.sort || f.order !== defaultFilters.order) {
    params.set("sort", f.sort);
    params.set("order", f.order);
  }
  if (f.page > 1) params.set("page", String(f.page));
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}

/** Whether any filter narrows the list (the trash view and sorting do not count). */
export function hasActiveFilters(f: PromptFilters): boolean {
  return f.tags.length > 0 || f.status !== "" || f.visibility !== "" || f.q.trim() !== "";
}

/** The list request of the filters. */
export function filtersToParams(f: PromptFilters, workspace: string | undefined, perPage: number): ListPromptsParams {
  return {
    workspace,
    tags: f.tags,
    status: f.status || undefined,
    visibility: f.visibility || undefined,
    q: f.q.trim() || undefined,
    sort: f.sort,
    order: f.order,
    deleted: f.trash,
    page: f.page,
    perPage,
  };
}

/** What the prompt list's pager shows and allows. */
export interface PromptPaging {
  /** Pages the total accounts for (at least 1). */
  pages: number;
  hasNext: boolean;
  /** "Page 2 of 7 · 130 prompts", or for a search past the count cap "Page 2 of 500+ · 10,000+ prompts". */
  label: string;
}

/**
 * Pages a prompt list. A search counts at most 10,000 matches and then says
 * its total is a lower bound: the list goes on past the counted pages, so
 * "Next" stays enabled while pages come back full.
 */
export function promptPaging(
  list: { page: number; perPage: number; total: number; totalIsLowerBound: boolean; items: readonly unknown[] },
): PromptPaging {
  const { page, perPage, total, totalIsLowerBound } = list;
  const pages = Math.max(1, Math.ceil(total / perPage));
  if (!totalIsLowerBound) {
    const count = total === 1 ? "1 prompt" : `${formatNumber(total)} prompts`;
    return { pages, hasNext: page < pages, label: `Page ${page} of ${pages} · ${count}` };
  }
  const count = `${formatNumber(total)}+ prompts`;
  return {
    pages,
    hasNext: page < pages || list.items.length >= perPage,
    label: page <= pages ? `Page ${page} of ${formatNumber(pages)}+ · ${count}` : `Page ${page} · ${count}`,
  };
}
