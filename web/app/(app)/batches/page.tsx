import type { Metadata } from "next";

import { BatchList } from "@/components/batch-list";

export const metadata: Metadata = { title: "Batches" };

export default function BatchesPage() {
  return <BatchList />;
}
