"use client";

import { ProfileForm } from "@/components/profile-form";
import { QueryError } from "@/components/query-error";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useMe } from "@/hooks/use-me";

/** The profile settings page: loads the user, then shows the form. */
export function ProfileSettings() {
  const me = useMe();

  if (me.isPending) {
    return (
      <Card role="status" aria-label="Loading your profile">
        <CardHeader>
          <Skeleton className="h-5 w-32" />
        </CardHeader>
        <CardContent className="grid gap-4">
          <Skeleton className="h-9 w-full" />
          <Skeleton className="h-9 w-full" />
          <Skeleton className="h-9 w-24" />
        </CardContent>
      </Card>
    );
  }
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
  return <ProfileForm user={me.data.user} />;
}
