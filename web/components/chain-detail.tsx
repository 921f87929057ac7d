"use client";

import { ArrowLeftIcon, FileQuestionIcon, Trash2Icon } from "lucide-react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";

import { ChainEditor } from "@/components/chain-editor";
import { ChainRunForm } from "@/components/chain-run-form";
import { ChainRunStatusBadge } from "@/components/chain-run-status-badge";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { QueryError } from "@/components/query-error";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useChain, useChainRuns, useDeleteChain } from "@/hooks/use-chains";
import { isApiError } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import { errorMessage } from "@/lib/forms";

/**
 * A chain's page (`/chains/view/?id=…`, or without id a new chain): its
 * definition, a form to run it, and its latest runs.
 */
export function ChainDetail() {
  const id = useSearchParams().get("id") ?? "";
  const router = useRouter();
  const chain = useChain(id);
  const runs = useChainRuns(id);
  const remove = useDeleteChain();
  const [confirming, setConfirming] = useState(false);

  const backLink = (
    <Link href="/chains/" className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
      <ArrowLeftIcon className="size-4" aria-hidden="true" />
      Chains
    </Link>
  );

  if (!id) {
    return (
      <div className="grid gap-6">
        {backLink}
        <h1 className="text-2xl font-semibold tracking-tight">New chain</h1>
        <ChainEditor onSaved={(c) => router.replace(`/chains/view/?id=${encodeURIComponent(c.id)}`)} />
      </div>
    );
  }
  if (chain.isPending) {
    return (
      <div role="status" aria-label="Loading the chain" className="grid gap-4">
        <Skeleton className="h-8 w-2/3" />
        <Skeleton className="h-48 w-full" />
      </div>
    );
  }
  if (chain.isError) {
    if (isApiError(chain.error, "not_found")) {
      return (
        <EmptyState
          icon={FileQuestionIcon}
          title="Chain not found"
          description="It may have been deleted."
          action={
            <Button asChild variant="outline">
              <Link href="/chains/">Back to chains</Link>
            </Button>
          }
        />
      );
    }
    return <QueryError title="Could not load the chain" error={chain.error} onRetry={() => void chain.refetch()} retrying={chain.isFetching} />;
  }

  const c = chain.data;
  const doDelete = async () => {
    try {
      await remove.mutateAsync(c.id);
      setConfirming(false);
      toast.success("Chain deleted");
      router.push("/chains/");
    } catch (err) {
      setConfirming(false);
      toast.error("Could not delete the chain", { description: errorMessage(err) });
    }
  };

  return (
    <div className="grid gap-6">
      {backLink}
      <div className="flex flex-wrap items-start justify-between gap-4">
        <h1 className="text-2xl font-semibold tracking-tight">{c.name}</h1>
        <Button variant="outline" onClick={() => setConfirming(true)}>
          <Trash2Icon aria-hidden="true" />
          Delete
        </Button>
      </div>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        {/* The editor is keyed by the chain's last save so it starts from what was saved. */}
        <ChainEditor key={c.updatedAt} chain={c} onSaved={() => undefined} />
        <div className="grid content-start gap-6">
          <Card>
            <CardHeader>
              <CardTitle className="text-base">Run</CardTitle>
            </CardHeader>
            <CardContent>
              <ChainRunForm key={c.updatedAt} chain={c} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle className="text-base">Latest runs</CardTitle>
            </CardHeader>
            <CardContent>
              {runs.isError ? (
                <QueryError title="Could not load the runs" error={runs.error} onRetry={() => void runs.refetch()} retrying={runs.isFetching} />
              ) : !runs.data || runs.data.items.length === 0 ? (
                <p className="text-sm text-muted-foreground">{runs.isPending ? "Loading…" : "No runs yet."}</p>
              ) : (
                <ul aria-label="Latest runs" className="grid gap-2">
                  {runs.data.items.map((r) => (
                    <li key={r.id} className="flex items-center justify-between gap-2 text-sm">
                      <Link href={`/chains/run/?id=${encodeURIComponent(r.id)}`} className="underline-offset-4 hover:underline">
                        {formatDateTime(r.createdAt)}
                      </Link>
                      <span className="flex items-center gap-2">
                        {r.status === "failed" && r.errorStep !== null ? (
                          <span className="text-xs text-muted-foreground">at step {r.errorStep}</span>
                        ) : null}
                        <ChainRunStatusBadge status={r.status} />
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </CardContent>
          </Card>
        </div>
      </div>
      <ConfirmDialog
        open={confirming}
        title="Delete this chain?"
        description="Its runs are deleted with it; their executions stay in the History."
        confirmLabel="Delete chain"
        destructive
        pending={remove.isPending}
        onConfirm={() => void doDelete()}
        onCancel={() => setConfirming(false)}
      />
    </div>
  );
}
