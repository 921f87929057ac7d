"use client";

import { KeySquareIcon } from "lucide-react";
import Link from "next/link";

import { QueryError } from "@/components/query-error";
import { Sparkline } from "@/components/sparkline";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useKeyUsage } from "@/hooks/use-usage";
import { formatCost, formatNumber } from "@/lib/format";
import type { KeyUsage } from "@/lib/validations/usage";

/** One key's row: label, runs, tokens and cost this month, and the daily runs as a sparkline. */
function KeyRow({ k }: { k: KeyUsage }) {
  return (
    <tr className="border-t" data-testid="key-usage-row">
      <th scope="row" className="px-3 py-2 text-left font-medium">
        <span className="flex flex-wrap items-center gap-1.5">
          {k.label}
          <span className="text-xs font-normal text-muted-foreground">{k.provider}</span>
          {k.deleted ? <Badge variant="outline">deleted</Badge> : null}
        </span>
      </th>
      <td className="px-3 py-2 text-right tabular-nums" data-stat="executions">
        {formatNumber(k.executions)}
      </td>
      <td className="px-3 py-2 text-right tabular-nums" data-stat="tokens">
        {formatNumber(k.totalTokens)}
      </td>
      <td className="px-3 py-2 text-right tabular-nums" data-stat="cost">
        {formatCost(k.costMicros)}
      </td>
      <td className="px-3 py-2">
        <Sparkline values={k.trend.map((p) => p.executions)} label={`Runs per day with ${k.label}`} />
      </td>
    </tr>
  );
}

/** Home's "API key usage": each provider key's runs, tokens and cost this month, with a small trend. */
export function KeyUsageCard({ workspaceId, tz }: { workspaceId: string | undefined; tz: string }) {
  const usage = useKeyUsage({ workspace: workspaceId, tz }, workspaceId !== undefined);

  let body;
  if (usage.isPending) {
    body = (
      <div role="status" aria-label="Loading key usage" className="grid gap-2">
        <Skeleton className="h-8 w-full" />
        <Skeleton className="h-8 w-full" />
      </div>
    );
  } else if (usage.isError) {
    body = (
      <QueryError title="Could not load key usage" error={usage.error} onRetry={() => void usage.refetch()} retrying={usage.isFetching} />
    );
  } else if (usage.data.items.length === 0) {
    body = (
      <EmptyState
        icon={KeySquareIcon}
        title="No API keys yet"
        description="Add a provider key to run prompts; its usage shows up here."
        action={
          <Link href="/settings/keys/" className="text-sm underline underline-offset-4">
            Add a key
          </Link>
        }
      />
    );
  } else {
    body = (
      <div className="overflow-x-auto rounded-md border">
        <table className="w-full text-sm" aria-label="API key usage this month">
          <thead className="bg-muted/50 text-left text-xs text-muted-foreground">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">Key</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Runs</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Tokens</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Cost</th>
              <th scope="col" className="px-3 py-2 font-medium">Trend</th>
            </tr>
          </thead>
          <tbody>
            {usage.data.items.map((k) => (
              <KeyRow key={k.credentialId || "none"} k={k} />
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  const clamped = usage.data?.range.clampedFrom;
  return (
    <Card role="region" aria-label="API key usage">
      <CardHeader>
        <CardTitle>API key usage</CardTitle>
        <CardDescription>
          {clamped
            ? `Runs, tokens and cost of each key in the last ${usage.data?.range.historyDays ?? 7} days (Free plan), by day.`
            : "Runs, tokens and cost of each key this month, by day."}
        </CardDescription>
      </CardHeader>
      <CardContent aria-busy={usage.isFetching}>{body}</CardContent>
    </Card>
  );
}
