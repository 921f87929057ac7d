import { formatCost, formatNumber } from "@/lib/format";
import type { Batch } from "@/lib/validations/batch";

/** The share of a batch's items that have settled, 0–100. */
export function batchPercent(b: Pick<Batch, "total" | "remaining">): number {
  if (b.total <= 0) return 100;
  return Math.floor(((b.total - b.remaining) / b.total) * 100);
}

function Counter({ label, value }: { label: string; value: string }) {
  return (
    <div className="grid gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums" data-counter={label}>
        {value}
      </dd>
    </div>
  );
}

/** A batch's progress bar and counters: done, failed, remaining and the cost so far. */
export function BatchProgress({ batch }: { batch: Batch }) {
  const pct = batchPercent(batch);
  return (
    <section aria-label="Batch progress" className="grid gap-3">
      <div className="flex justify-between text-sm">
        <span>
          {formatNumber(batch.total - batch.remaining)} of {formatNumber(batch.total)} items settled
          {batch.running > 0 ? `, ${formatNumber(batch.running)} running` : ""}
        </span>
        <span className="tabular-nums text-muted-foreground" data-testid="batch-percent">
          {pct}%
        </span>
      </div>
      <div
        role="progressbar"
        aria-label="Batch progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="h-2 overflow-hidden rounded-full bg-muted"
      >
        <div className="h-full bg-primary transition-all" style={{ width: `${pct}%` }} />
      </div>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        <Counter label="Done" value={formatNumber(batch.succeeded)} />
        <Counter label="Failed" value={formatNumber(batch.failed)} />
        <Counter label="Cancelled" value={formatNumber(batch.cancelled)} />
        <Counter label="Remaining" value={formatNumber(batch.remaining)} />
        <Counter label="Cost so far" value={formatCost(batch.costMicros)} />
      </dl>
    </section>
  );
}
