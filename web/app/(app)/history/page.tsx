import type { Metadata } from "next";
import { Suspense } from "react";

import { ExecutionHistory } from "@/components/execution-history";

export const metadata: Metadata = { title: "History" };

export default function HistoryPage() {
  return (
    // useSearchParams (the filters) needs a Suspense boundary in a static export.
    <Suspense>
      <ExecutionHistory />
    </Suspense>
  );
}
