import type { Metadata } from "next";
import { Suspense } from "react";

import { ChainDetail } from "@/components/chain-detail";

export const metadata: Metadata = { title: "Chain" };

export default function ChainViewPage() {
  return (
    // useSearchParams (?id=) needs a Suspense boundary in a static export.
    <Suspense>
      <ChainDetail />
    </Suspense>
  );
}
