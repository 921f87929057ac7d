"use client";

import {
  ArchiveIcon,
  ArchiveRestoreIcon,
  ArrowLeftIcon,
  ChevronDownIcon,
  DownloadIcon,
  FileQuestionIcon,
  LayersIcon,
  PencilIcon,
  SendIcon,
  Trash2Icon,
} from "lucide-react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";

import { BatchRunDialog } from "@/components/batch-run-dialog";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { ForkOrigin } from "@/components/fork-origin";
import { HighlightedPromptText } from "@/components/highlighted-prompt-text";
import { publicPromptHref } from "@/components/leaderboard-table";
import { PromptEditorForm } from "@/components/prompt-editor-form";
import { PromptAnalytics } from "@/components/prompt-analytics";
import { PromptExecutionHistory } from "@/components/prompt-execution-history";
import { PromptStatusBadge, VisibilityBadge } from "@/components/prompt-status-badge";
import { PromptVersionHistory } from "@/components/prompt-version-history";
import { PublishPromptDialog } from "@/components/publish-prompt-dialog";
import { QueryError } from "@/components/query-error";
import { QuotaExceededDialog } from "@/components/quota-exceeded-dialog";
import { RunPanel } from "@/components/run-panel";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { EmptyState } from "@/components/ui/empty-state";
import { Sheet, SheetContent, SheetDescription, SheetTitle } from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { useMe } from "@/hooks/use-me";
import { useDeletePrompt, usePrompt, usePromptAction } from "@/hooks/use-prompts";
import { exportPrompt, isApiError } from "@/lib/api";
import { downloadJson, safeFileName } from "@/lib/download";
import { formatDateTime } from "@/lib/format";
import { errorMessage } from "@/lib/forms";
import { quotaFromError } from "@/lib/quota";
import { canWrite } from "@/lib/validations/me";
import type { Prompt, QuotaProblem } from "@/lib/validations/prompt";

function DetailSkeleton() {
  return (
    <div role="status" aria-label="Loading the prompt" className="grid gap-4">
      <Skeleton className="h-8 w-2/3" />
      <Skeleton className="h-5 w-40" />
      <Skeleton className="h-48 w-full" />
    </div>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

const none = <span className="text-muted-foreground">None</span>;

function paramsText(p: Prompt["defaultParams"]): ReactNode {
  const parts = [
    p.temperature !== undefined ? `temperature ${p.temperature}` : null,
    p.topP !== undefined ? `top P ${p.topP}` : null,
    p.maxTokens !== undefined ? `max tokens ${p.maxTokens.toLocaleString()}` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : none;
}

/** The prompt page (`/prompts/view/?id=…`): content, metadata, lifecycle actions and version history. */
export function PromptDetail() {
  const searchParams = useSearchParams();
  const id = searchParams.get("id") ?? "";
  const router = useRouter();
  const prompt = usePrompt(id);
  const me = useMe();
  const action = usePromptAction();
  const remove = useDeletePrompt();

  const [editing, setEditing] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [batching, setBatching] = useState(false);
  const [confirm, setConfirm] = useState<"trash" | "purge" | null>(null);
  const [quota, setQuota] = useState<QuotaProblem | null>(null);

  if (!id) {
    return (
      <EmptyState
        icon={FileQuestionIcon}
        title="No prompt selected"
        action={
          <Button asChild variant="outline">
            <Link href="/prompts/">Back to prompts</Link>
          </Button>
        }
      />
    );
  }
  if (prompt.isPending) return <DetailSkeleton />;
  if (prompt.isError) {
    if (isApiError(prompt.error, "not_found")) {
      return (
        <EmptyState
          icon={FileQuestionIcon}
          title="Prompt not found"
          description="It may have been deleted forever, or you have no access to it."
          action={
            <Button asChild variant="outline">
              <Link href="/prompts/">Back to prompts</Link>
            </Button>
          }
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
  const role = me.data?.workspaces.find((w) => w.id === p.workspaceId)?.role;
  const writable = canWrite(role);
  const trashed = p.deletedAt !== null;
  const unpublished = p.hasDraftChanges && p.publishedVersion !== null;
  const canPublish = p.status !== "archived" && (p.status !== "published" || p.hasDraftChanges);

  const run = async (a: Parameters<typeof action.mutateAsync>[0]["action"], done: string) => {
    try {
      await action.mutateAsync({ id: p.id, action: a });
      toast.success(done);
    } catch (err) {
      const q = quotaFromError(err);
      if (q) setQuota(q);
      else toast.error("Could not update the prompt", { description: errorMessage(err) });
    }
  };

  const doExport = async () => {
    try {
      const doc = await exportPrompt(p.id);
      downloadJson(`${safeFileName(p.title, "prompt")}.krowoc.json`, doc);
    } catch (err) {
      toast.error("Could not export", { description: errorMessage(err) });
    }
  };

  const doDelete = async (permanent: boolean) => {
    try {
      await remove.mutateAsync({ id: p.id, permanent });
      setConfirm(null);
      if (permanent) {
        toast.success(`"${p.title}" deleted forever`);
        router.push("/prompts/?view=trash");
      } else {
        toast.success(`"${p.title}" moved to the trash`);
      }
    } catch (err) {
      toast.error("Could not delete the prompt", { description: errorMessage(err) });
    }
  };

  return (
    <div className="grid gap-6">
      <div className="grid gap-3">
        <Link
          href="/prompts/"
          className="inline-flex w-fit items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
        >
          <ArrowLeftIcon className="size-4" aria-hidden="true" />
          Prompts
        </Link>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="grid min-w-0 gap-2">
            <h1 className="break-words text-2xl font-semibold tracking-tight">{p.title}</h1>
            <div className="flex flex-wrap items-center gap-1.5">
              <PromptStatusBadge status={p.status} />
              <VisibilityBadge visibility={p.visibility} />
              {p.latestVersion > 0 ? <Badge variant="outline">v{p.latestVersion}</Badge> : null}
              {trashed ? <Badge variant="destructive">In the trash</Badge> : null}
            </div>
          </div>
          <div className="flex flex-wrap gap-2" aria-label="Prompt actions" role="toolbar">
            {writable && trashed ? (
              <>
                <Button variant="outline" onClick={() => void run({ kind: "undelete" }, "Prompt restored")}>
                  <ArchiveRestoreIcon aria-hidden="true" />
                  Restore
                </Button>
                <Button variant="destructive" onClick={() => setConfirm("purge")}>
                  <Trash2Icon aria-hidden="true" />
                  Delete forever
                </Button>
              </>
            ) : null}
            {writable && !trashed ? (
              <>
                {p.status !== "archived" ? (
                  <Button variant="outline" onClick={() => setEditing(true)}>
                    <PencilIcon aria-hidden="true" />
                    Edit
                  </Button>
                ) : null}
                {p.status !== "archived" ? (
                  <Button
                    onClick={() => setPublishing(true)}
                    disabled={!canPublish}
                    title={canPublish ? undefined : "Nothing changed since the published version"}
                  >
                    <SendIcon aria-hidden="true" />
                    Publish
                  </Button>
                ) : null}
                {p.status === "archived" ? (
                  <DropdownMenu>
                    <DropdownMenuTrigger asChild>
                      <Button variant="outline">
                        <ArchiveRestoreIcon aria-hidden="true" />
                        Unarchive
                        <ChevronDownIcon aria-hidden="true" />
                      </Button>
                    </DropdownMenuTrigger>
                    <DropdownMenuContent align="end">
                      <DropdownMenuItem onSelect={() => void run({ kind: "unarchive", to: "draft" }, "Moved back to draft")}>
                        Unarchive to draft
                      </DropdownMenuItem>
                      <DropdownMenuItem
                        disabled={p.publishedVersion === null}
                        onSelect={() => void run({ kind: "unarchive", to: "published" }, "Published again")}
                      >
                        Unarchive to published
                      </DropdownMenuItem>
                    </DropdownMenuContent>
                  </DropdownMenu>
                ) : (
                  <Button variant="outline" onClick={() => void run({ kind: "archive" }, "Prompt archived")}>
                    <ArchiveIcon aria-hidden="true" />
                    Archive
                  </Button>
                )}
                <Button variant="outline" onClick={() => setConfirm("trash")}>
                  <Trash2Icon aria-hidden="true" />
                  Move to trash
                </Button>
              </>
            ) : null}
            {writable && !trashed ? (
              <Button variant="outline" onClick={() => setBatching(true)}>
                <LayersIcon aria-hidden="true" />
                Run as batch
              </Button>
            ) : null}
            <Button variant="outline" onClick={() => void doExport()}>
              <DownloadIcon aria-hidden="true" />
              Export
            </Button>
          </div>
        </div>
      </div>

      {unpublished && !trashed ? (
        <Alert variant="warning">
          <AlertTitle>Unpublished changes</AlertTitle>
          <AlertDescription>
            The working draft differs from the published version v{p.publishedVersion}. Publish to make the changes live.
          </AlertDescription>
        </Alert>
      ) : null}
      {trashed ? (
        <Alert variant="warning">
          <AlertTitle>This prompt is in the trash</AlertTitle>
          <AlertDescription>It is deleted for good 30 days after {formatDateTime(p.deletedAt)}.</AlertDescription>
        </Alert>
      ) : null}

      {p.forkedFrom ? <ForkOrigin origin={p.forkedFrom} /> : null}
      {p.visibility === "public" && p.publishedVersion !== null && !trashed && p.status === "published" ? (
        <p className="text-sm">
          <Link href={publicPromptHref(p.id)} className="text-primary underline-offset-4 hover:underline">
            Open the public page
          </Link>
        </p>
      ) : null}
      {p.description ? <p className="whitespace-pre-wrap text-sm">{p.description}</p> : null}

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

      <Card>
        <CardHeader>
          <CardTitle>Details</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-3 text-sm sm:grid-cols-[10rem_1fr]">
            <Meta label="Tags">
              {p.tags.length > 0 ? (
                <ul className="flex flex-wrap gap-1" aria-label="Tags">
                  {p.tags.map((t) => (
                    <li key={t}>
                      <Badge variant="secondary">{t}</Badge>
                    </li>
                  ))}
                </ul>
              ) : (
                none
              )}
            </Meta>
            <Meta label="Allowed models">
              {p.modelWhitelist.length > 0 ? (
                <span className="font-mono text-xs">{p.modelWhitelist.join(", ")}</span>
              ) : (
                <span className="text-muted-foreground">Any model</span>
              )}
            </Meta>
            <Meta label="Default model">
              {p.defaultModel ? <span className="font-mono text-xs">{p.defaultModel}</span> : none}
            </Meta>
            <Meta label="Default parameters">{paramsText(p.defaultParams)}</Meta>
            <Meta label="Variables">
              {p.variables.length > 0 ? (
                <ul className="grid gap-1" aria-label="Variables">
                  {p.variables.map((v) => (
                    <li key={v.name}>
                      <code className="font-mono">{`{{${v.name}}}`}</code>
                      {v.default !== undefined ? (
                        <span className="text-muted-foreground"> — default “{v.default}”</span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : (
                none
              )}
            </Meta>
            <Meta label="Versions">
              {p.latestVersion === 0
                ? "Never published"
                : `${p.latestVersion} (published: ${p.publishedVersion === null ? "none" : `v${p.publishedVersion}`})`}
            </Meta>
            <Meta label="Created">{formatDateTime(p.createdAt)}</Meta>
            <Meta label="Updated">{formatDateTime(p.updatedAt)}</Meta>
          </dl>
        </CardContent>
      </Card>

      {writable && !trashed ? <RunPanel prompt={p} /> : null}

      <PromptVersionHistory prompt={p} canWrite={writable} />

      {me.isSuccess ? <PromptAnalytics prompt={p} /> : null}

      {me.isSuccess ? <PromptExecutionHistory promptId={p.id} workspaceId={p.workspaceId} /> : null}

      {writable ? (
        <>
          <Sheet open={editing} onOpenChange={setEditing}>
            <SheetContent side="right" closeLabel="Close editor" className="gap-5 p-6">
              <div className="grid gap-1.5 pr-6">
                <SheetTitle className="text-lg font-semibold">Edit prompt</SheetTitle>
                <SheetDescription className="text-sm text-muted-foreground">
                  Changes are saved to the working draft.
                </SheetDescription>
              </div>
              {/* Keyed by updatedAt so the form starts from the latest draft each time. */}
              <PromptEditorForm
                key={p.updatedAt}
                mode="edit"
                context="detail"
                initialValues={p}
                onCancel={() => setEditing(false)}
                onSaved={() => {
                  setEditing(false);
                  toast.success("Draft saved");
                }}
              />
            </SheetContent>
          </Sheet>
          {publishing ? <PublishPromptDialog prompt={p} open={publishing} onOpenChange={setPublishing} /> : null}
          {batching ? <BatchRunDialog prompt={p} open={batching} onOpenChange={setBatching} /> : null}
        </>
      ) : null}
      <ConfirmDialog
        open={confirm === "trash"}
        title="Move to trash?"
        description="The prompt stays in the trash for 30 days; you can restore it until then."
        confirmLabel="Move to trash"
        destructive
        pending={remove.isPending}
        onConfirm={() => void doDelete(false)}
        onCancel={() => setConfirm(null)}
      />
      <ConfirmDialog
        open={confirm === "purge"}
        title="Delete forever?"
        description="The prompt and all its versions will be deleted. This cannot be undone."
        confirmLabel="Delete forever"
        destructive
        pending={remove.isPending}
        onConfirm={() => void doDelete(true)}
        onCancel={() => setConfirm(null)}
      />
      <QuotaExceededDialog quota={quota} onClose={() => setQuota(null)} />
    </div>
  );
}
