import type { Metadata } from "next";
import { Suspense } from "react";

import { ExecutionDetail } from "@/components/execution-detail";

export const metadata: Metadata = { title: "Run" };

export default function ExecutionViewPage() {
  return (
    // useSearchParams (?id=) needs a Suspense boundary in a static export.
    <Suspense>
      <ExecutionDetail />
    </Suspense>
  );
}
