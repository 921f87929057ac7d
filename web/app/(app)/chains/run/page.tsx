import type { Metadata } from "next";
import { Suspense } from "react";

import { ChainRunView } from "@/components/chain-run-view";

export const metadata: Metadata = { title: "Chain run" };

export default function ChainRunPage() {
  return (
    // useSearchParams (?id=) needs a Suspense boundary in a static export.
    <Suspense>
      <ChainRunView />
    </Suspense>
  );
}
