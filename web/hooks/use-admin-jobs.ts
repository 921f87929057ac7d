"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { cancelAdminJob, listAdminJobs, retryAdminJob, type ListAdminJobsParams } from "@/lib/api";

/** Query key prefix of the superusers' job console. */
export const adminJobsQueryKey = ["admin-jobs"] as const;

/** How often the console refreshes while auto-refresh is on. */
export const ADMIN_JOBS_REFRESH_MS = 5_000;

/**
 * Job counts and the newest jobs, read with a superuser token; idle without
 * one. While refreshing, it asks again every 5 s.
 */
export function useAdminJobs(token: string | null, params: ListAdminJobsParams, refresh: boolean) {
  return useQuery({
    // The token is part of the key: signing in again must not show the old answer.
    queryKey: [...adminJobsQueryKey, token, params],
    queryFn: ({ signal }) => listAdminJobs(token ?? "", params, { signal }),
    enabled: token !== null,
    placeholderData: keepPreviousData,
    // A refused token stays refused: polling resumes once a reload succeeds.
    refetchInterval: (query) => (refresh && query.state.status !== "error" ? ADMIN_JOBS_REFRESH_MS : false),
  });
}

/** Makes a job available again now, then refreshes the console. */
export function useRetryAdminJob(token: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => retryAdminJob(token ?? "", id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminJobsQueryKey }),
  });
}

/** Cancels a job that has not ended, then refreshes the console. */
export function useCancelAdminJob(token: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => cancelAdminJob(token ?? "", id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminJobsQueryKey }),
  });
}
