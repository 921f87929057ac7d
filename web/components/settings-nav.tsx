"use client";

import { NavLinks } from "@/components/nav-links";
import { settingsNav } from "@/config/nav";

/** Tabs between the settings pages. */
export function SettingsNav() {
  return <NavLinks items={settingsNav} label="Settings" orientation="horizontal" className="border-b pb-2" />;
}
