"use client";

import { diffLines, diffWordsWithSpace } from "diff";
import { Fragment, useMemo } from "react";

import { QueryError } from "@/components/query-error";
import { Skeleton } from "@/components/ui/skeleton";
import { usePromptDiff } from "@/hooks/use-prompts";
import type { DiffSide } from "@/lib/api";
import { cn } from "@/lib/utils";

type CellKind = "equal" | "removed" | "added" | "empty";
interface Cell {
  text: string;
  kind: CellKind;
  /** The line on the other side, when this line was changed rather than added or removed. */
  pair?: string;
}
interface Row {
  left: Cell;
  right: Cell;
}

function linesOf(value: string): string[] {
  const lines = value.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Lines of two texts side by side: equal lines align, changed lines pair up. */
export function sideBySide(from: string, to: string): Row[] {
  const rows: Row[] = [];
  const changes = diffLines(from, to);
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    if (!change) continue;
    const lines = linesOf(change.value);
    if (!change.added && !change.removed) {
      for (const l of lines) rows.push({ left: { text: l, kind: "equal" }, right: { text: l, kind: "equal" } });
      continue;
    }
    if (change.removed) {
      const next = changes[i + 1];
      const added = next?.added ? linesOf(next.value) : [];
      if (next?.added) i++;
      const n = Math.max(lines.length, added.length);
      for (let j = 0; j < n; j++) {
        const l = lines[j];
        const r = added[j];
        rows.push({
          left: l === undefined ? { text: "", kind: "empty" } : { text: l, kind: "removed", pair: r },
          right: r === undefined ? { text: "", kind: "empty" } : { text: r, kind: "added", pair: l },
        });
      }
      continue;
    }
    for (const r of lines) rows.push({ left: { text: "", kind: "empty" }, right: { text: r, kind: "added" } });
  }
  return rows;
}

function CellText({ cell }: { cell: Cell }) {
  if (cell.kind === "empty") return null;
  if (cell.kind === "equal") return <>{cell.text || "\u00a0"}</>;
  const Tag = cell.kind === "removed" ? "del" : "ins";
  if (cell.pair === undefined) return <Tag className="no-underline">{cell.text || "\u00a0"}</Tag>;
  // A changed line: mark the words that differ.
  const parts = cell.kind === "removed" ? diffWordsWithSpace(cell.text, cell.pair) : diffWordsWithSpace(cell.pair, cell.text);
  return (
    <Tag className="no-underline">
      {parts.map((p, i) => {
        if (cell.kind === "removed" && p.added) return null;
        if (cell.kind === "added" && p.removed) return null;
        const changed = cell.kind === "removed" ? p.removed : p.added;
        return changed ? (
          <mark
            key={i}
            className={cn(
              "rounded-sm text-inherit",
              cell.kind === "removed" ? "bg-red-300/70 dark:bg-red-700/60" : "bg-emerald-300/70 dark:bg-emerald-700/60",
            )}
          >
            {p.value}
          </mark>
        ) : (
          <Fragment key={i}>{p.value}</Fragment>
        );
      })}
    </Tag>
  );
}

const cellClass: Record<CellKind, string> = {
  equal: "",
  removed: "bg-red-50 text-red-950 dark:bg-red-950/40 dark:text-red-100",
  added: "bg-emerald-50 text-emerald-950 dark:bg-emerald-950/40 dark:text-emerald-100",
  empty: "bg-muted/40",
};

/** A variable shows as {{name}} (= "default"); other items as text or JSON. */
function listItem(v: unknown): string {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && "name" in v && typeof v.name === "string") {
    const d = "default" in v && typeof v.default === "string" ? ` = "${v.default}"` : "";
    return `{{${v.name}}}${d}`;
  }
  return JSON.stringify(v);
}

function displayValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "(none)";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    if (value.length === 0) return "(none)";
    return value.map(listItem).join(", ");
  }
  return JSON.stringify(value);
}

const fieldLabels: Record<string, string> = {
  title: "Title",
  description: "Description",
  tags: "Tags",
  modelWhitelist: "Allowed models",
  defaultModel: "Default model",
  defaultParams: "Default parameters",
  variables: "Variables",
};

export interface PromptDiffViewProps {
  promptId: string;
  from: DiffSide;
  to: DiffSide;
}

/** Changed fields, then the prompt text of two versions side by side. */
export function PromptDiffView({ promptId, from, to }: PromptDiffViewProps) {
  const diff = usePromptDiff(promptId, from, to);
  const rows = useMemo(
    () => (diff.data ? sideBySide(diff.data.from.content.promptText, diff.data.to.content.promptText) : []),
    [diff.data],
  );

  if (from === to) {
    return <p className="text-sm text-muted-foreground">Pick two different versions to compare.</p>;
  }
  if (diff.isPending) {
    return (
      <div role="status" aria-label="Loading the comparison" className="grid gap-2">
        <Skeleton className="h-4 w-1/2" />
        <Skeleton className="h-32 w-full" />
      </div>
    );
  }
  if (diff.isError) {
    return (
      <QueryError
        title="Could not compare the versions"
        error={diff.error}
        onRetry={() => void diff.refetch()}
        retrying={diff.isFetching}
      />
    );
  }

  const { from: a, to: b } = diff.data;
  const fields = diff.data.fields.filter((f) => f.field !== "promptText");
  const textChanged = a.content.promptText !== b.content.promptText;
  return (
    <div className="grid gap-4" data-testid="prompt-diff">
      <section aria-label="Field changes" className="grid gap-2">
        <h4 className="text-sm font-medium">
          Changes from {a.label} to {b.label}
        </h4>
        {fields.length === 0 ? (
          <p className="text-sm text-muted-foreground">No field changes{textChanged ? " besides the prompt text" : ""}.</p>
        ) : (
          <ul className="grid gap-1.5 text-sm">
            {fields.map((f) => (
              <li key={f.field} className="grid gap-1 rounded-md border p-2 sm:grid-cols-[9rem_1fr_1fr]">
                <span className="font-medium">{fieldLabels[f.field] ?? f.field}</span>
                <del className="break-words rounded-sm bg-red-50 px-1 text-red-950 no-underline dark:bg-red-950/40 dark:text-red-100">
                  <span className="sr-only">Before: </span>
                  {displayValue(f.from)}
                </del>
                <ins className="break-words rounded-sm bg-emerald-50 px-1 text-emerald-950 no-underline dark:bg-emerald-950/40 dark:text-emerald-100">
                  <span className="sr-only">After: </span>
                  {displayValue(f.to)}
                </ins>
              </li>
            ))}
          </ul>
        )}
      </section>
      <div className="overflow-x-auto rounded-md border">
        <table className="w-full table-fixed border-collapse font-mono text-xs leading-5">
          <caption className="sr-only">
            Prompt text of {a.label} and {b.label} side by side
          </caption>
          <thead>
            <tr className="bg-muted/60 text-left font-sans text-xs">
              <th scope="col" className="w-1/2 border-r px-3 py-1.5 font-medium">
                {a.label}
              </th>
              <th scope="col" className="w-1/2 px-3 py-1.5 font-medium">
                {b.label}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i} className="align-top">
                <td className={cn("whitespace-pre-wrap break-words border-r px-3", cellClass[row.left.kind])}>
                  <CellText cell={row.left} />
                </td>
                <td className={cn("whitespace-pre-wrap break-words px-3", cellClass[row.right.kind])}>
                  <CellText cell={row.right} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!textChanged ? <p className="text-sm text-muted-foreground">The prompt text is the same.</p> : null}
    </div>
  );
}
