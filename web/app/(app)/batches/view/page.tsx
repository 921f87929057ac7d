import type { Metadata } from "next";
import { Suspense } from "react";

import { BatchDetail } from "@/components/batch-detail";

export const metadata: Metadata = { title: "Batch" };

export default function BatchViewPage() {
  return (
    // useSearchParams (?id=) needs a Suspense boundary in a static export.
    <Suspense>
      <BatchDetail />
    </Suspense>
  );
}
