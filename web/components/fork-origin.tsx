"use client";

import { GitForkIcon } from "lucide-react";
import Link from "next/link";

import { publicPromptHref } from "@/components/leaderboard-table";
import { usePublicPrompt } from "@/hooks/use-leaderboard";
import { authorName, type ForkOrigin as Origin } from "@/lib/validations/leaderboard";

/** "Forked from <title> v2 by <author>" on a forked prompt's page; the origin may no longer be public. */
export function ForkOrigin({ origin }: { origin: Origin }) {
  const source = usePublicPrompt(origin.promptId);
  return (
    <p className="flex flex-wrap items-center gap-1.5 text-sm text-muted-foreground" data-testid="fork-origin">
      <GitForkIcon className="size-4" aria-hidden="true" />
      {source.isSuccess ? (
        <>
          Forked from{" "}
          <Link href={publicPromptHref(origin.promptId)} className="font-medium text-foreground hover:underline">
            {source.data.title}
          </Link>{" "}
          v{origin.version} by {authorName(source.data.author)}
        </>
      ) : source.isError ? (
        <>Forked from v{origin.version} of a prompt that is no longer public</>
      ) : (
        <>Forked from v{origin.version} of a public prompt</>
      )}
    </p>
  );
}
