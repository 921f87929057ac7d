"use client";

import { LibraryIcon } from "lucide-react";
import Link from "next/link";

import { KeyUsageCard } from "@/components/key-usage-card";
import { NewPromptDialog } from "@/components/new-prompt-dialog";
import { ProfileSummary } from "@/components/profile-summary";
import { QueryError } from "@/components/query-error";
import { QuotaIndicator } from "@/components/quota-indicator";
import { RecentExecutionsCard } from "@/components/recent-executions-card";
import { TopPromptsCard } from "@/components/top-prompts-card";
import { WorkspaceList } from "@/components/workspace-list";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useMe } from "@/hooks/use-me";
import { formatNumber } from "@/lib/format";
import { browserTimeZone } from "@/lib/usage";
import { canWrite, personalWorkspace } from "@/lib/validations/me";

function HomeSkeleton() {
  return (
    <div className="grid gap-6" role="status" aria-label="Loading your profile">
      <Skeleton className="h-8 w-64" />
      {[0, 1].map((i) => (
        <Card key={i}>
          <CardHeader>
            <Skeleton className="h-5 w-40" />
          </CardHeader>
          <CardContent className="grid gap-3">
            <Skeleton className="h-4 w-full" />
            <Skeleton className="h-4 w-2/3" />
          </CardContent>
        </Card>
      ))}
    </div>
  );
}

/** The home page: the prompt count, quota and "New prompt" first, then key usage and the latest runs, the community's top prompts, then profile and workspaces. */
export function HomeOverview() {
  const me = useMe();

  if (me.isPending) return <HomeSkeleton />;
  if (me.isError) {
    return (
      <QueryError
        title="Could not load your profile"
        error={me.error}
        onRetry={() => void me.refetch()}
        retrying={me.isFetching}
      />
    );
  }

  const { user, workspaces, promptCount, promptLimit } = me.data;
  const personal = personalWorkspace(workspaces);
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Welcome, {user.name || user.email}</h1>
        <p className="text-sm text-muted-foreground">Here is your account at a glance.</p>
      </div>
      <Card>
        <CardHeader className="flex-row flex-wrap items-start justify-between gap-4">
          <div className="grid gap-1.5">
            <CardTitle>Your prompts</CardTitle>
            <CardDescription>Write, version and publish the prompts you use.</CardDescription>
          </div>
          <NewPromptDialog workspaceId={personal?.id} disabled={!canWrite(personal?.role)} />
        </CardHeader>
        <CardContent className="grid items-end gap-6 sm:grid-cols-[auto_1fr_auto]">
          <div>
            <p className="text-3xl font-semibold tabular-nums" data-testid="prompt-count">
              {formatNumber(promptCount)}
            </p>
            <p className="text-sm text-muted-foreground">prompts created</p>
          </div>
          <QuotaIndicator count={promptCount} limit={promptLimit} className="sm:max-w-sm" />
          <Button variant="outline" asChild>
            <Link href="/prompts/">
              <LibraryIcon aria-hidden="true" />
              Open library
            </Link>
          </Button>
        </CardContent>
      </Card>
      <KeyUsageCard workspaceId={personal?.id} tz={browserTimeZone()} />
      <RecentExecutionsCard workspaceId={personal?.id} />
      <TopPromptsCard />
      <ProfileSummary user={user} />
      <WorkspaceList workspaces={workspaces} />
    </div>
  );
}
