import Link from "next/link";

import { TierBadge } from "@/components/tier-badge";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatDate } from "@/lib/format";
import type { User } from "@/lib/validations/me";

/** The user's name, email, tier and membership date. */
export function ProfileSummary({ user }: { user: User }) {
  return (
    <Card>
      <CardHeader className="flex-row items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle>Profile</CardTitle>
          <CardDescription>Member since {formatDate(user.created)}</CardDescription>
        </div>
        <Button variant="outline" size="sm" asChild>
          <Link href="/settings/profile/">Edit</Link>
        </Button>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-3 text-sm sm:grid-cols-[8rem_1fr]">
          <dt className="text-muted-foreground">Name</dt>
          <dd data-testid="profile-name">{user.name || <span className="text-muted-foreground">Not set</span>}</dd>
          <dt className="text-muted-foreground">Email</dt>
          <dd className="flex flex-wrap items-center gap-2 break-all" data-testid="profile-email">
            {user.email}
            {user.verified ? null : <Badge variant="outline">Unverified</Badge>}
          </dd>
          <dt className="text-muted-foreground">Tier</dt>
          <dd>
            <TierBadge tier={user.tier} />
          </dd>
        </dl>
      </CardContent>
    </Card>
  );
}
