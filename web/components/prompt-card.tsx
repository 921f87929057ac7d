"use client";

import { ArchiveRestoreIcon, Trash2Icon } from "lucide-react";
import Link from "next/link";

import { PromptStatusBadge, VisibilityBadge } from "@/components/prompt-status-badge";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { formatDateTime, formatRelative } from "@/lib/format";
import type { PromptSummary } from "@/lib/validations/prompt";

export interface PromptCardProps {
  prompt: PromptSummary;
  /** In the trash view the card offers Restore and Delete forever instead of selection. */
  trash?: boolean;
  canWrite?: boolean;
  selected?: boolean;
  onSelectedChange?: (selected: boolean) => void;
  onRestore?: () => void;
  onDeleteForever?: () => void;
}

/** One prompt of the library: title, excerpt, tags, status, version and when it changed. */
export function PromptCard({
  prompt,
  trash = false,
  canWrite = false,
  selected = false,
  onSelectedChange,
  onRestore,
  onDeleteForever,
}: PromptCardProps) {
  const href = `/prompts/view/?id=${encodeURIComponent(prompt.id)}`;
  const unpublished = prompt.hasDraftChanges && prompt.publishedVersion !== null;
  const headingId = `prompt-card-${prompt.id}`;
  return (
    <Card
      className="relative flex h-full flex-col gap-3 p-4 transition-colors focus-within:ring-2 focus-within:ring-ring hover:border-primary/40"
      aria-labelledby={headingId}
      role="article"
      data-testid="prompt-card"
    >
      <div className="flex items-start gap-3">
        {!trash && onSelectedChange ? (
          <input
            type="checkbox"
            className="relative z-10 mt-1 size-4 accent-primary"
            checked={selected}
            onChange={(e) => onSelectedChange(e.target.checked)}
            aria-label={`Select ${prompt.title}`}
          />
        ) : null}
        <div className="min-w-0 flex-1">
          <h3 id={headingId} className="truncate font-semibold leading-snug">
            <Link href={href} className="after:absolute after:inset-0 focus-visible:outline-none">
              {prompt.title}
            </Link>
          </h3>
          <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs">
            <PromptStatusBadge status={prompt.status} />
            <VisibilityBadge visibility={prompt.visibility} />
            {prompt.latestVersion > 0 ? <Badge variant="outline">v{prompt.latestVersion}</Badge> : null}
            {unpublished ? (
              <Badge variant="outline" className="border-amber-500/60 text-amber-700 dark:text-amber-300">
                unpublished changes
              </Badge>
            ) : null}
          </div>
        </div>
      </div>
      {prompt.description ? (
        <p className="line-clamp-2 text-sm text-muted-foreground">{prompt.description}</p>
      ) : (
        <p className="line-clamp-2 font-mono text-xs text-muted-foreground">{prompt.excerpt}</p>
      )}
      {prompt.tags.length > 0 ? (
        <ul className="flex flex-wrap gap-1" aria-label="Tags">
          {prompt.tags.map((tag) => (
            <li key={tag}>
              <Badge variant="secondary">{tag}</Badge>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="mt-auto flex flex-wrap items-center justify-between gap-2 pt-1 text-xs text-muted-foreground">
        <time dateTime={trash ? (prompt.deletedAt ?? prompt.updatedAt) : prompt.updatedAt} title={formatDateTime(prompt.updatedAt)}>
          {trash ? `Deleted ${formatRelative(prompt.deletedAt)}` : `Updated ${formatRelative(prompt.updatedAt)}`}
        </time>
        {trash && canWrite ? (
          <div className="relative z-10 flex gap-2">
            <Button size="sm" variant="outline" onClick={onRestore} aria-label={`Restore ${prompt.title}`}>
              <ArchiveRestoreIcon aria-hidden="true" />
              Restore
            </Button>
            <Button size="sm" variant="destructive" onClick={onDeleteForever} aria-label={`Delete ${prompt.title} forever`}>
              <Trash2Icon aria-hidden="true" />
              Delete forever
            </Button>
          </div>
        ) : null}
      </div>
    </Card>
  );
}
