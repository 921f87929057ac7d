import { formatDateTime } from "@/lib/format";
import type { JobError } from "@/lib/validations/job";

/** The errors of a background job, one per failed attempt, in attempt order. */
export function JobErrorList({ errors, label = "Errors by attempt" }: { errors: readonly JobError[]; label?: string }) {
  if (errors.length === 0) return <p className="text-sm text-muted-foreground">No errors recorded.</p>;
  const ordered = [...errors].sort((a, b) => a.attempt - b.attempt);
  return (
    <ol aria-label={label} className="grid content-start gap-2">
      {ordered.map((e, i) => (
        <li key={`${e.attempt}-${i}`} className="grid gap-1 rounded-md border p-2">
          <div className="flex flex-wrap items-baseline justify-between gap-2 text-xs text-muted-foreground">
            <span className="font-medium text-foreground">Attempt {e.attempt}</span>
            <time dateTime={e.at}>{formatDateTime(e.at)}</time>
          </div>
          <pre className="font-mono text-xs whitespace-pre-wrap break-words">{e.error}</pre>
        </li>
      ))}
    </ol>
  );
}
