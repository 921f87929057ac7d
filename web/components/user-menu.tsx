"use client";

import { LogOutIcon, SettingsIcon } from "lucide-react";
import Link from "next/link";

import { useSignOut } from "@/components/auth-guard";
import { TierBadge } from "@/components/tier-badge";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { useAuth } from "@/hooks/use-auth";
import { useMe } from "@/hooks/use-me";

function initials(name: string, email: string): string {
  const source = name.trim() || email;
  const parts = source.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}

/** The signed-in user's name, email and tier, with settings and sign-out. */
export function UserMenu() {
  const auth = useAuth();
  const me = useMe();
  const signOut = useSignOut();

  const session = auth.status === "authenticated" ? auth : null;
  const name = me.data?.user.name ?? session?.name ?? "";
  const email = me.data?.user.email ?? session?.email ?? "";

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" className="gap-2 px-2" aria-label="Open user menu">
          <span
            aria-hidden="true"
            className="flex size-7 items-center justify-center rounded-full bg-secondary text-xs font-semibold text-secondary-foreground"
          >
            {initials(name, email)}
          </span>
          <span className="hidden max-w-40 truncate text-sm sm:inline">{name || email}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-64">
        <DropdownMenuLabel className="flex flex-col gap-1 font-normal">
          <span className="truncate text-sm font-medium" data-testid="user-menu-name">
            {name || "Unnamed user"}
          </span>
          <span className="truncate text-xs text-muted-foreground" data-testid="user-menu-email">
            {email}
          </span>
          {me.data ? <TierBadge tier={me.data.user.tier} className="w-fit" /> : null}
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem asChild>
          <Link href="/settings/profile/">
            <SettingsIcon aria-hidden="true" /> Settings
          </Link>
        </DropdownMenuItem>
        <DropdownMenuItem onSelect={signOut}>
          <LogOutIcon aria-hidden="true" /> Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
