"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import {
  discardDeadLetter,
  listDeadLetters,
  requeueDeadLetter,
  type ListDeadLettersParams,
} from "@/lib/api";
import { executionsQueryKey } from "@/hooks/use-executions";

/** Query key prefix of the dead letter lists. */
export const deadLettersQueryKey = ["dead-letters"] as const;

/** Page size of the failed jobs list. */
export const DEAD_LETTERS_PER_PAGE = 20;

/** One page of a workspace's dead letters; idle until enabled. */
export function useDeadLetters(params: ListDeadLettersParams, enabled = true) {
  return useQuery({
    queryKey: [...deadLettersQueryKey, params],
    queryFn: ({ signal }) => listDeadLetters(params, { signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Runs a dead letter's job again; the lists and the run history refresh (a requeued run is a new execution). */
export function useRequeueDeadLetter() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => requeueDeadLetter(id),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: deadLettersQueryKey }),
        queryClient.invalidateQueries({ queryKey: executionsQueryKey }),
      ]),
  });
}

/** Dismisses a dead letter and refreshes the lists. */
export function useDiscardDeadLetter() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => discardDeadLetter(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: deadLettersQueryKey }),
  });
}
