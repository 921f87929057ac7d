"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";

import { invalidatePromptData } from "@/hooks/use-prompts";
import { forkPrompt, getLeaderboard, getPublicPrompt, votePrompt, type LeaderboardParams } from "@/lib/api";
import { errorMessage } from "@/lib/forms";
import {
  applyVote,
  type Leaderboard,
  type PublicPrompt,
  type VoteTally,
  type VoteValue,
} from "@/lib/validations/leaderboard";

/** Query key prefix of the leaderboard lists. */
export const leaderboardQueryKey = ["leaderboard"] as const;
/** Query key prefix of public prompt pages. */
export const publicPromptQueryKey = ["public-prompt"] as const;

/** The ranked public prompts of the latest scoring run. */
export function useLeaderboard(params: LeaderboardParams) {
  return useQuery({
    queryKey: [...leaderboardQueryKey, params],
    queryFn: ({ signal }) => getLeaderboard(params, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** A public prompt's page data; idle while id is empty. */
export function usePublicPrompt(id: string) {
  return useQuery({
    queryKey: [...publicPromptQueryKey, id],
    queryFn: ({ signal }) => getPublicPrompt(id, { signal }),
    enabled: id !== "",
  });
}

/** Every cached tally of a prompt: leaderboard rows and its public page. */
function setTally(
  queryClient: ReturnType<typeof useQueryClient>,
  promptId: string,
  change: (t: VoteTally) => VoteTally,
) {
  queryClient.setQueriesData<Leaderboard>({ queryKey: leaderboardQueryKey }, (board) =>
    board
      ? {
          ...board,
          items: board.items.map((item) =>
            item.prompt.id === promptId ? { ...item, votes: change(item.votes) } : item,
          ),
        }
      : board,
  );
  queryClient.setQueryData<PublicPrompt>([...publicPromptQueryKey, promptId], (p) =>
    p ? { ...p, votes: change(p.votes) } : p,
  );
}

/**
 * Votes on a public prompt. The new vote shows at once everywhere the
 * prompt's tally is cached (optimistic); the server's tally replaces it, and
 * on an error the previous tally comes back with a toast.
 */
export function useVote() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ promptId, value }: { promptId: string; value: VoteValue }) => votePrompt(promptId, value),
    onMutate: async ({ promptId, value }) => {
      await Promise.all([
        queryClient.cancelQueries({ queryKey: leaderboardQueryKey }),
        queryClient.cancelQueries({ queryKey: [...publicPromptQueryKey, promptId] }),
      ]);
      const boards = queryClient.getQueriesData<Leaderboard>({ queryKey: leaderboardQueryKey });
      const page = queryClient.getQueryData<PublicPrompt>([...publicPromptQueryKey, promptId]);
      setTally(queryClient, promptId, (t) => applyVote(t, value));
      return { boards, page };
    },
    onError: (err, { promptId }, saved) => {
      if (saved) {
        for (const [key, data] of saved.boards) queryClient.setQueryData(key, data);
        queryClient.setQueryData([...publicPromptQueryKey, promptId], saved.page);
      }
      toast.error("Your vote was not counted", { description: errorMessage(err) });
    },
    onSuccess: (tally, { promptId }) => setTally(queryClient, promptId, () => tally),
  });
}

/** Forks a public prompt into a workspace; refreshes the prompt lists, /me and the fork count. */
export function useForkPrompt() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ promptId, workspaceId }: { promptId: string; workspaceId?: string }) =>
      forkPrompt(promptId, workspaceId),
    onSuccess: (_p, { promptId }) =>
      Promise.all([
        invalidatePromptData(queryClient),
        queryClient.invalidateQueries({ queryKey: [...publicPromptQueryKey, promptId] }),
        queryClient.invalidateQueries({ queryKey: leaderboardQueryKey }),
      ]).then(() => undefined),
  });
}
