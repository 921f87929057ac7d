"use client";

import { TrophyIcon } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";

import { AppShell } from "@/components/app-shell";
import { AuthGuard } from "@/components/auth-guard";
import { Logo } from "@/components/logo";
import { PageLoading } from "@/components/page-loading";
import { ThemeToggle } from "@/components/theme-toggle";
import { Button } from "@/components/ui/button";
import { useAuth } from "@/hooks/use-auth";

/**
 * The layout of pages anyone may open (the leaderboard, public prompts):
 * the app's own shell when signed in, a light header with sign-in links
 * when not.
 */
export function PublicShell({ children }: { children: ReactNode }) {
  const auth = useAuth();
  if (auth.status === "loading") return <PageLoading />;
  if (auth.status === "authenticated") {
    return (
      <AuthGuard>
        <AppShell>{children}</AppShell>
      </AuthGuard>
    );
  }
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-40 border-b bg-background/95 backdrop-blur">
        <div className="flex h-14 items-center gap-2 px-4">
          <Logo />
          <nav aria-label="Main" className="ml-4">
            <Link href="/leaderboard/" className="inline-flex items-center gap-1.5 text-sm font-medium text-muted-foreground hover:text-foreground">
              <TrophyIcon className="size-4" aria-hidden="true" />
              Leaderboard
            </Link>
          </nav>
          <div className="ml-auto flex items-center gap-2">
            <ThemeToggle />
            <Button variant="ghost" asChild>
              <Link href="/sign-in/">Sign in</Link>
            </Button>
            <Button asChild>
              <Link href="/sign-up/">Sign up</Link>
            </Button>
          </div>
        </div>
      </header>
      <main id="main" className="min-w-0 flex-1 p-4 md:p-8">
        <div className="mx-auto w-full max-w-4xl">{children}</div>
      </main>
    </div>
  );
}
