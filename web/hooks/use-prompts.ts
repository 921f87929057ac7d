"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";

import { meQueryKey } from "@/hooks/use-me";
import {
  archivePrompt,
  createPrompt,
  deletePrompt,
  getPrompt,
  getPromptDiff,
  getPromptVersion,
  listModels,
  listPrompts,
  listPromptVersions,
  listTags,
  publishPrompt,
  restorePromptVersion,
  unarchivePrompt,
  undeletePrompt,
  updatePrompt,
  type DiffSide,
  type ListPromptsParams,
} from "@/lib/api";
import type { CreatePromptRequest, Prompt, UpdatePromptRequest, Visibility } from "@/lib/validations/prompt";

/** Query key prefix of everything about prompts (lists, details, versions, diffs). */
export const promptsQueryKey = ["prompts"] as const;
/** Query key prefix of tag suggestions. */
export const tagsQueryKey = ["tags"] as const;
/** Query key of the model catalog. */
export const modelsQueryKey = ["models"] as const;

/** Page size of the prompt list. */
export const PROMPTS_PER_PAGE = 20;

/** Refreshes every prompt query, the tag suggestions and /me (its prompt count). */
export function invalidatePromptData(queryClient: QueryClient): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: promptsQueryKey }),
    queryClient.invalidateQueries({ queryKey: tagsQueryKey }),
    queryClient.invalidateQueries({ queryKey: meQueryKey }),
  ]).then(() => undefined);
}

/** One page of prompts matching the filters; the previous page stays while the next loads. */
export function usePrompts(params: ListPromptsParams, enabled = true) {
  return useQuery({
    queryKey: [...promptsQueryKey, "list", params],
    queryFn: ({ signal }) => listPrompts(params, { signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** One prompt. */
export function usePrompt(id: string) {
  return useQuery({
    queryKey: [...promptsQueryKey, "detail", id],
    queryFn: ({ signal }) => getPrompt(id, { signal }),
    enabled: id !== "",
  });
}

/** The versions of a prompt, newest first. */
export function usePromptVersions(id: string) {
  return useQuery({
    queryKey: [...promptsQueryKey, "detail", id, "versions"],
    queryFn: ({ signal }) => listPromptVersions(id, { signal }),
    enabled: id !== "",
  });
}

/** One version of a prompt; idle while version is null. */
export function usePromptVersion(id: string, version: number | null) {
  return useQuery({
    queryKey: [...promptsQueryKey, "detail", id, "versions", version],
    queryFn: ({ signal }) => getPromptVersion(id, version ?? 0, { signal }),
    enabled: id !== "" && version !== null,
  });
}

/** The diff between two versions or a version and the draft; idle while a side is missing. */
export function usePromptDiff(id: string, from: DiffSide | null, to: DiffSide | null) {
  return useQuery({
    queryKey: [...promptsQueryKey, "detail", id, "diff", from, to],
    queryFn: ({ signal }) => getPromptDiff(id, from ?? "draft", to ?? "draft", { signal }),
    enabled: id !== "" && from !== null && to !== null && from !== to,
  });
}

/** Tag suggestions of a workspace, most used first. */
export function useTags(workspace: string | undefined) {
  return useQuery({
    queryKey: [...tagsQueryKey, workspace ?? "personal"],
    queryFn: ({ signal }) => listTags(workspace, { signal }),
    staleTime: 60_000,
  });
}

/**
 * The model catalog, marked usable with the keys of the workspace (the
 * personal one when undefined). The catalog changes only with a server
 * update; usability changes with the keys, so it is refetched on mount.
 */
export function useModels(workspace?: string) {
  return useQuery({
    queryKey: [...modelsQueryKey, workspace ?? "personal"],
    queryFn: ({ signal }) => listModels({ signal, workspace }),
    staleTime: 30_000,
  });
}

/** Creates a prompt and refreshes lists, tags and /me. */
export function useCreatePrompt() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreatePromptRequest) => createPrompt(body),
    onSuccess: () => invalidatePromptData(queryClient),
  });
}

/** Saves the working draft of a prompt. */
export function useUpdatePrompt() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdatePromptRequest }) => updatePrompt(id, body),
    onSuccess: () => invalidatePromptData(queryClient),
  });
}

type PromptAction =
  | { kind: "publish"; visibility?: Visibility }
  | { kind: "archive" }
  | { kind: "unarchive"; to: "draft" | "published" }
  | { kind: "undelete" }
  | { kind: "restore"; version: number };

function runAction(id: string, action: PromptAction): Promise<Prompt> {
  switch (action.kind) {
    case "publish":
      return publishPrompt(id, action.visibility ? { visibility: action.visibility } : {});
    case "archive":
      return archivePrompt(id);
    case "unarchive":
      return unarchivePrompt(id, action.to);
    case "undelete":
      return undeletePrompt(id);
    case "restore":
      return restorePromptVersion(id, action.version);
  }
}

/** Publish, archive, unarchive, undelete or restore a version; refreshes prompt data. */
export function usePromptAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: PromptAction }) => runAction(id, action),
    onSuccess: () => invalidatePromptData(queryClient),
  });
}

/** Moves a prompt to the trash, or deletes a trashed one forever. */
export function useDeletePrompt() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, permanent = false }: { id: string; permanent?: boolean }) => deletePrompt(id, { permanent }),
    onSettled: () => invalidatePromptData(queryClient),
  });
}
