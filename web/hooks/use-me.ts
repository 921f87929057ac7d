"use client";

import { useQuery } from "@tanstack/react-query";

import { getMe } from "@/lib/api";
import { useAuth } from "@/hooks/use-auth";

/** Query key of `GET /api/v1/me`. */
export const meQueryKey = ["me"] as const;

/** The signed-in user and their workspaces; idle until a session exists. */
export function useMe() {
  const auth = useAuth();
  return useQuery({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => getMe({ signal }),
    enabled: auth.status === "authenticated",
  });
}
