"use client";

import { PlusIcon, WorkflowIcon } from "lucide-react";
import Link from "next/link";

import { QueryError } from "@/components/query-error";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useChains } from "@/hooks/use-chains";
import { formatRelative } from "@/lib/format";

/** The Chains page: the workspace's chains, newest edits first, and the way to define one. */
export function ChainList() {
  const chains = useChains();
  const create = (
    <Button asChild>
      <Link href="/chains/view/">
        <PlusIcon aria-hidden="true" />
        New chain
      </Link>
    </Button>
  );
  return (
    <div className="grid gap-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Chains</h1>
          <p className="text-sm text-muted-foreground">Run prompts one after another, each fed by the outputs before it.</p>
        </div>
        {create}
      </div>
      {chains.isPending ? (
        <div role="status" aria-label="Loading chains" className="grid gap-2">
          <Skeleton className="h-12 w-full" />
          <Skeleton className="h-12 w-full" />
        </div>
      ) : chains.isError ? (
        <QueryError title="Could not load the chains" error={chains.error} onRetry={() => void chains.refetch()} retrying={chains.isFetching} />
      ) : chains.data.items.length === 0 ? (
        <EmptyState
          icon={WorkflowIcon}
          title="No chains yet"
          description="A chain runs prompts in order: bind each step's variables to the chain's inputs or to earlier steps' outputs."
          action={create}
        />
      ) : (
        <ul aria-label="Chains" className="divide-y rounded-lg border">
          {chains.data.items.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center justify-between gap-2 p-4">
              <div className="grid gap-1">
                <Link href={`/chains/view/?id=${encodeURIComponent(c.id)}`} className="font-medium underline-offset-4 hover:underline">
                  {c.name}
                </Link>
                {c.description ? <p className="text-sm text-muted-foreground">{c.description}</p> : null}
              </div>
              <p className="text-sm text-muted-foreground">
                {c.steps.length} {c.steps.length === 1 ? "step" : "steps"} · edited {formatRelative(c.updatedAt)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
