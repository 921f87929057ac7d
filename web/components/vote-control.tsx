"use client";

import { ChevronDownIcon, ChevronUpIcon } from "lucide-react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import { useAuth } from "@/hooks/use-auth";
import { useVote } from "@/hooks/use-leaderboard";
import { formatNumber } from "@/lib/format";
import type { VoteTally, VoteValue } from "@/lib/validations/leaderboard";
import { cn } from "@/lib/utils";

export interface VoteControlProps {
  promptId: string;
  /** The prompt's title, to name the control. */
  title: string;
  /** The author: they cannot vote on their own prompt. */
  authorId: string;
  votes: VoteTally;
  className?: string;
}

/**
 * Up and down votes with the net count. A click shows the new vote at once
 * (the cached tally changes before the server answers) and is undone if the
 * server refuses it; clicking the chosen arrow again retracts the vote.
 */
export function VoteControl({ promptId, title, authorId, votes, className }: VoteControlProps) {
  const auth = useAuth();
  const vote = useVote();
  const own = auth.status === "authenticated" && auth.userId === authorId;

  const cast = (value: 1 | -1) => {
    if (auth.status !== "authenticated") {
      toast.info("Sign in to vote", { description: "Votes come from signed-in, verified accounts." });
      return;
    }
    const next: VoteValue = votes.mine === value ? 0 : value;
    vote.mutate({ promptId, value: next });
  };

  const hint = own ? "You cannot vote on your own prompt" : undefined;
  return (
    <div role="group" aria-label={`Votes for ${title}`} className={cn("inline-flex items-center gap-0.5", className)}>
      <Button
        variant="ghost"
        size="icon"
        className={cn("size-7", votes.mine === 1 && "text-emerald-600 dark:text-emerald-400")}
        aria-label="Upvote"
        aria-pressed={votes.mine === 1}
        title={hint ?? (votes.mine === 1 ? "Retract your upvote" : "Upvote")}
        disabled={own}
        onClick={() => cast(1)}
      >
        <ChevronUpIcon aria-hidden="true" />
      </Button>
      <span
        className="min-w-6 text-center text-sm font-medium tabular-nums"
        aria-label={`${votes.net} net votes (${votes.up} up, ${votes.down} down)`}
        data-testid="vote-count"
      >
        {formatNumber(votes.net)}
      </span>
      <Button
        variant="ghost"
        size="icon"
        className={cn("size-7", votes.mine === -1 && "text-rose-600 dark:text-rose-400")}
        aria-label="Downvote"
        aria-pressed={votes.mine === -1}
        title={hint ?? (votes.mine === -1 ? "Retract your downvote" : "Downvote")}
        disabled={own}
        onClick={() => cast(-1)}
      >
        <ChevronDownIcon aria-hidden="true" />
      </Button>
    </div>
  );
}
