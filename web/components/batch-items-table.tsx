"use client";

import Link from "next/link";
import { useState } from "react";

import { BatchStatusBadge, batchStatusLabel } from "@/components/batch-status-badge";
import { ListPager } from "@/components/list-pager";
import { QueryError } from "@/components/query-error";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { useBatchItems } from "@/hooks/use-batches";
import { formatCost, formatDuration, formatNumber } from "@/lib/format";
import { batchItemStatusSchema, type Batch, type BatchItemStatus } from "@/lib/validations/batch";

/** A batch's items in row order, a page at a time: variables, model, status, answer or error, tokens, cost and latency. */
export function BatchItemsTable({ batch }: { batch: Batch }) {
  const [page, setPage] = useState(1);
  const [status, setStatus] = useState<BatchItemStatus | "">("");
  const items = useBatchItems(batch.id, { page, status: status || undefined });

  let body;
  if (items.isPending) {
    body = (
      <div role="status" aria-label="Loading the rows" className="grid gap-2">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-8 w-full" />
        ))}
      </div>
    );
  } else if (items.isError) {
    body = <QueryError title="Could not load the rows" error={items.error} onRetry={() => void items.refetch()} retrying={items.isFetching} />;
  } else {
    body = (
      <>
        <div className="overflow-x-auto rounded-md border">
          <table className="w-full text-sm" aria-label="Batch rows">
            <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">Row</th>
                <th scope="col" className="px-3 py-2 font-medium">Variables</th>
                <th scope="col" className="px-3 py-2 font-medium">Model</th>
                <th scope="col" className="px-3 py-2 font-medium">Status</th>
                <th scope="col" className="px-3 py-2 font-medium">Answer</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">Tokens (in / out)</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">Cost</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">Latency</th>
              </tr>
            </thead>
            <tbody>
              {items.data.items.map((it) => (
                <tr key={it.id} className="border-t align-top">
                  <td className="px-3 py-2 tabular-nums">{it.row}</td>
                  <td className="max-w-56 px-3 py-2 text-xs">
                    {batch.variableNames.map((name) => (
                      <div key={name} className="truncate">
                        <span className="font-mono text-muted-foreground">{name}</span> {it.variables[name] ?? ""}
                      </div>
                    ))}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{it.model}</td>
                  <td className="px-3 py-2">
                    <BatchStatusBadge status={it.status} />
                  </td>
                  <td className="max-w-80 px-3 py-2">
                    {it.status === "succeeded" ? (
                      <p className="line-clamp-3 whitespace-pre-wrap break-words">{it.responseText}</p>
                    ) : it.errorMessage ? (
                      <p className="text-destructive">{it.errorMessage}</p>
                    ) : null}
                    {it.executionId ? (
                      <Link
                        href={`/history/view/?id=${encodeURIComponent(it.executionId)}`}
                        className="text-xs text-muted-foreground underline-offset-4 hover:underline"
                      >
                        Open run
                      </Link>
                    ) : null}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">
                    {formatNumber(it.usage.inputTokens)} / {formatNumber(it.usage.outputTokens)}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatCost(it.costMicros)}</td>
                  <td className="px-3 py-2 text-right tabular-nums whitespace-nowrap">{formatDuration(it.latencyMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListPager page={items.data.page} perPage={items.data.perPage} total={items.data.total} onPage={setPage} label="Row pages" />
      </>
    );
  }

  return (
    <div className="grid gap-3">
      <div className="flex items-end gap-3">
        <div className="grid gap-1.5">
          <Label htmlFor="batch-items-status">Status</Label>
          <Select
            id="batch-items-status"
            className="w-44"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as BatchItemStatus | "");
              setPage(1);
            }}
          >
            <option value="">All rows</option>
            {batchItemStatusSchema.options.map((s) => (
              <option key={s} value={s}>
                {batchStatusLabel(s)}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <div aria-busy={items.isFetching}>{body}</div>
    </div>
  );
}
