import type { Metadata } from "next";
import { Suspense } from "react";

import { PublicPromptDetail } from "@/components/public-prompt-detail";

export const metadata: Metadata = { title: "Public prompt" };

export default function PublicPromptPage() {
  return (
    // useSearchParams (?id=) needs a Suspense boundary in a static export.
    <Suspense>
      <PublicPromptDetail />
    </Suspense>
  );
}
