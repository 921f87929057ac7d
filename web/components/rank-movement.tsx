import { ArrowDownIcon, ArrowUpIcon, MinusIcon } from "lucide-react";

import { cn } from "@/lib/utils";

export interface RankMovementProps {
  /** previousRank − rank: positive moved up; null when not ranked in the run before. */
  movement: number | null;
  /** Whether there was a run before to compare with. */
  hasPrevious: boolean;
}

/** How a prompt's rank changed since the last scoring run: ▲ up, ▼ down, – same, New. */
export function RankMovement({ movement, hasPrevious }: RankMovementProps) {
  const base = "inline-flex items-center gap-0.5 text-xs font-medium tabular-nums";
  if (!hasPrevious) return null;
  if (movement === null) {
    return (
      <span className={cn(base, "text-sky-600 dark:text-sky-400")} aria-label="New since the last run" data-testid="movement">
        New
      </span>
    );
  }
  if (movement > 0) {
    return (
      <span className={cn(base, "text-emerald-600 dark:text-emerald-400")} aria-label={`Up ${movement}`} data-testid="movement">
        <ArrowUpIcon className="size-3" aria-hidden="true" />
        {movement}
      </span>
    );
  }
  if (movement < 0) {
    return (
      <span className={cn(base, "text-rose-600 dark:text-rose-400")} aria-label={`Down ${-movement}`} data-testid="movement">
        <ArrowDownIcon className="size-3" aria-hidden="true" />
        {-movement}
      </span>
    );
  }
  return (
    <span className={cn(base, "text-muted-foreground")} aria-label="No change" data-testid="movement">
      <MinusIcon className="size-3" aria-hidden="true" />
    </span>
  );
}
