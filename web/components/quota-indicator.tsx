import { SparklesIcon } from "lucide-react";
import Link from "next/link";

import { Button } from "@/components/ui/button";
import { formatNumber } from "@/lib/format";
import { quotaLevel } from "@/lib/quota";
import { cn } from "@/lib/utils";

export interface QuotaIndicatorProps {
  /** Live prompts the user owns. */
  count: number;
  /** The tier's limit; null means unlimited. */
  limit: number | null;
  className?: string;
}

/** "42 / 50 prompts" with a progress bar, or "Unlimited"; from 80 % of the limit an Upgrade link. */
export function QuotaIndicator({ count, limit, className }: QuotaIndicatorProps) {
  const level = quotaLevel(count, limit);
  if (limit === null) {
    return (
      <div className={cn("flex items-center gap-2 text-sm", className)} data-testid="quota-indicator">
        <span className="font-medium">{formatNumber(count)} prompts</span>
        <span className="text-muted-foreground">· Unlimited</span>
      </div>
    );
  }
  const pct = limit > 0 ? Math.min(100, Math.round((count / limit) * 100)) : 100;
  const label = `${formatNumber(count)} / ${formatNumber(limit)} prompts`;
  return (
    <div className={cn("flex min-w-48 flex-col gap-1.5", className)} data-testid="quota-indicator" data-level={level}>
      <div className="flex items-center justify-between gap-3 text-sm">
        <span className="whitespace-nowrap font-medium">{label}</span>
        {level === "ok" ? null : (
          <Button asChild size="sm" variant={level === "full" ? "default" : "outline"} className="h-7">
            <Link href="/upgrade/">
              <SparklesIcon aria-hidden="true" />
              Upgrade
            </Link>
          </Button>
        )}
      </div>
      <div
        role="progressbar"
        aria-label="Prompt quota"
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.min(count, limit)}
        aria-valuetext={label}
        className="h-2 w-full overflow-hidden rounded-full bg-muted"
      >
        <div
          className={cn(
            "h-full rounded-full transition-all",
            level === "full" ? "bg-destructive" : level === "warning" ? "bg-amber-500" : "bg-primary",
          )}
          style={{ width: `${pct}%` }}
        />
      </div>
      {level === "full" ? (
        <p className="text-xs text-destructive">You have reached the limit of the Free tier.</p>
      ) : null}
    </div>
  );
}
