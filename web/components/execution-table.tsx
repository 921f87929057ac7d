"use client";

import Link from "next/link";

import { ExecutionStatusBadge } from "@/components/execution-status-badge";
import { PromptTitleLink } from "@/components/prompt-title-link";
import { formatCost, formatDateTime, formatDuration, formatNumber } from "@/lib/format";
import type { Execution } from "@/lib/validations/execution";

export interface ExecutionTableProps {
  executions: readonly Execution[];
  /** Show the prompt column (off on a prompt's own page). */
  showPrompt?: boolean;
}

/** Runs as a table: time (opens the run), prompt, model, status, tokens, cost, latency. */
export function ExecutionTable({ executions, showPrompt = true }: ExecutionTableProps) {
  return (
    <div className="overflow-x-auto rounded-md border">
      <table className="w-full text-sm">
        <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Time</th>
            {showPrompt ? <th scope="col" className="px-3 py-2 font-medium">Prompt</th> : null}
            <th scope="col" className="px-3 py-2 font-medium">Model</th>
            <th scope="col" className="px-3 py-2 font-medium">Status</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Tokens (in / out)</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Cost</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Latency</th>
          </tr>
        </thead>
        <tbody>
          {executions.map((x) => (
            <tr key={x.id} className="border-t">
              <td className="px-3 py-2 whitespace-nowrap">
                <Link
                  href={`/history/view/?id=${encodeURIComponent(x.id)}`}
                  className="font-medium underline-offset-4 hover:underline"
                  aria-label={`Open run of ${x.model} at ${formatDateTime(x.createdAt)}`}
                >
                  <time dateTime={x.createdAt}>{formatDateTime(x.createdAt)}</time>
                </Link>
              </td>
              {showPrompt ? (
                <td className="max-w-56 truncate px-3 py-2">
                  <PromptTitleLink id={x.promptId} />
                </td>
              ) : null}
              <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{x.model}</td>
              <td className="px-3 py-2">
                <ExecutionStatusBadge status={x.status} />
              </td>
              <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">
                {formatNumber(x.usage.inputTokens)} / {formatNumber(x.usage.outputTokens)}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{formatCost(x.costMicros)}</td>
              <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">{formatDuration(x.latencyMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
