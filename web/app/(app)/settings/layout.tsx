import type { ReactNode } from "react";

import { SettingsNav } from "@/components/settings-nav";

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <p className="text-sm text-muted-foreground">Your profile, provider API keys, access tokens and failed background jobs.</p>
      </div>
      <SettingsNav />
      {children}
    </div>
  );
}
