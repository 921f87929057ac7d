"use client";

import Link from "next/link";

import { usePrompt } from "@/hooks/use-prompts";

/** A link to a prompt, named by its title once loaded (the id until then, or when it is gone). */
export function PromptTitleLink({ id }: { id: string }) {
  const prompt = usePrompt(id);
  const title = prompt.data?.title;
  return (
    <Link
      href={`/prompts/view/?id=${encodeURIComponent(id)}`}
      className="font-medium underline-offset-4 hover:underline"
      title={title ? undefined : id}
    >
      {title ?? (prompt.isError ? "Deleted prompt" : <span className="font-mono text-xs">{id}</span>)}
    </Link>
  );
}
