"use client";

import { useMutation, useMutationState, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { toast } from "sonner";

import {
  createCredential,
  deleteCredential,
  listCredentials,
  updateCredential,
  verifyCredential,
} from "@/lib/api";
import { errorMessage } from "@/lib/forms";
import type {
  CreateCredentialRequest,
  Credential,
  CredentialList,
} from "@/lib/validations/credential";

/** Query key prefix of the provider key lists. */
export const credentialsQueryKey = ["credentials"] as const;

const verifyMutationKey = [...credentialsQueryKey, "verify"] as const;

/** Puts a changed key into every cached list that holds it. */
function replaceCached(queryClient: QueryClient, credential: Credential) {
  queryClient.setQueriesData<CredentialList>({ queryKey: credentialsQueryKey }, (list) =>
    list
      ? { ...list, items: list.items.map((c) => (c.id === credential.id ? credential : c)) }
      : list,
  );
}

/** The provider keys of a workspace (the personal one when undefined); idle until enabled. */
export function useCredentials(workspaceId: string | undefined, enabled = true) {
  return useQuery({
    queryKey: [...credentialsQueryKey, { workspace: workspaceId }],
    queryFn: ({ signal }) => listCredentials(workspaceId, { signal }),
    enabled,
  });
}

/** Stores a key and refreshes the lists. */
export function useCreateCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCredentialRequest) => createCredential(body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: credentialsQueryKey }),
  });
}

/** Renames a key. */
export function useRenameCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, label }: { id: string; label: string }) => updateCredential(id, { label }),
    onSuccess: (credential) => {
      replaceCached(queryClient, credential);
      return queryClient.invalidateQueries({ queryKey: credentialsQueryKey });
    },
  });
}

/** Deletes a key and refreshes the lists. */
export function useDeleteCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteCredential(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: credentialsQueryKey }),
  });
}

/** Verifies a key with its provider and puts the result in the lists at once. */
export function useVerifyCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: verifyMutationKey,
    mutationFn: (id: string) => verifyCredential(id),
    onSuccess: (credential) => replaceCached(queryClient, credential),
  });
}

/** Ids of the keys being verified right now, by any component. */
export function useVerifyingCredentialIds(): ReadonlySet<string> {
  const ids = useMutationState({
    filters: { mutationKey: verifyMutationKey, status: "pending" },
    select: (mutation) => mutation.state.variables,
  });
  return new Set(ids.filter((id): id is string => typeof id === "string"));
}

/**
 * Verifies a key and tells the user the result in a toast: accepted, rejected
 * by the provider (with its message), or the request itself failed.
 */
export function useVerifyCredentialWithToast() {
  const { mutateAsync } = useVerifyCredential();
  return useCallback(
    async (credential: Pick<Credential, "id" | "label">): Promise<Credential | null> => {
      try {
        const result = await mutateAsync(credential.id);
        if (result.verifyStatus === "ok") {
          toast.success(`"${result.label}" verified`, { description: "The provider accepted the key." });
        } else {
          toast.error(`"${result.label}" failed verification`, {
            description: result.verifyMessage || "The provider rejected the key.",
          });
        }
        return result;
      } catch (err) {
        toast.error(`Could not verify "${credential.label}"`, { description: errorMessage(err) });
        return null;
      }
    },
    [mutateAsync],
  );
}
