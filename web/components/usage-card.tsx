import type { ReactNode } from "react";

import { QueryError } from "@/components/query-error";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

export interface UsageCardProps {
  title: string;
  description?: string;
  /** The query behind the card: its state decides between skeleton, error and children. */
  query: { isPending: boolean; isError: boolean; isFetching: boolean; error: unknown; refetch: () => unknown };
  children?: ReactNode;
  className?: string;
}

/** A Dashboard card: a titled region that shows its query's loading and error states. */
export function UsageCard({ title, description, query, children, className }: UsageCardProps) {
  let body: ReactNode;
  if (query.isPending) {
    body = (
      <div role="status" aria-label={`Loading ${title.toLowerCase()}`}>
        <Skeleton className="h-48 w-full" />
      </div>
    );
  } else if (query.isError) {
    body = (
      <QueryError
        title={`Could not load ${title.toLowerCase()}`}
        error={query.error}
        onRetry={() => void query.refetch()}
        retrying={query.isFetching}
      />
    );
  } else {
    body = children;
  }
  return (
    <Card role="region" aria-label={title} className={className}>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        {description ? <CardDescription>{description}</CardDescription> : null}
      </CardHeader>
      <CardContent className="grid gap-4" aria-busy={query.isFetching}>
        {body}
      </CardContent>
    </Card>
  );
}
