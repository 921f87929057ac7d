"use client";

import { ProfileSummary } from "@/components/profile-summary";
import { QueryError } from "@/components/query-error";
import { WorkspaceList } from "@/components/workspace-list";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useMe } from "@/hooks/use-me";

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

/** The home page: a greeting, the user's profile and their workspaces. */
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

  const { user, workspaces } = me.data;
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Welcome, {user.name || user.email}</h1>
        <p className="text-sm text-muted-foreground">Here is your account at a glance.</p>
      </div>
      <ProfileSummary user={user} />
      <WorkspaceList workspaces={workspaces} />
    </div>
  );
}
