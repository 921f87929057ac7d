"use client";

import Link from "next/link";

import { usePublicPrompt } from "@/hooks/use-leaderboard";
import { usePrompt } from "@/hooks/use-prompts";
import { isApiError } from "@/lib/api";

/**
 * A link to a prompt, named by its title once loaded (the id until then, or
 * when it is gone). A prompt of another workspace that the user ran from
 * its public page links to that public page.
 */
export function PromptTitleLink({ id }: { id: string }) {
  const prompt = usePrompt(id);
  const publicPrompt = usePublicPrompt(isApiError(prompt.error, "not_found") ? id : "");
  const href = publicPrompt.isSuccess
    ? `/p/view/?id=${encodeURIComponent(id)}`
    : `/prompts/view/?id=${encodeURIComponent(id)}`;
  const title = prompt.data?.title ?? publicPrompt.data?.title;
  const gone = prompt.isError && (publicPrompt.isError || !isApiError(prompt.error, "not_found"));
  return (
    <Link href={href} className="font-medium underline-offset-4 hover:underline" title={title ? undefined : id}>
      {title ?? (gone ? "Deleted prompt" : <span className="font-mono text-xs">{id}</span>)}
    </Link>
  );
}
