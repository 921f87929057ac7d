import type { Metadata } from "next";

import { CredentialSettings } from "@/components/credential-settings";

export const metadata: Metadata = { title: "API keys" };

export default function CredentialSettingsPage() {
  return <CredentialSettings />;
}
