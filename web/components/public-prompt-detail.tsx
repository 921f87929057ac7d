"use client";

import { ArrowLeftIcon, FileQuestionIcon, GitForkIcon, LogInIcon } from "lucide-react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState, type ReactNode } from "react";

import { ForkOrigin } from "@/components/fork-origin";
import { ForkPromptDialog } from "@/components/fork-prompt-dialog";
import { HighlightedPromptText } from "@/components/highlighted-prompt-text";
import { QueryError } from "@/components/query-error";
import { RunPanel } from "@/components/run-panel";
import { Sparkline } from "@/components/sparkline";
import { VoteControl } from "@/components/vote-control";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { useAuth } from "@/hooks/use-auth";
import { usePublicPrompt } from "@/hooks/use-leaderboard";
import { isApiError } from "@/lib/api";
import { formatDate, formatNumber } from "@/lib/format";
import { authorName, type PublicPrompt } from "@/lib/validations/leaderboard";
import type { Prompt } from "@/lib/validations/prompt";

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1 rounded-lg border p-3" data-stat={label}>
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums">{children}</dd>
    </div>
  );
}

/** The run panel's view of a public prompt: its published version, nothing else. */
function asRunnablePrompt(p: PublicPrompt): Prompt {
  return {
    id: p.id,
    workspaceId: "",
    title: p.title,
    description: p.description,
    promptText: p.promptText,
    tags: p.tags,
    modelWhitelist: p.modelWhitelist,
    defaultModel: p.defaultModel,
    defaultParams: p.defaultParams,
    variables: p.variables,
    status: "published",
    visibility: "public",
    latestVersion: p.version,
    publishedVersion: p.version,
    hasDraftChanges: false,
    ownerId: p.authorId,
    createdBy: p.authorId,
    updatedBy: p.authorId,
    createdAt: p.publishedAt,
    updatedAt: p.publishedAt,
    deletedAt: null,
    forkedFrom: p.forkedFrom,
  };
}

/** A public prompt's page (`/p/view/?id=…`): readable by anyone; signed-in users vote, fork and run it. */
export function PublicPromptDetail() {
  const id = useSearchParams().get("id") ?? "";
  const prompt = usePublicPrompt(id);
  const auth = useAuth();
  const [forking, setForking] = useState(false);
  const signedIn = auth.status === "authenticated";
  const back = (
    <Button asChild variant="outline">
      <Link href="/leaderboard/">Back to the leaderboard</Link>
    </Button>
  );

  if (!id) return <EmptyState icon={FileQuestionIcon} title="No prompt selected" action={back} />;
  if (prompt.isPending) {
    return (
      <div role="status" aria-label="Loading the prompt" className="grid gap-4">
        <Skeleton className="h-8 w-2/3" />
        <Skeleton className="h-5 w-40" />
        <Skeleton className="h-48 w-full" />
      </div>
    );
  }
  if (prompt.isError) {
    if (isApiError(prompt.error, "not_found")) {
      return (
        <EmptyState
          icon={FileQuestionIcon}
          title="This prompt is not public"
          description="It may have been made private, unpublished or deleted."
          action={back}
        />
      );
    }
    return (
      <QueryError
        title="Could not load the prompt"
        error={prompt.error}
        onRetry={() => void prompt.refetch()}
        retrying={prompt.isFetching}
      />
    );
  }

  const p = prompt.data;
  return (
    <div className="grid gap-6">
      <div className="grid gap-3">
        <Link
          href="/leaderboard/"
          className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
        >
          <ArrowLeftIcon className="size-4" aria-hidden="true" />
          Leaderboard
        </Link>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="grid min-w-0 gap-2">
            <h1 className="break-words text-2xl font-semibold tracking-tight">{p.title}</h1>
            <p className="text-sm text-muted-foreground">
              by <span className="font-medium text-foreground">{authorName(p.author)}</span> · v{p.version} · published{" "}
              {formatDate(p.publishedAt)}
            </p>
            {p.tags.length > 0 ? (
              <ul className="flex flex-wrap gap-1" aria-label="Tags">
                {p.tags.map((t) => (
                  <li key={t}>
                    <Badge variant="secondary">{t}</Badge>
                  </li>
                ))}
              </ul>
            ) : null}
            {p.forkedFrom ? <ForkOrigin origin={p.forkedFrom} /> : null}
          </div>
          <div className="flex flex-wrap items-center gap-2" role="toolbar" aria-label="Prompt actions">
            <VoteControl promptId={p.id} title={p.title} authorId={p.authorId} votes={p.votes} className="rounded-md border px-1" />
            {signedIn ? (
              <Button onClick={() => setForking(true)}>
                <GitForkIcon aria-hidden="true" />
                Fork
              </Button>
            ) : (
              <Button asChild variant="outline">
                <Link href={`/sign-in/?next=${encodeURIComponent(`/p/view/?id=${p.id}`)}`}>
                  <LogInIcon aria-hidden="true" />
                  Sign in to vote, fork and run
                </Link>
              </Button>
            )}
          </div>
        </div>
      </div>

      {p.description ? <p className="whitespace-pre-wrap text-sm">{p.description}</p> : null}

      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        <Stat label="Rank">{p.rank === null ? "—" : `#${p.rank}`}</Stat>
        <Stat label="Runs (24 h)">
          <span className="flex items-center justify-between gap-2">
            {formatNumber(p.executions24h)}
            <Sparkline values={p.activity} label={`${p.executions24h} runs in the last 24 hours, hour by hour`} width={64} />
          </span>
        </Stat>
        <Stat label="Runs (all time)">{formatNumber(p.stats.executions)}</Stat>
        <Stat label="Votes">{formatNumber(p.votes.net)}</Stat>
        <Stat label="Forks">{formatNumber(p.stats.forks)}</Stat>
      </dl>

      <Card>
        <CardHeader>
          <CardTitle>Prompt text</CardTitle>
        </CardHeader>
        <CardContent>
          <HighlightedPromptText text={p.promptText} className="rounded-md border bg-muted/40 p-3" />
          {p.defaultParams.systemPrompt ? (
            <div className="mt-4 grid gap-2">
              <h3 className="text-sm font-medium">System prompt</h3>
              <pre className="whitespace-pre-wrap break-words rounded-md border bg-muted/40 p-3 font-mono text-sm">
                {p.defaultParams.systemPrompt}
              </pre>
            </div>
          ) : null}
        </CardContent>
      </Card>

      {signedIn ? <RunPanel prompt={asRunnablePrompt(p)} publicRun /> : null}

      <ForkPromptDialog
        prompt={forking ? { id: p.id, title: p.title, version: p.version } : null}
        onClose={() => setForking(false)}
      />
    </div>
  );
}
