"use client";

import { useQueryClient } from "@tanstack/react-query";
import { ArrowLeftIcon, DownloadIcon, FileQuestionIcon, Loader2Icon, OctagonXIcon } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { toast } from "sonner";

import { BatchItemsTable } from "@/components/batch-items-table";
import { BatchProgress } from "@/components/batch-progress";
import { BatchStatusBadge } from "@/components/batch-status-badge";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { PromptTitleLink } from "@/components/prompt-title-link";
import { QueryError } from "@/components/query-error";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { batchesQueryKey, useBatch, useCancelBatch } from "@/hooks/use-batches";
import { executionsQueryKey } from "@/hooks/use-executions";
import { fetchBatchResults, followBatch, isApiError } from "@/lib/api";
import { downloadBlob } from "@/lib/download";
import { formatDateTime } from "@/lib/format";
import { errorMessage } from "@/lib/forms";
import type { Batch } from "@/lib/validations/batch";

/** How long to wait before following again when the progress stream drops. */
const RECONNECT_MS = 2000;

/**
 * Keeps a batch's cached copy current from its progress stream while it
 * runs, and refreshes its items and the history as items settle.
 */
function useFollowBatch(batch: Batch | undefined) {
  const queryClient = useQueryClient();
  const id = batch?.id ?? "";
  const finished = batch ? batch.finishedAt !== null : true;
  useEffect(() => {
    if (!id || finished) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = -1;
    const onProgress = (b: Batch) => {
      queryClient.setQueryData([...batchesQueryKey, "detail", id], b);
      const now = b.total - b.remaining;
      if (now !== settled) {
        settled = now;
        void queryClient.invalidateQueries({ queryKey: [...batchesQueryKey, "items", id] });
      }
    };
    const follow = () => {
      followBatch(id, { onProgress, signal: controller.signal })
        .then((b) => {
          if (b.finishedAt === null && !controller.signal.aborted) timer = setTimeout(follow, RECONNECT_MS);
          else void queryClient.invalidateQueries({ queryKey: executionsQueryKey });
        })
        .catch(() => {
          if (!controller.signal.aborted) timer = setTimeout(follow, RECONNECT_MS);
        });
    };
    follow();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [id, finished, queryClient]);
}

/** One batch (`/batches/view/?id=…`): live progress and counters, cancel, results download and its items. */
export function BatchDetail() {
  const searchParams = useSearchParams();
  const id = searchParams.get("id") ?? "";
  const batch = useBatch(id);
  const cancel = useCancelBatch();
  const [confirming, setConfirming] = useState(false);
  const [downloading, setDownloading] = useState<"csv" | "json" | null>(null);
  useFollowBatch(batch.data);

  const back = (
    <Button asChild variant="outline">
      <Link href="/batches/">Back to batches</Link>
    </Button>
  );
  if (!id) return <EmptyState icon={FileQuestionIcon} title="No batch selected" action={back} />;
  if (batch.isPending) {
    return (
      <div role="status" aria-label="Loading the batch" className="grid gap-4">
        <Skeleton className="h-8 w-2/3" />
        <Skeleton className="h-32 w-full" />
      </div>
    );
  }
  if (batch.isError) {
    if (isApiError(batch.error, "not_found")) {
      return <EmptyState icon={FileQuestionIcon} title="Batch not found" description="It may have been deleted." action={back} />;
    }
    return (
      <QueryError title="Could not load the batch" error={batch.error} onRetry={() => void batch.refetch()} retrying={batch.isFetching} />
    );
  }

  const b = batch.data;
  const active = b.status === "queued" || b.status === "running";

  const doCancel = async () => {
    try {
      await cancel.mutateAsync(b.id);
      setConfirming(false);
      toast.success("Batch cancelled", { description: "Pending rows will not run; rows already running finish." });
    } catch (err) {
      toast.error("Could not cancel the batch", { description: errorMessage(err) });
    }
  };

  const download = async (format: "csv" | "json") => {
    setDownloading(format);
    try {
      downloadBlob(`krowoc-batch-${b.id}.${format}`, await fetchBatchResults(b.id, format));
    } catch (err) {
      toast.error("Could not download the results", { description: errorMessage(err) });
    } finally {
      setDownloading(null);
    }
  };

  return (
    <div className="grid gap-6">
      <div className="grid gap-3">
        <Link href="/batches/" className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground">
          <ArrowLeftIcon className="size-4" aria-hidden="true" />
          Batches
        </Link>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="grid gap-2">
            <h1 className="text-2xl font-semibold tracking-tight">Batch of {b.rows.toLocaleString()} rows</h1>
            <div className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
              <BatchStatusBadge status={b.status} />
              <span>
                Prompt <PromptTitleLink id={b.promptId} />
              </span>
              <span className="font-mono text-xs">{b.models.join(", ")}</span>
              <time dateTime={b.createdAt}>{formatDateTime(b.createdAt)}</time>
            </div>
          </div>
          <div className="flex flex-wrap gap-2" role="toolbar" aria-label="Batch actions">
            <Button variant="outline" onClick={() => void download("csv")} disabled={downloading !== null}>
              {downloading === "csv" ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : <DownloadIcon aria-hidden="true" />}
              Download CSV
            </Button>
            <Button variant="outline" onClick={() => void download("json")} disabled={downloading !== null}>
              {downloading === "json" ? <Loader2Icon className="animate-spin" aria-hidden="true" /> : <DownloadIcon aria-hidden="true" />}
              Download JSON
            </Button>
            {active ? (
              <Button variant="destructive" onClick={() => setConfirming(true)}>
                <OctagonXIcon aria-hidden="true" />
                Cancel batch
              </Button>
            ) : null}
          </div>
        </div>
      </div>

      <Card>
        <CardContent className="pt-6">
          <BatchProgress batch={b} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Rows</CardTitle>
        </CardHeader>
        <CardContent>
          <BatchItemsTable batch={b} />
        </CardContent>
      </Card>

      <ConfirmDialog
        open={confirming}
        title="Cancel this batch?"
        description="Rows that have not started will not run. Rows already running finish and are counted."
        confirmLabel="Cancel batch"
        destructive
        pending={cancel.isPending}
        onConfirm={() => void doCancel()}
        onCancel={() => setConfirming(false)}
      />
    </div>
  );
}
