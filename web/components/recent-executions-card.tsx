"use client";

import { HistoryIcon } from "lucide-react";
import Link from "next/link";

import { ExecutionStatusBadge } from "@/components/execution-status-badge";
import { QueryError } from "@/components/query-error";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useRecentExecutions } from "@/hooks/use-usage";
import { formatCost, formatDateTime, formatRelative } from "@/lib/format";

/** Home's latest runs: prompt, model, status, cost and time; each opens the run. */
export function RecentExecutionsCard({ workspaceId }: { workspaceId: string | undefined }) {
  const recent = useRecentExecutions({ workspace: workspaceId, limit: 5 }, workspaceId !== undefined);

  let body;
  if (recent.isPending) {
    body = (
      <div role="status" aria-label="Loading the latest runs" className="grid gap-2">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-8 w-full" />
        ))}
      </div>
    );
  } else if (recent.isError) {
    body = (
      <QueryError title="Could not load the latest runs" error={recent.error} onRetry={() => void recent.refetch()} retrying={recent.isFetching} />
    );
  } else if (recent.data.items.length === 0) {
    body = <EmptyState icon={HistoryIcon} title="No runs yet" description="Run a prompt from its page; your latest runs show up here." />;
  } else {
    body = (
      <div className="overflow-x-auto rounded-md border">
        <table className="w-full text-sm" aria-label="Latest runs">
          <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">Prompt</th>
              <th scope="col" className="px-3 py-2 font-medium">Model</th>
              <th scope="col" className="px-3 py-2 font-medium">Status</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Cost</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Time</th>
            </tr>
          </thead>
          <tbody>
            {recent.data.items.map((x) => (
              <tr key={x.id} className="border-t">
                <td className="max-w-56 truncate px-3 py-2">
                  <Link
                    href={`/history/view/?id=${encodeURIComponent(x.id)}`}
                    className="font-medium underline-offset-4 hover:underline"
                    aria-label={`Open run of ${x.promptTitle || "a deleted prompt"} on ${x.model}`}
                  >
                    {x.promptTitle || <span className="text-muted-foreground">Deleted prompt</span>}
                  </Link>
                </td>
                <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">{x.model}</td>
                <td className="px-3 py-2">
                  <ExecutionStatusBadge status={x.status} />
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{formatCost(x.costMicros)}</td>
                <td className="px-3 py-2 text-right whitespace-nowrap text-muted-foreground">
                  <time dateTime={x.createdAt} title={formatDateTime(x.createdAt)}>
                    {formatRelative(x.createdAt)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  return (
    <Card role="region" aria-label="Latest runs">
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle>Latest runs</CardTitle>
          <CardDescription>Your five most recent runs.</CardDescription>
        </div>
        <Link href="/history/" className="text-sm text-muted-foreground underline underline-offset-4 hover:text-foreground">
          History
        </Link>
      </CardHeader>
      <CardContent aria-busy={recent.isFetching}>{body}</CardContent>
    </Card>
  );
}
