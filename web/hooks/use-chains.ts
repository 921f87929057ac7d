"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import {
  cancelChainRun,
  createChain,
  deleteChain,
  getChain,
  getChainRun,
  listChainRuns,
  listChains,
  runChain,
  updateChain,
} from "@/lib/api";
import { chainRunActive, type ChainRequest } from "@/lib/validations/chain";

/** Query key prefix of chains and their runs. */
export const chainsQueryKey = ["chains"] as const;

/** How often a run under way is read again. */
export const CHAIN_RUN_REFRESH_MS = 1000;

/** The chains of a workspace (the personal one when undefined). */
export function useChains(workspace?: string) {
  return useQuery({
    queryKey: [...chainsQueryKey, "list", workspace ?? "personal"],
    queryFn: ({ signal }) => listChains({ workspace }, { signal }),
  });
}

/** One chain. */
export function useChain(id: string) {
  return useQuery({
    queryKey: [...chainsQueryKey, "detail", id],
    queryFn: ({ signal }) => getChain(id, { signal }),
    enabled: id !== "",
  });
}

/** The latest runs of a chain; refreshed while one of them is under way. */
export function useChainRuns(id: string) {
  return useQuery({
    queryKey: [...chainsQueryKey, "runs", id],
    queryFn: ({ signal }) => listChainRuns(id, {}, { signal }),
    enabled: id !== "",
    refetchInterval: (query) =>
      query.state.data?.items.some((r) => chainRunActive(r.status)) ? CHAIN_RUN_REFRESH_MS : false,
  });
}

/** One run with its steps, read again every second until it has finished. */
export function useChainRun(id: string) {
  return useQuery({
    queryKey: [...chainsQueryKey, "run", id],
    queryFn: ({ signal }) => getChainRun(id, { signal }),
    enabled: id !== "",
    refetchInterval: (query) => (query.state.data && !chainRunActive(query.state.data.status) ? false : CHAIN_RUN_REFRESH_MS),
  });
}

/** Creates a chain, or replaces the one with id. */
export function useSaveChain(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ChainRequest) => (id ? updateChain(id, body) : createChain(body)),
    onSuccess: (chain) => queryClient.setQueryData([...chainsQueryKey, "detail", chain.id], chain),
    onSettled: () => queryClient.invalidateQueries({ queryKey: [...chainsQueryKey, "list"] }),
  });
}

/** Deletes a chain. */
export function useDeleteChain() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteChain(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: chainsQueryKey }),
  });
}

/** Starts a run of a chain. */
export function useRunChain(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (inputs: Record<string, string>) => runChain(id, inputs),
    onSettled: () => queryClient.invalidateQueries({ queryKey: [...chainsQueryKey, "runs", id] }),
  });
}

/** Cancels a run. */
export function useCancelChainRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => cancelChainRun(id),
    onSuccess: (run) => queryClient.setQueryData([...chainsQueryKey, "run", run.id], run),
  });
}
