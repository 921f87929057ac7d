import { AlertCircleIcon, Loader2Icon } from "lucide-react";
import Link from "next/link";

import { MarkdownView } from "@/components/markdown-view";
import { RunStats } from "@/components/run-stats";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge, type BadgeProps } from "@/components/ui/badge";
import type { RunColumn as RunColumnState, RunColumnStatus } from "@/lib/run-state";

const statusText: Record<RunColumnStatus, string> = {
  waiting: "Waiting",
  streaming: "Streaming",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

const statusVariant: Record<RunColumnStatus, BadgeProps["variant"]> = {
  waiting: "secondary",
  streaming: "secondary",
  succeeded: "success",
  failed: "destructive",
  cancelled: "outline",
};

/** One model's answer of a run: the streamed Markdown, then its stats or its error. */
export function RunColumn({ column }: { column: RunColumnState }) {
  const live = column.status === "waiting" || column.status === "streaming";
  return (
    <section
      aria-label={`Answer of ${column.model}`}
      className="grid min-w-0 content-start gap-3 rounded-lg border bg-card p-4 text-card-foreground"
    >
      <header className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-mono text-sm font-medium">{column.model}</h3>
        <Badge variant={statusVariant[column.status]} data-testid="run-status">
          {live ? <Loader2Icon className="mr-1 size-3 animate-spin" aria-hidden="true" /> : null}
          {statusText[column.status]}
        </Badge>
      </header>
      <div aria-live="polite" aria-busy={live} data-testid="run-output" className="min-h-12">
        {column.text ? (
          <MarkdownView text={column.text} />
        ) : live ? (
          <p className="text-sm text-muted-foreground">Waiting for the first token…</p>
        ) : column.status === "cancelled" ? (
          <p className="text-sm text-muted-foreground">Stopped before any text arrived.</p>
        ) : null}
      </div>
      {column.error ? (
        <Alert variant="destructive">
          <AlertCircleIcon aria-hidden="true" />
          <AlertTitle>{column.error.code === "upstream_failed" ? "The provider call failed" : "The run failed"}</AlertTitle>
          <AlertDescription>
            <p>{column.error.detail}</p>
            {column.error.reason ? (
              <p>
                Reason: <code className="font-mono">{column.error.reason}</code>
              </p>
            ) : null}
            {column.error.reason === "provider_auth" ? (
              <p>
                <Link href="/settings/keys/" className="font-medium underline underline-offset-4">
                  Check the key in Settings → API keys
                </Link>
              </p>
            ) : null}
          </AlertDescription>
        </Alert>
      ) : null}
      {column.usage && column.costMicros !== null ? (
        <RunStats
          label={`Stats of ${column.model}`}
          usage={column.usage}
          costMicros={column.costMicros}
          ttftMs={column.ttftMs}
          latencyMs={column.latencyMs}
        />
      ) : null}
      {column.executionId && !live ? (
        <Link
          href={`/history/view/?id=${encodeURIComponent(column.executionId)}`}
          className="w-fit text-xs text-muted-foreground underline underline-offset-4 hover:text-foreground"
        >
          Open in history
        </Link>
      ) : null}
    </section>
  );
}
