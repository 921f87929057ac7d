"use client";

import { TrophyIcon } from "lucide-react";
import Link from "next/link";

import { publicPromptHref } from "@/components/leaderboard-table";
import { RankMovement } from "@/components/rank-movement";
import { Sparkline } from "@/components/sparkline";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useLeaderboard } from "@/hooks/use-leaderboard";
import { formatNumber } from "@/lib/format";
import { authorName } from "@/lib/validations/leaderboard";

/** Home's "Top prompts": the five best of the community leaderboard. */
export function TopPromptsCard() {
  const board = useLeaderboard({ limit: 5 });
  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle>Top prompts</CardTitle>
          <CardDescription>What the community runs and likes most right now.</CardDescription>
        </div>
        <Button variant="outline" asChild>
          <Link href="/leaderboard/">
            <TrophyIcon aria-hidden="true" />
            Leaderboard
          </Link>
        </Button>
      </CardHeader>
      <CardContent>
        {board.isPending ? (
          <div className="grid gap-2" role="status" aria-label="Loading the top prompts">
            <Skeleton className="h-5 w-full" />
            <Skeleton className="h-5 w-2/3" />
          </div>
        ) : board.isError || board.data.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">
            {board.isError ? "The leaderboard could not be loaded." : "No public prompts are ranked yet."}
          </p>
        ) : (
          <ol className="grid gap-2" aria-label="Top prompts">
            {board.data.items.map((item) => (
              <li key={item.prompt.id} className="flex items-center gap-3 text-sm">
                <span className="w-6 text-right font-semibold tabular-nums">{item.rank}</span>
                <RankMovement movement={item.movement} hasPrevious={board.data.previousRunAt !== null} />
                <span className="min-w-0 flex-1 truncate">
                  <Link href={publicPromptHref(item.prompt.id)} className="font-medium hover:underline">
                    {item.prompt.title}
                  </Link>
                  <span className="text-muted-foreground"> by {authorName(item.author)}</span>
                </span>
                <Sparkline values={item.activity} label={`${item.executions24h} runs in the last 24 hours`} width={64} height={18} />
                <span className="w-16 text-right tabular-nums text-muted-foreground">{formatNumber(item.votes.net)} votes</span>
              </li>
            ))}
          </ol>
        )}
      </CardContent>
    </Card>
  );
}
