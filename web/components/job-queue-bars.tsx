import { JOB_STATE_STYLES, jobStateStyle } from "@/components/job-state-badge";
import { formatNumber } from "@/lib/format";
import { cn } from "@/lib/utils";
import type { JobCount } from "@/lib/validations/job";

interface QueueTotals {
  queue: string;
  total: number;
  states: { state: string; count: number }[];
}

const stateOrder = Object.keys(JOB_STATE_STYLES);

function rank(state: string): number {
  const i = stateOrder.indexOf(state);
  return i === -1 ? stateOrder.length : i;
}

/** Groups counts by queue (by name), each queue's states in lifecycle order, empty states left out. */
export function queueTotals(counts: readonly JobCount[]): QueueTotals[] {
  const byQueue = new Map<string, Map<string, number>>();
  for (const c of counts) {
    if (c.count <= 0) continue;
    const states = byQueue.get(c.queue) ?? new Map<string, number>();
    states.set(c.state, (states.get(c.state) ?? 0) + c.count);
    byQueue.set(c.queue, states);
  }
  return [...byQueue.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([queue, states]) => {
      const list = [...states.entries()]
        .map(([state, count]) => ({ state, count }))
        .sort((a, b) => rank(a.state) - rank(b.state) || a.state.localeCompare(b.state));
      return { queue, total: list.reduce((n, s) => n + s.count, 0), states: list };
    });
}

/** One horizontal bar per queue, its jobs stacked by state, with the counts written out beside it. */
export function JobQueueBars({ counts }: { counts: readonly JobCount[] }) {
  const queues = queueTotals(counts);
  if (queues.length === 0) return <p className="text-sm text-muted-foreground">No jobs in any queue.</p>;
  return (
    <ul className="grid gap-4" aria-label="Jobs by queue and state">
      {queues.map((q) => {
        const summary = q.states.map((s) => `${formatNumber(s.count)} ${jobStateStyle(s.state).label.toLowerCase()}`).join(", ");
        return (
          <li key={q.queue} className="grid gap-1.5" aria-label={`Queue ${q.queue}`}>
            <div className="flex items-baseline justify-between gap-2 text-sm">
              <span className="font-mono font-medium">{q.queue}</span>
              <span className="tabular-nums text-muted-foreground">
                {formatNumber(q.total)} {q.total === 1 ? "job" : "jobs"}
              </span>
            </div>
            <div
              role="img"
              aria-label={`${q.queue}: ${summary}`}
              className="flex h-3 w-full overflow-hidden rounded-full bg-muted"
            >
              {q.states.map((s) => (
                <div
                  key={s.state}
                  data-state={s.state}
                  className={cn("h-full min-w-0.5", jobStateStyle(s.state).color)}
                  style={{ width: `${(s.count / q.total) * 100}%` }}
                  title={`${jobStateStyle(s.state).label}: ${formatNumber(s.count)}`}
                />
              ))}
            </div>
            <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-muted-foreground" aria-hidden="true">
              {q.states.map((s) => (
                <li key={s.state} className="flex items-center gap-1">
                  <span className={cn("size-2 rounded-full", jobStateStyle(s.state).color)} />
                  {jobStateStyle(s.state).label} <span className="tabular-nums text-foreground">{formatNumber(s.count)}</span>
                </li>
              ))}
            </ul>
          </li>
        );
      })}
    </ul>
  );
}
