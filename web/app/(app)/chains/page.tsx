import type { Metadata } from "next";

import { ChainList } from "@/components/chain-list";

export const metadata: Metadata = { title: "Chains" };

export default function ChainsPage() {
  return <ChainList />;
}
