"use client";

import { EyeIcon, HistoryIcon, RotateCcwIcon } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

import { ConfirmDialog } from "@/components/confirm-dialog";
import { HighlightedPromptText } from "@/components/highlighted-prompt-text";
import { PromptDiffView } from "@/components/prompt-diff-view";
import { QueryError } from "@/components/query-error";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { usePromptAction, usePromptVersions } from "@/hooks/use-prompts";
import type { DiffSide } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import { errorMessage } from "@/lib/forms";
import type { Prompt, PromptVersion } from "@/lib/validations/prompt";

function sideValue(side: DiffSide): string {
  return String(side);
}

function parseSide(value: string): DiffSide {
  return value === "draft" ? "draft" : Number(value);
}

export interface PromptVersionHistoryProps {
  prompt: Prompt;
  canWrite: boolean;
}

/** The versions of a prompt: view one, compare any two (or one with the draft), restore one into the draft. */
export function PromptVersionHistory({ prompt, canWrite }: PromptVersionHistoryProps) {
  const versions = usePromptVersions(prompt.id);
  const restore = usePromptAction();
  const [viewing, setViewing] = useState<PromptVersion | null>(null);
  const [restoring, setRestoring] = useState<PromptVersion | null>(null);
  const [pick, setPick] = useState<{ from: DiffSide; to: DiffSide } | null>(null);

  const items = versions.data?.items ?? [];
  const newest = items[0]?.version;
  const defaultPick: { from: DiffSide; to: DiffSide } | null =
    newest === undefined
      ? null
      : prompt.hasDraftChanges
        ? { from: newest, to: "draft" }
        : items[1]
          ? { from: items[1].version, to: newest }
          : null;
  const compare = pick ?? defaultPick;

  const confirmRestore = async () => {
    if (!restoring) return;
    try {
      await restore.mutateAsync({ id: prompt.id, action: { kind: "restore", version: restoring.version } });
      toast.success(`v${restoring.version} restored into the draft`);
      setRestoring(null);
    } catch (err) {
      toast.error("Could not restore the version", { description: errorMessage(err) });
    }
  };

  let body;
  if (versions.isPending) {
    body = (
      <div role="status" aria-label="Loading versions" className="grid gap-2">
        <Skeleton className="h-10 w-full" />
        <Skeleton className="h-10 w-full" />
      </div>
    );
  } else if (versions.isError) {
    body = (
      <QueryError
        title="Could not load the versions"
        error={versions.error}
        onRetry={() => void versions.refetch()}
        retrying={versions.isFetching}
      />
    );
  } else if (items.length === 0) {
    body = (
      <EmptyState
        icon={HistoryIcon}
        title="No versions yet"
        description="Publishing the prompt saves its first version."
      />
    );
  } else {
    const options: { value: DiffSide; label: string }[] = [
      { value: "draft", label: "Working draft" },
      ...items.map((v) => ({ value: v.version, label: `v${v.version} · ${v.title}` })),
    ];
    body = (
      <div className="grid gap-5">
        <ul className="divide-y rounded-md border" aria-label="Versions">
          {items.map((v) => (
            <li key={v.version} className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm">
              <Badge variant="outline">v{v.version}</Badge>
              {prompt.publishedVersion === v.version ? <Badge variant="success">Published</Badge> : null}
              <span className="min-w-0 flex-1 truncate font-medium">{v.title}</span>
              <time className="text-muted-foreground" dateTime={v.createdAt}>
                {formatDateTime(v.createdAt)}
              </time>
              <div className="flex gap-1">
                <Button size="sm" variant="ghost" onClick={() => setViewing(v)} aria-label={`View v${v.version}`}>
                  <EyeIcon aria-hidden="true" />
                  View
                </Button>
                {canWrite && prompt.deletedAt === null ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => setRestoring(v)}
                    aria-label={`Restore v${v.version} into the draft`}
                  >
                    <RotateCcwIcon aria-hidden="true" />
                    Restore
                  </Button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
        <section aria-label="Compare versions" className="grid gap-3">
          <h3 className="text-sm font-semibold">Compare</h3>
          <div className="flex flex-wrap items-end gap-3">
            <div className="grid gap-1.5">
              <Label htmlFor="diff-from">From</Label>
              <Select
                id="diff-from"
                className="w-56"
                value={compare ? sideValue(compare.from) : ""}
                onChange={(e) => setPick({ from: parseSide(e.target.value), to: compare?.to ?? "draft" })}
              >
                {compare ? null : <option value="">Choose…</option>}
                {options.map((o) => (
                  <option key={sideValue(o.value)} value={sideValue(o.value)}>
                    {o.label}
                  </option>
                ))}
              </Select>
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor="diff-to">To</Label>
              <Select
                id="diff-to"
                className="w-56"
                value={compare ? sideValue(compare.to) : ""}
                onChange={(e) => setPick({ from: compare?.from ?? newest ?? "draft", to: parseSide(e.target.value) })}
              >
                {compare ? null : <option value="">Choose…</option>}
                {options.map((o) => (
                  <option key={sideValue(o.value)} value={sideValue(o.value)}>
                    {o.label}
                  </option>
                ))}
              </Select>
            </div>
          </div>
          {compare ? (
            <PromptDiffView promptId={prompt.id} from={compare.from} to={compare.to} />
          ) : (
            <p className="text-sm text-muted-foreground">Pick two versions to see what changed.</p>
          )}
        </section>
      </div>
    );
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Version history</CardTitle>
        <CardDescription>Each publish saves an immutable version.</CardDescription>
      </CardHeader>
      <CardContent>{body}</CardContent>
      <Dialog open={viewing !== null} onOpenChange={(o) => (o ? undefined : setViewing(null))}>
        <DialogContent className="max-w-2xl">
          <DialogHeader>
            <DialogTitle>
              v{viewing?.version} · {viewing?.title}
            </DialogTitle>
            <DialogDescription>Saved {formatDateTime(viewing?.createdAt ?? null)}</DialogDescription>
          </DialogHeader>
          {viewing?.description ? <p className="text-sm">{viewing.description}</p> : null}
          <HighlightedPromptText text={viewing?.promptText ?? ""} className="max-h-96 overflow-y-auto rounded-md border bg-muted/40 p-3" />
          {viewing && viewing.tags.length > 0 ? (
            <ul className="flex flex-wrap gap-1" aria-label="Tags">
              {viewing.tags.map((t) => (
                <li key={t}>
                  <Badge variant="secondary">{t}</Badge>
                </li>
              ))}
            </ul>
          ) : null}
        </DialogContent>
      </Dialog>
      <ConfirmDialog
        open={restoring !== null}
        title={`Restore v${restoring?.version ?? ""} into the draft?`}
        description="The working draft is replaced by this version's content. Published versions do not change; publish again to make it live."
        confirmLabel="Restore into draft"
        pending={restore.isPending}
        onConfirm={() => void confirmRestore()}
        onCancel={() => setRestoring(null)}
      />
    </Card>
  );
}
