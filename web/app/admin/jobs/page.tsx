import type { Metadata } from "next";

import { JobsConsole } from "@/components/jobs-console";

export const metadata: Metadata = { title: "Jobs console", robots: { index: false } };

export default function AdminJobsPage() {
  return <JobsConsole />;
}
