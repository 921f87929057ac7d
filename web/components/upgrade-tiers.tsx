"use client";

import { CheckIcon, ShieldCheckIcon } from "lucide-react";

import { TierBadge } from "@/components/tier-badge";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useMe } from "@/hooks/use-me";
import type { Tier } from "@/lib/validations/me";
import { cn } from "@/lib/utils";

const tiers: readonly { id: Tier; name: string; summary: string; features: string[] }[] = [
  {
    id: "free",
    name: "Free",
    summary: "For trying Krowoc on your own.",
    features: ["Up to 50 prompts", "Your own provider API keys", "7 days of analytics"],
  },
  {
    id: "power",
    name: "Power",
    summary: "For people who live in their prompts.",
    features: ["Unlimited prompts", "Full version and run history", "Everything in Free"],
  },
  {
    id: "team",
    name: "Team",
    summary: "For groups that share prompts.",
    features: ["Shared workspaces", "Roles: owner, admin, editor, viewer", "Everything in Power"],
  },
];

/** The tiers side by side, and how to change tier on a self-hosted server. */
export function UpgradeTiers() {
  const me = useMe();
  const currentTier = me.data?.user.tier;
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Upgrade</h1>
        <p className="text-sm text-muted-foreground">
          {currentTier ? (
            <>
              You are on the <TierBadge tier={currentTier} /> tier.
            </>
          ) : (
            "Compare the tiers of Krowoc."
          )}
        </p>
      </div>
      <Alert>
        <ShieldCheckIcon aria-hidden="true" />
        <AlertTitle>Upgrades are done by an administrator of this Krowoc server</AlertTitle>
        <AlertDescription>
          This is a self-hosted install: there is nothing to pay here. Ask the person who runs this server to change your
          tier in its admin panel.
        </AlertDescription>
      </Alert>
      <ul className="grid gap-4 md:grid-cols-3" aria-label="Tiers">
        {tiers.map((tier) => (
          <li key={tier.id}>
            <Card className={cn("h-full", currentTier === tier.id && "border-primary ring-1 ring-primary")}>
              <CardHeader>
                <CardTitle className="flex items-center gap-2">
                  {tier.name}
                  {currentTier === tier.id ? <Badge variant="secondary">Current</Badge> : null}
                </CardTitle>
                <CardDescription>{tier.summary}</CardDescription>
              </CardHeader>
              <CardContent>
                <ul className="grid gap-2 text-sm">
                  {tier.features.map((f) => (
                    <li key={f} className="flex items-start gap-2">
                      <CheckIcon className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden="true" />
                      {f}
                    </li>
                  ))}
                </ul>
              </CardContent>
            </Card>
          </li>
        ))}
      </ul>
    </div>
  );
}
