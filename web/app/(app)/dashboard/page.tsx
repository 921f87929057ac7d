import type { Metadata } from "next";
import { Suspense } from "react";

import { Dashboard } from "@/components/dashboard";

export const metadata: Metadata = { title: "Dashboard" };

export default function DashboardPage() {
  return (
    // useSearchParams (the range and filters) needs a Suspense boundary in a static export.
    <Suspense>
      <Dashboard />
    </Suspense>
  );
}
