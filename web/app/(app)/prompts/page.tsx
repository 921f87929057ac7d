import type { Metadata } from "next";
import { Suspense } from "react";

import { PromptLibrary } from "@/components/prompt-library";

export const metadata: Metadata = { title: "Prompts" };

export default function PromptsPage() {
  return (
    // useSearchParams (the filters) needs a Suspense boundary in a static export.
    <Suspense>
      <PromptLibrary />
    </Suspense>
  );
}
