"use client";

import { GitForkIcon } from "lucide-react";
import Link from "next/link";

import { RankMovement } from "@/components/rank-movement";
import { Sparkline } from "@/components/sparkline";
import { VoteControl } from "@/components/vote-control";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatNumber } from "@/lib/format";
import { authorName, type LeaderboardItem } from "@/lib/validations/leaderboard";

export interface LeaderboardTableProps {
  items: readonly LeaderboardItem[];
  /** Whether the run before exists, so movements mean something. */
  hasPrevious: boolean;
  /** Offers a fork of the prompt; absent hides the fork buttons (signed out). */
  onFork?: (item: LeaderboardItem) => void;
}

/** The public page of a prompt. */
export function publicPromptHref(id: string): string {
  return `/p/view/?id=${encodeURIComponent(id)}`;
}

/** The ranked prompts: rank and movement, title, author, tags, runs in 24 h with a sparkline, votes, forks. */
export function LeaderboardTable({ items, hasPrevious, onFork }: LeaderboardTableProps) {
  return (
    <div className="overflow-x-auto rounded-lg border">
      <table className="w-full text-sm" aria-label="Leaderboard">
        <thead className="bg-muted/40 text-left text-xs uppercase tracking-wide text-muted-foreground">
          <tr>
            <th scope="col" className="w-16 px-3 py-2">
              Rank
            </th>
            <th scope="col" className="px-3 py-2">
              Prompt
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Runs (24 h)
            </th>
            <th scope="col" className="px-3 py-2 text-center">
              Votes
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Forks
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const total = item.executions24h;
            return (
              <tr key={item.prompt.id} className="border-t align-top" data-testid="leaderboard-row">
                <td className="px-3 py-3">
                  <div className="flex flex-col items-start gap-0.5">
                    <span className="text-lg font-semibold tabular-nums" aria-label={`Rank ${item.rank}`}>
                      {item.rank}
                    </span>
                    <RankMovement movement={item.movement} hasPrevious={hasPrevious} />
                  </div>
                </td>
                <td className="min-w-56 px-3 py-3">
                  <div className="grid gap-1">
                    <Link href={publicPromptHref(item.prompt.id)} className="font-medium hover:underline">
                      {item.prompt.title}
                    </Link>
                    <span className="text-xs text-muted-foreground">
                      by {authorName(item.author)} · v{item.prompt.version}
                    </span>
                    {item.prompt.tags.length > 0 ? (
                      <ul className="flex flex-wrap gap-1" aria-label="Tags">
                        {item.prompt.tags.map((t) => (
                          <li key={t}>
                            <Badge variant="secondary">{t}</Badge>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </div>
                </td>
                <td className="px-3 py-3">
                  <div className="flex flex-col items-end gap-1">
                    <span className="tabular-nums" data-testid="executions-24h">
                      {formatNumber(total)}
                    </span>
                    <Sparkline
                      values={item.activity}
                      label={`${formatNumber(total)} runs in the last 24 hours, hour by hour`}
                    />
                  </div>
                </td>
                <td className="px-3 py-3 text-center">
                  <VoteControl
                    promptId={item.prompt.id}
                    title={item.prompt.title}
                    authorId={item.author.id}
                    votes={item.votes}
                  />
                </td>
                <td className="px-3 py-3">
                  <div className="flex items-center justify-end gap-2">
                    <span className="tabular-nums">{formatNumber(item.forks)}</span>
                    {onFork ? (
                      <Button
                        variant="outline"
                        size="sm"
                        onClick={() => onFork(item)}
                        aria-label={`Fork ${item.prompt.title}`}
                      >
                        <GitForkIcon aria-hidden="true" />
                        Fork
                      </Button>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
