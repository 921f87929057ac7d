"use client";

import { LayersIcon } from "lucide-react";
import Link from "next/link";
import { useState } from "react";

import { batchPercent } from "@/components/batch-progress";
import { BatchStatusBadge } from "@/components/batch-status-badge";
import { ListPager } from "@/components/list-pager";
import { PromptTitleLink } from "@/components/prompt-title-link";
import { QueryError } from "@/components/query-error";
import { Card, CardContent } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { BATCHES_PER_PAGE, useBatches } from "@/hooks/use-batches";
import { useMe } from "@/hooks/use-me";
import { formatCost, formatDateTime, formatNumber } from "@/lib/format";
import { personalWorkspace } from "@/lib/validations/me";

/** The Batches page (`/batches/`): a workspace's batch runs, newest first, with their progress and cost. */
export function BatchList() {
  const me = useMe();
  const workspaces = me.data?.workspaces ?? [];
  const [workspace, setWorkspace] = useState("");
  const [page, setPage] = useState(1);
  const current = workspaces.find((w) => w.id === workspace) ?? personalWorkspace(workspaces);
  const list = useBatches({ workspace: current?.id, page, perPage: BATCHES_PER_PAGE }, me.isSuccess);

  let body;
  if (me.isError) {
    body = <QueryError title="Could not load your workspaces" error={me.error} onRetry={() => void me.refetch()} retrying={me.isFetching} />;
  } else if (me.isPending || list.isPending) {
    body = (
      <div role="status" aria-label="Loading the batches" className="grid gap-2">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
    );
  } else if (list.isError) {
    body = <QueryError title="Could not load the batches" error={list.error} onRetry={() => void list.refetch()} retrying={list.isFetching} />;
  } else if (list.data.items.length === 0) {
    body = (
      <EmptyState
        icon={LayersIcon}
        title="No batches yet"
        description="Open a prompt and choose Run as batch to run it over a CSV or JSON file of variables."
      />
    );
  } else {
    body = (
      <>
        <div className="overflow-x-auto rounded-md border">
          <table className="w-full text-sm" aria-label="Batches">
            <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">Started</th>
                <th scope="col" className="px-3 py-2 font-medium">Prompt</th>
                <th scope="col" className="px-3 py-2 font-medium">Models</th>
                <th scope="col" className="px-3 py-2 font-medium">Status</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">Progress</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">Done / failed</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">Cost</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((b) => (
                <tr key={b.id} className="border-t">
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Link
                      href={`/batches/view/?id=${encodeURIComponent(b.id)}`}
                      className="font-medium underline-offset-4 hover:underline"
                      aria-label={`Open batch of ${b.rows} rows started ${formatDateTime(b.createdAt)}`}
                    >
                      <time dateTime={b.createdAt}>{formatDateTime(b.createdAt)}</time>
                    </Link>
                  </td>
                  <td className="max-w-56 truncate px-3 py-2">
                    <PromptTitleLink id={b.promptId} />
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{b.models.join(", ")}</td>
                  <td className="px-3 py-2">
                    <BatchStatusBadge status={b.status} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {batchPercent(b)}% of {formatNumber(b.total)}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {formatNumber(b.succeeded)} / {formatNumber(b.failed)}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatCost(b.costMicros)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListPager page={list.data.page} perPage={list.data.perPage} total={list.data.total} onPage={setPage} label="Batch pages" />
      </>
    );
  }

  return (
    <div className="grid gap-6">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Batches</h1>
        <p className="text-sm text-muted-foreground">Prompts run over many rows of variables, with their progress and cost.</p>
      </div>
      <Card>
        <CardContent className="grid gap-4 pt-6">
          {workspaces.length > 1 ? (
            <div className="grid w-fit gap-1.5">
              <Label htmlFor="batches-workspace">Workspace</Label>
              <Select
                id="batches-workspace"
                className="w-48"
                value={current?.id ?? ""}
                onChange={(e) => {
                  setWorkspace(e.target.value);
                  setPage(1);
                }}
              >
                {workspaces.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                  </option>
                ))}
              </Select>
            </div>
          ) : null}
          <div className="grid gap-3" aria-busy={list.isFetching}>
            {body}
          </div>
        </CardContent>
      </Card>
    </div>
  );
}
