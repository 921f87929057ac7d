import type { Metadata } from "next";

import { DeadLetterSettings } from "@/components/dead-letter-settings";

export const metadata: Metadata = { title: "Failed jobs" };

export default function FailedJobsSettingsPage() {
  return <DeadLetterSettings />;
}
