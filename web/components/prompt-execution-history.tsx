"use client";

import { HistoryIcon } from "lucide-react";
import Link from "next/link";
import { useState } from "react";

import { ExecutionTable } from "@/components/execution-table";
import { ListPager } from "@/components/list-pager";
import { QueryError } from "@/components/query-error";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { EXECUTIONS_PER_PAGE, useExecutions } from "@/hooks/use-executions";

/** The runs of one prompt, newest first (the "History" section of its page). */
export function PromptExecutionHistory({ promptId, workspaceId }: { promptId: string; workspaceId: string }) {
  const [page, setPage] = useState(1);
  const list = useExecutions({ workspace: workspaceId, prompt: promptId, page, perPage: EXECUTIONS_PER_PAGE });

  let body;
  if (list.isPending) {
    body = (
      <div role="status" aria-label="Loading the runs" className="grid gap-2">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
    );
  } else if (list.isError) {
    body = (
      <QueryError
        title="Could not load the runs"
        error={list.error}
        onRetry={() => void list.refetch()}
        retrying={list.isFetching}
      />
    );
  } else if (list.data.items.length === 0) {
    body = <EmptyState icon={HistoryIcon} title="No runs yet" description="Runs of this prompt show up here." />;
  } else {
    body = (
      <>
        <ExecutionTable executions={list.data.items} showPrompt={false} />
        <ListPager page={list.data.page} perPage={list.data.perPage} total={list.data.total} onPage={setPage} label="Runs pages" />
      </>
    );
  }

  return (
    <Card role="region" aria-label="Runs of this prompt">
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle>History</CardTitle>
          <CardDescription>Every run of this prompt, newest first.</CardDescription>
        </div>
        <Link href="/history/" className="text-sm text-muted-foreground underline underline-offset-4 hover:text-foreground">
          All runs
        </Link>
      </CardHeader>
      <CardContent className="grid gap-3" aria-busy={list.isFetching}>
        {body}
      </CardContent>
    </Card>
  );
}
