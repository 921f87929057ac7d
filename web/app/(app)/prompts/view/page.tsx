import type { Metadata } from "next";
import { Suspense } from "react";

import { PromptDetail } from "@/components/prompt-detail";

export const metadata: Metadata = { title: "Prompt" };

export default function PromptViewPage() {
  return (
    // useSearchParams (?id=) needs a Suspense boundary in a static export.
    <Suspense>
      <PromptDetail />
    </Suspense>
  );
}
