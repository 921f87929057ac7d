"use client";

import { KeyRoundIcon } from "lucide-react";
import { useState } from "react";

import { QueryError } from "@/components/query-error";
import { RevokeTokenDialog } from "@/components/revoke-token-dialog";
import { TokenCreator } from "@/components/token-creator";
import { TokenTable } from "@/components/token-table";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { TOKENS_PER_PAGE, useTokens } from "@/hooks/use-tokens";
import type { Token } from "@/lib/validations/token";

function TokenListSkeleton() {
  return (
    <div role="status" aria-label="Loading tokens" className="grid gap-2">
      {[0, 1, 2].map((i) => (
        <Skeleton key={i} className="h-12 w-full" />
      ))}
    </div>
  );
}

/** The access tokens page: list, create, revoke. */
export function TokenSettings() {
  const [page, setPage] = useState(1);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const tokens = useTokens(page);

  const total = tokens.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / TOKENS_PER_PAGE));

  let body;
  if (tokens.isPending) {
    body = <TokenListSkeleton />;
  } else if (tokens.isError) {
    body = (
      <QueryError
        title="Could not load your tokens"
        error={tokens.error}
        onRetry={() => void tokens.refetch()}
        retrying={tokens.isFetching}
      />
    );
  } else if (tokens.data.total === 0) {
    body = (
      <EmptyState
        icon={KeyRoundIcon}
        title="No access tokens"
        description="Create a token to call the Krowoc API from scripts, apps or the browser clipper."
        action={<TokenCreator label="Create your first token" />}
      />
    );
  } else if (tokens.data.items.length === 0) {
    body = (
      <EmptyState
        title="Nothing on this page"
        action={
          <Button variant="outline" onClick={() => setPage(1)}>
            Go to the first page
          </Button>
        }
      />
    );
  } else {
    body = (
      <div className="grid gap-3">
        <TokenTable tokens={tokens.data.items} onRevoke={setRevoking} />
        {pages > 1 ? (
          <nav aria-label="Token pages" className="flex items-center justify-between text-sm">
            <span className="text-muted-foreground">
              Page {page} of {pages} · {total} tokens
            </span>
            <div className="flex gap-2">
              <Button variant="outline" size="sm" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
                Previous
              </Button>
              <Button variant="outline" size="sm" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
                Next
              </Button>
            </div>
          </nav>
        ) : null}
      </div>
    );
  }

  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle>Access tokens</CardTitle>
          <CardDescription>
            Tokens let scripts, apps and the browser clipper act as you. Revoke any you no longer use.
          </CardDescription>
        </div>
        <TokenCreator />
      </CardHeader>
      <CardContent aria-busy={tokens.isFetching}>{body}</CardContent>
      <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} />
    </Card>
  );
}
