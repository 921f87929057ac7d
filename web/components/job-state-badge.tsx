import { cn } from "@/lib/utils";
import { badgeVariants } from "@/components/ui/badge";

interface StateStyle {
  label: string;
  /** Background of the state's badge and of its segment in the count bars. */
  color: string;
}

/** River's states in the order a job usually passes through them, with their look. */
export const JOB_STATE_STYLES: Readonly<Record<string, StateStyle>> = {
  pending: { label: "Pending", color: "bg-slate-400 text-white dark:bg-slate-500" },
  scheduled: { label: "Scheduled", color: "bg-violet-500 text-white" },
  available: { label: "Available", color: "bg-sky-500 text-white" },
  running: { label: "Running", color: "bg-blue-600 text-white" },
  retryable: { label: "Retryable", color: "bg-amber-500 text-amber-950" },
  completed: { label: "Completed", color: "bg-emerald-600 text-white" },
  cancelled: { label: "Cancelled", color: "bg-zinc-500 text-white" },
  discarded: { label: "Discarded", color: "bg-red-600 text-white" },
};

const unknownStyle = (state: string): StateStyle => ({ label: state, color: "bg-muted text-foreground" });

/** The label and colour of a job state; an unknown state keeps its name. */
export function jobStateStyle(state: string): StateStyle {
  return JOB_STATE_STYLES[state] ?? unknownStyle(state);
}

/** The state of a River job. */
export function JobStateBadge({ state }: { state: string }) {
  const style = jobStateStyle(state);
  return <span className={cn(badgeVariants({ variant: "default" }), "border-transparent", style.color)}>{style.label}</span>;
}
