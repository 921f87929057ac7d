"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import {
  cancelExecution,
  deleteExecution,
  getExecution,
  listExecutions,
  rerunExecution,
  type ListExecutionsParams,
} from "@/lib/api";

/** Query key prefix of the run history (lists and single runs). */
export const executionsQueryKey = ["executions"] as const;

/** Page size of the history lists. */
export const EXECUTIONS_PER_PAGE = 20;

/** One page of the run history; the previous page stays while the next loads. */
export function useExecutions(params: ListExecutionsParams, enabled = true) {
  return useQuery({
    queryKey: [...executionsQueryKey, "list", params],
    queryFn: ({ signal }) => listExecutions(params, { signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** One run. */
export function useExecution(id: string) {
  return useQuery({
    queryKey: [...executionsQueryKey, "detail", id],
    queryFn: ({ signal }) => getExecution(id, { signal }),
    enabled: id !== "",
  });
}

/** Deletes a run and refreshes the history. */
export function useDeleteExecution() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteExecution(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: executionsQueryKey }),
  });
}

/** Runs a recorded run again with the same inputs; the new run lands in the history. */
export function useRerunExecution() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => rerunExecution(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: executionsQueryKey }),
  });
}

/** Cancels a running run; the history and the run itself refresh. */
export function useCancelExecution() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => cancelExecution(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: executionsQueryKey }),
  });
}
