import type { Metadata } from "next";

import { UpgradeTiers } from "@/components/upgrade-tiers";

export const metadata: Metadata = { title: "Upgrade" };

export default function UpgradePage() {
  return <UpgradeTiers />;
}
