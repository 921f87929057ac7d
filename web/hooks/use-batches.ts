"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { executionsQueryKey } from "@/hooks/use-executions";
import {
  cancelBatch,
  createBatch,
  getBatch,
  listBatchItems,
  listBatches,
  type ListBatchesParams,
} from "@/lib/api";
import type { BatchItemStatus, CreateBatchRequest } from "@/lib/validations/batch";

/** Query key prefix of batches (lists, one batch, its items). */
export const batchesQueryKey = ["batches"] as const;

/** Page size of the batch lists and item tables. */
export const BATCHES_PER_PAGE = 20;

/** One page of a workspace's batches; refreshed every few seconds while any runs. */
export function useBatches(params: ListBatchesParams, enabled = true) {
  return useQuery({
    queryKey: [...batchesQueryKey, "list", params],
    queryFn: ({ signal }) => listBatches(params, { signal }),
    placeholderData: keepPreviousData,
    enabled,
    refetchInterval: (q) => (q.state.data?.items.some((b) => b.finishedAt === null) ? 3000 : false),
  });
}

/** One batch. */
export function useBatch(id: string) {
  return useQuery({
    queryKey: [...batchesQueryKey, "detail", id],
    queryFn: ({ signal }) => getBatch(id, { signal }),
    enabled: id !== "",
  });
}

/** One page of a batch's items with their outcomes. */
export function useBatchItems(id: string, params: { status?: BatchItemStatus; page: number }) {
  return useQuery({
    queryKey: [...batchesQueryKey, "items", id, params],
    queryFn: ({ signal }) => listBatchItems(id, { ...params, perPage: BATCHES_PER_PAGE }, { signal }),
    placeholderData: keepPreviousData,
    enabled: id !== "",
  });
}

/** Starts a batch on a prompt. */
export function useCreateBatch(promptId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: CreateBatchRequest) => createBatch(promptId, request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: batchesQueryKey }),
  });
}

/** Cancels a batch and refreshes it and the history. */
export function useCancelBatch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => cancelBatch(id),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: batchesQueryKey });
      void queryClient.invalidateQueries({ queryKey: executionsQueryKey });
    },
  });
}
