"use client";

import { AlertCircleIcon, ArrowLeftIcon, BanIcon, FileQuestionIcon, Loader2Icon, RotateCwIcon, Trash2Icon } from "lucide-react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";

import { ConfirmDialog } from "@/components/confirm-dialog";
import { ExecutionStatusBadge } from "@/components/execution-status-badge";
import { MarkdownView } from "@/components/markdown-view";
import { PromptTitleLink } from "@/components/prompt-title-link";
import { QueryError } from "@/components/query-error";
import { RunStats } from "@/components/run-stats";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useCancelExecution, useDeleteExecution, useExecution, useRerunExecution } from "@/hooks/use-executions";
import { isApiError } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import { errorMessage } from "@/lib/forms";

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

const none = <span className="text-muted-foreground">None</span>;

/** One recorded run (`/history/view/?id=…`): inputs, answer, usage, cost, timings, error; re-run, cancel (while running) or delete it. */
export function ExecutionDetail() {
  const searchParams = useSearchParams();
  const id = searchParams.get("id") ?? "";
  const router = useRouter();
  const execution = useExecution(id);
  const rerun = useRerunExecution();
  const remove = useDeleteExecution();
  const cancel = useCancelExecution();
  const [confirming, setConfirming] = useState(false);

  const back = (
    <Button asChild variant="outline">
      <Link href="/history/">Back to history</Link>
    </Button>
  );
  if (!id) return <EmptyState icon={FileQuestionIcon} title="No run selected" action={back} />;
  if (execution.isPending) {
    return (
      <div role="status" aria-label="Loading the run" className="grid gap-4">
        <Skeleton className="h-8 w-2/3" />
        <Skeleton className="h-48 w-full" />
      </div>
    );
  }
  if (execution.isError) {
    if (isApiError(execution.error, "not_found")) {
      return <EmptyState icon={FileQuestionIcon} title="Run not found" description="It may have been deleted." action={back} />;
    }
    return (
      <QueryError
        title="Could not load the run"
        error={execution.error}
        onRetry={() => void execution.refetch()}
        retrying={execution.isFetching}
      />
    );
  }

  const x = execution.data;
  const variables = Object.entries(x.variables);
  const params = [
    x.params.temperature !== undefined ? `temperature ${x.params.temperature}` : null,
    x.params.topP !== undefined ? `top P ${x.params.topP}` : null,
    x.params.maxTokens !== undefined ? `max tokens ${x.params.maxTokens.toLocaleString()}` : null,
  ].filter(Boolean);

  const doRerun = async () => {
    try {
      const next = await rerun.mutateAsync(x.id);
      toast.success("Run again", { description: `${next.model}: ${next.status}` });
      router.push(`/history/view/?id=${encodeURIComponent(next.id)}`);
    } catch (err) {
      const nextId = isApiError(err) && typeof err.extra.executionId === "string" ? err.extra.executionId : null;
      toast.error("The re-run failed", { description: errorMessage(err) });
      if (nextId) router.push(`/history/view/?id=${encodeURIComponent(nextId)}`);
    }
  };

  const doCancel = async () => {
    try {
      await cancel.mutateAsync(x.id);
      toast.success("Run cancelled");
    } catch (err) {
      // A run that ended meanwhile is a conflict; the refreshed run shows how it ended.
      toast.error("Could not cancel the run", { description: errorMessage(err) });
    }
  };

  const doDelete = async () => {
    try {
      await remove.mutateAsync(x.id);
      setConfirming(false);
      toast.success("Run deleted");
      router.push("/history/");
    } catch (err) {
      toast.error("Could not delete the run", { description: errorMessage(err) });
    }
  };

  return (
    <div className="grid gap-6">
      <div className="grid gap-3">
        <Link
          href="/history/"
          className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
        >
          <ArrowLeftIcon className="size-4" aria-hidden="true" />
          History
        </Link>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="grid gap-2">
            <h1 className="text-2xl font-semibold tracking-tight">
              Run of <span className="font-mono text-xl">{x.model}</span>
            </h1>
            <div className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
              <ExecutionStatusBadge status={x.status} />
              <time dateTime={x.createdAt}>{formatDateTime(x.createdAt)}</time>
            </div>
          </div>
          <div className="flex flex-wrap gap-2" role="toolbar" aria-label="Run actions">
            {x.status === "running" ? (
              <Button variant="outline" onClick={() => void doCancel()} disabled={cancel.isPending}>
                {cancel.isPending ? (
                  <Loader2Icon className="animate-spin" aria-hidden="true" />
                ) : (
                  <BanIcon aria-hidden="true" />
                )}
                Cancel run
              </Button>
            ) : null}
            <Button onClick={() => void doRerun()} disabled={rerun.isPending}>
              {rerun.isPending ? (
                <Loader2Icon className="animate-spin" aria-hidden="true" />
              ) : (
                <RotateCwIcon aria-hidden="true" />
              )}
              Re-run
            </Button>
            <Button variant="outline" onClick={() => setConfirming(true)}>
              <Trash2Icon aria-hidden="true" />
              Delete
            </Button>
          </div>
        </div>
      </div>

      {x.errorCode || x.errorMessage ? (
        <Alert variant={x.status === "cancelled" ? "warning" : "destructive"}>
          <AlertCircleIcon aria-hidden="true" />
          <AlertTitle>{x.status === "cancelled" ? "Cancelled" : "The run failed"}</AlertTitle>
          <AlertDescription>
            {x.errorMessage ? <p>{x.errorMessage}</p> : null}
            {x.errorCode ? (
              <p>
                Code: <code className="font-mono">{x.errorCode}</code>
              </p>
            ) : null}
          </AlertDescription>
        </Alert>
      ) : null}

      <Card>
        <CardHeader>
          <CardTitle>Response</CardTitle>
        </CardHeader>
        <CardContent>
          {x.responseText ? <MarkdownView text={x.responseText} /> : <p className="text-sm text-muted-foreground">No text.</p>}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Usage and timings</CardTitle>
        </CardHeader>
        <CardContent>
          <RunStats usage={x.usage} costMicros={x.costMicros} ttftMs={x.ttftMs} latencyMs={x.latencyMs} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Inputs</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-3 text-sm sm:grid-cols-[10rem_1fr]">
            <Meta label="Prompt">
              <PromptTitleLink id={x.promptId} />
            </Meta>
            <Meta label="Version">{x.promptVersion === null ? "Working draft" : `v${x.promptVersion}`}</Meta>
            <Meta label="Model">
              <span className="font-mono text-xs">{x.model}</span>
            </Meta>
            <Meta label="Variables">
              {variables.length > 0 ? (
                <ul className="grid gap-2" aria-label="Variables">
                  {variables.map(([k, v]) => (
                    <li key={k} className="grid gap-1">
                      <code className="font-mono text-xs">{`{{${k}}}`}</code>
                      <pre className="whitespace-pre-wrap break-words rounded-md border bg-muted/40 p-2 font-mono text-xs">{v}</pre>
                    </li>
                  ))}
                </ul>
              ) : (
                none
              )}
            </Meta>
            <Meta label="Parameters">{params.length > 0 ? params.join(" · ") : none}</Meta>
            <Meta label="System prompt">
              {x.params.systemPrompt ? (
                <pre className="whitespace-pre-wrap break-words rounded-md border bg-muted/40 p-2 font-mono text-xs">
                  {x.params.systemPrompt}
                </pre>
              ) : (
                none
              )}
            </Meta>
            <Meta label="Attempts">{x.attempts}</Meta>
            <Meta label="Finished">{formatDateTime(x.finishedAt)}</Meta>
            <Meta label="Request ID">
              <span className="font-mono text-xs">{x.requestId || "—"}</span>
            </Meta>
          </dl>
        </CardContent>
      </Card>

      <ConfirmDialog
        open={confirming}
        title="Delete this run?"
        description="It is removed from the history for good."
        confirmLabel="Delete run"
        destructive
        pending={remove.isPending}
        onConfirm={() => void doDelete()}
        onCancel={() => setConfirming(false)}
      />
    </div>
  );
}
