import type { Metadata } from "next";

import { HomeOverview } from "@/components/home-overview";

export const metadata: Metadata = { title: "Home" };

export default function HomePage() {
  return <HomeOverview />;
}
