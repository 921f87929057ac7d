"use client";

import { SearchIcon } from "lucide-react";
import { useState, type FormEvent } from "react";

import { jobStateStyle } from "@/components/job-state-badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { JOB_STATES, jobStateSchema, type JobState } from "@/lib/validations/job";

/** The console's filters; empty text means any. */
export interface JobFilterValues {
  state: JobState | undefined;
  kind: string;
  queue: string;
  limit: number;
}

export const JOB_LIMITS = [50, 100, 200] as const;

export interface JobFiltersProps {
  value: JobFilterValues;
  onChange: (value: JobFilterValues) => void;
  /** Queue names to suggest (from the counts). */
  queues: readonly string[];
}

/** The console's filter bar: state and limit apply at once, kind and queue on Enter, blur or Apply. */
export function JobFilters({ value, onChange, queues }: JobFiltersProps) {
  const [kind, setKind] = useState(value.kind);
  const [queue, setQueue] = useState(value.queue);

  const commitText = () => {
    const next = { ...value, kind: kind.trim(), queue: queue.trim() };
    if (next.kind !== value.kind || next.queue !== value.queue) onChange(next);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    commitText();
  };

  return (
    <form role="search" aria-label="Filter jobs" onSubmit={submit} className="flex flex-wrap items-end gap-3">
      <div className="grid gap-1.5">
        <Label htmlFor="job-state">State</Label>
        <Select
          id="job-state"
          className="w-40"
          value={value.state ?? ""}
          onChange={(e) => {
            const parsed = jobStateSchema.safeParse(e.target.value);
            onChange({ ...value, state: parsed.success ? parsed.data : undefined });
          }}
        >
          <option value="">Any state</option>
          {JOB_STATES.map((s) => (
            <option key={s} value={s}>
              {jobStateStyle(s).label}
            </option>
          ))}
        </Select>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="job-kind">Kind</Label>
        <Input
          id="job-kind"
          className="w-44"
          placeholder="Any kind"
          value={kind}
          onChange={(e) => setKind(e.target.value)}
          onBlur={commitText}
        />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="job-queue">Queue</Label>
        <Input
          id="job-queue"
          className="w-44"
          placeholder="Any queue"
          list="job-queue-names"
          value={queue}
          onChange={(e) => setQueue(e.target.value)}
          onBlur={commitText}
        />
        <datalist id="job-queue-names">
          {queues.map((q) => (
            <option key={q} value={q} />
          ))}
        </datalist>
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="job-limit">Show</Label>
        <Select
          id="job-limit"
          className="w-28"
          value={String(value.limit)}
          onChange={(e) => onChange({ ...value, limit: Number(e.target.value) })}
        >
          {JOB_LIMITS.map((n) => (
            <option key={n} value={n}>
              {n} jobs
            </option>
          ))}
        </Select>
      </div>
      <Button type="submit" variant="outline">
        <SearchIcon aria-hidden="true" />
        Apply
      </Button>
    </form>
  );
}
