import type { Metadata } from "next";

import { TokenSettings } from "@/components/token-settings";

export const metadata: Metadata = { title: "Access tokens" };

export default function TokenSettingsPage() {
  return <TokenSettings />;
}
