"use client";

import { AlertCircleIcon, ArrowLeftIcon, FileQuestionIcon, SquareIcon } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { toast } from "sonner";

import { ChainRunStatusBadge } from "@/components/chain-run-status-badge";
import { MarkdownView } from "@/components/markdown-view";
import { PromptTitleLink } from "@/components/prompt-title-link";
import { QueryError } from "@/components/query-error";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useCancelChainRun, useChainRun } from "@/hooks/use-chains";
import { isApiError } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import { errorMessage } from "@/lib/forms";
import { chainRunActive, type Binding, type ChainRunStep } from "@/lib/validations/chain";

function describeBinding(b: Binding): string {
  if ("input" in b) return `input ${b.input}`;
  if ("step" in b) return `output of step ${b.step}`;
  return `“${b.literal}”`;
}

function StepCard({ step }: { step: ChainRunStep }) {
  const bindings = Object.entries(step.bindings);
  return (
    <Card role="region" aria-label={`Step ${step.position}`}>
      <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-2">
        <CardTitle className="flex flex-wrap items-center gap-2 text-base">
          Step {step.position}: <PromptTitleLink id={step.promptId} />
          <span className="font-mono text-xs text-muted-foreground">
            {step.promptVersion === null ? "draft" : `v${step.promptVersion}`} · {step.model}
          </span>
        </CardTitle>
        <ChainRunStatusBadge status={step.status} data-testid="step-status" />
      </CardHeader>
      <CardContent className="grid gap-3">
        {bindings.length > 0 ? (
          <ul aria-label="Bindings" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground">
            {bindings.map(([name, b]) => (
              <li key={name}>
                <span className="font-mono">{`{{${name}}}`}</span> ← {describeBinding(b)}
              </li>
            ))}
          </ul>
        ) : null}
        {step.output !== null ? (
          <div data-testid="step-output" className="rounded-md border bg-muted/30 p-3 text-sm">
            <MarkdownView text={step.output} />
          </div>
        ) : null}
        {step.status === "failed" ? (
          <Alert variant="destructive">
            <AlertCircleIcon aria-hidden="true" />
            <AlertTitle>Step {step.position} failed{step.errorCode ? ` (${step.errorCode})` : ""}</AlertTitle>
            <AlertDescription>{step.errorMessage}</AlertDescription>
          </Alert>
        ) : null}
        {step.status === "running" ? <p className="text-sm text-muted-foreground">Running…</p> : null}
        {step.executionId ? (
          <Link
            href={`/history/view/?id=${encodeURIComponent(step.executionId)}`}
            className="w-fit text-sm font-medium underline-offset-4 hover:underline"
          >
            Open the execution of step {step.position}
          </Link>
        ) : null}
      </CardContent>
    </Card>
  );
}

/**
 * One run of a chain (`/chains/run/?id=…`): each step with its status,
 * output and error, read again every second while the run is under way.
 */
export function ChainRunView() {
  const id = useSearchParams().get("id") ?? "";
  const run = useChainRun(id);
  const cancel = useCancelChainRun();

  const back = (
    <Button asChild variant="outline">
      <Link href="/chains/">Back to chains</Link>
    </Button>
  );
  if (!id) return <EmptyState icon={FileQuestionIcon} title="No run selected" action={back} />;
  if (run.isPending) {
    return (
      <div role="status" aria-label="Loading the run" className="grid gap-4">
        <Skeleton className="h-8 w-2/3" />
        <Skeleton className="h-48 w-full" />
      </div>
    );
  }
  if (run.isError) {
    if (isApiError(run.error, "not_found")) {
      return <EmptyState icon={FileQuestionIcon} title="Run not found" description="Its chain may have been deleted." action={back} />;
    }
    return <QueryError title="Could not load the run" error={run.error} onRetry={() => void run.refetch()} retrying={run.isFetching} />;
  }

  const r = run.data;
  const doCancel = async () => {
    try {
      await cancel.mutateAsync(r.id);
      toast.success("Run cancelled");
    } catch (err) {
      toast.error("Could not cancel the run", { description: errorMessage(err) });
    }
  };
  const inputs = Object.entries(r.inputs);

  return (
    <div className="grid gap-6">
      <div className="grid gap-3">
        <Link
          href={`/chains/view/?id=${encodeURIComponent(r.chainId)}`}
          className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
        >
          <ArrowLeftIcon className="size-4" aria-hidden="true" />
          Chain
        </Link>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="grid gap-2">
            <h1 className="text-2xl font-semibold tracking-tight">Chain run</h1>
            <div className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
              <ChainRunStatusBadge status={r.status} data-testid="run-status" />
              <span>
                Step {Math.min(r.currentStep, r.stepCount)} of {r.stepCount}
              </span>
              <span>· started {formatDateTime(r.createdAt)}</span>
              {r.finishedAt ? <span>· finished {formatDateTime(r.finishedAt)}</span> : null}
            </div>
          </div>
          {chainRunActive(r.status) ? (
            <Button variant="outline" onClick={() => void doCancel()} disabled={cancel.isPending}>
              <SquareIcon aria-hidden="true" />
              Cancel run
            </Button>
          ) : null}
        </div>
      </div>

      {r.status === "failed" && r.errorStep !== null ? (
        <Alert variant="destructive" role="alert">
          <AlertCircleIcon aria-hidden="true" />
          <AlertTitle>The run failed at step {r.errorStep}</AlertTitle>
          <AlertDescription>{r.errorMessage}</AlertDescription>
        </Alert>
      ) : null}

      {inputs.length > 0 ? (
        <dl aria-label="Inputs" className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          {inputs.map(([name, value]) => (
            <div key={name} className="contents">
              <dt className="font-mono text-muted-foreground">{name}</dt>
              <dd className="min-w-0 break-words whitespace-pre-wrap">{value}</dd>
            </div>
          ))}
        </dl>
      ) : null}

      <div className="grid gap-4">
        {r.steps.map((s) => (
          <StepCard key={s.position} step={s} />
        ))}
      </div>
    </div>
  );
}
