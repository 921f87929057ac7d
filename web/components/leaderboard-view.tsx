"use client";

import { TrophyIcon } from "lucide-react";
import { useId, useState } from "react";

import { ForkPromptDialog } from "@/components/fork-prompt-dialog";
import { LeaderboardTable } from "@/components/leaderboard-table";
import { QueryError } from "@/components/query-error";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { useAuth } from "@/hooks/use-auth";
import { useLeaderboard } from "@/hooks/use-leaderboard";
import { formatRelative } from "@/lib/format";
import type { LeaderboardItem, LeaderboardSort } from "@/lib/validations/leaderboard";

const sortLabels: Record<LeaderboardSort, string> = {
  rank: "Rank",
  executions: "Runs in 24 h",
  votes: "Votes",
  wilson: "Approval (Wilson)",
  newest: "Newest",
};

/** The leaderboard page: the top public prompts of the latest hourly scoring run. */
export function LeaderboardView() {
  const auth = useAuth();
  const [sort, setSort] = useState<LeaderboardSort>("rank");
  const [tag, setTag] = useState("");
  const [forking, setForking] = useState<LeaderboardItem | null>(null);
  const sortId = useId();
  const tagId = useId();
  const board = useLeaderboard({ sort, tag: tag.trim().toLowerCase() });
  const signedIn = auth.status === "authenticated";

  let body;
  if (board.isPending) {
    body = (
      <div role="status" aria-label="Loading the leaderboard" className="grid gap-2">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} className="h-14 w-full" />
        ))}
      </div>
    );
  } else if (board.isError) {
    body = (
      <QueryError
        title="Could not load the leaderboard"
        error={board.error}
        onRetry={() => void board.refetch()}
        retrying={board.isFetching}
      />
    );
  } else if (board.data.items.length === 0) {
    body = (
      <EmptyState
        icon={TrophyIcon}
        title={board.data.run === null ? "No ranking yet" : tag ? `No ranked prompt is tagged "${tag}"` : "No public prompts ranked"}
        description={
          board.data.run === null
            ? "Prompts are ranked every hour. Publish one as public to take part."
            : "Publish a prompt as public, run it and vote: the next hourly run ranks it."
        }
      />
    );
  } else {
    body = (
      <LeaderboardTable
        items={board.data.items}
        hasPrevious={board.data.previousRunAt !== null}
        onFork={signedIn ? setForking : undefined}
      />
    );
  }

  return (
    <div className="grid gap-6">
      <div className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Leaderboard</h1>
        <p className="text-sm text-muted-foreground">
          The public prompts the community runs and likes most, ranked every hour by runs in the last 24 hours, votes
          and freshness.
          {board.data?.run ? (
            <span data-testid="scored-at"> Scored {formatRelative(board.data.run.computedAt)}.</span>
          ) : null}
        </p>
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <div className="grid gap-1">
          <label htmlFor={sortId} className="text-xs font-medium text-muted-foreground">
            Sort by
          </label>
          <Select id={sortId} value={sort} onChange={(e) => setSort(e.target.value as LeaderboardSort)} className="w-48">
            {(Object.keys(sortLabels) as LeaderboardSort[]).map((key) => (
              <option key={key} value={key}>
                {sortLabels[key]}
              </option>
            ))}
          </Select>
        </div>
        <div className="grid gap-1">
          <label htmlFor={tagId} className="text-xs font-medium text-muted-foreground">
            Tag
          </label>
          <Input id={tagId} value={tag} onChange={(e) => setTag(e.target.value)} placeholder="any tag" className="w-48" />
        </div>
      </div>
      {body}
      <ForkPromptDialog
        prompt={forking ? { id: forking.prompt.id, title: forking.prompt.title, version: forking.prompt.version } : null}
        onClose={() => setForking(null)}
      />
    </div>
  );
}
