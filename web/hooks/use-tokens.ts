"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { createToken, listTokens, revokeToken } from "@/lib/api";
import type { CreateTokenRequest } from "@/lib/validations/token";

/** Query key prefix of the token list. */
export const tokensQueryKey = ["tokens"] as const;

/** Page size of the token list. */
export const TOKENS_PER_PAGE = 50;

/** One page of the user's personal access tokens. */
export function useTokens(page: number) {
  return useQuery({
    queryKey: [...tokensQueryKey, { page, perPage: TOKENS_PER_PAGE }],
    queryFn: ({ signal }) => listTokens({ page, perPage: TOKENS_PER_PAGE }, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** Creates a token and refreshes the list; the secret is only in the mutation's result. */
export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTokenRequest) => createToken(body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensQueryKey }),
  });
}

/** Revokes a token and refreshes the list. */
export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => revokeToken(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: tokensQueryKey }),
  });
}
