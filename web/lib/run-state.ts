import type { Execution, RunEvent, Usage } from "@/lib/validations/execution";

/** Where one model's part of a run is. */
export type RunColumnStatus = "waiting" | "streaming" | "succeeded" | "failed" | "cancelled";

/** A run failure as the panel shows it. */
export interface RunError {
  code: string;
  detail: string;
  reason?: string;
}

/** One model's answer of a run, filled as events arrive. */
export interface RunColumn {
  model: string;
  executionId: string | null;
  status: RunColumnStatus;
  text: string;
  usage: Usage | null;
  costMicros: number | null;
  ttftMs: number | null;
  latencyMs: number | null;
  execution: Execution | null;
  error: RunError | null;
}

/** The empty columns of a run on these models, in the order picked. */
export function initialRunColumns(models: readonly string[]): RunColumn[] {
  return models.map((model) => ({
    model,
    executionId: null,
    status: "waiting",
    text: "",
    usage: null,
    costMicros: null,
    ttftMs: null,
    latencyMs: null,
    execution: null,
    error: null,
  }));
}

function update(column: RunColumn, event: RunEvent): RunColumn {
  const executionId = event.executionId || column.executionId;
  switch (event.type) {
    case "start":
      return { ...column, executionId, status: "streaming" };
    case "delta":
      return { ...column, executionId, status: "streaming", text: column.text + event.text };
    case "usage":
      return { ...column, executionId, usage: event.usage, costMicros: event.costMicros };
    case "done": {
      const x = event.execution;
      return {
        ...column,
        executionId: x.id,
        status: x.status === "succeeded" ? "succeeded" : x.status === "cancelled" ? "cancelled" : "failed",
        text: x.responseText || column.text,
        usage: x.usage,
        costMicros: x.costMicros,
        ttftMs: x.ttftMs,
        latencyMs: x.latencyMs,
        execution: x,
      };
    }
    case "error":
      return {
        ...column,
        executionId,
        status: "failed",
        error: { code: event.code, detail: event.detail, reason: event.reason },
      };
  }
}

/**
 * Routes one event to the column of its model (a model nobody asked for
 * gets a new column) and returns the new columns; the others are kept as is.
 */
export function applyRunEvent(columns: readonly RunColumn[], event: RunEvent): RunColumn[] {
  const index = columns.findIndex((c) => c.model === event.model);
  if (index === -1) return [...columns, ...initialRunColumns([event.model]).map((c) => update(c, event))];
  return columns.map((c, i) => (i === index ? update(c, event) : c));
}

/** Marks the columns still going as cancelled (the user pressed Stop). */
export function cancelRunColumns(columns: readonly RunColumn[]): RunColumn[] {
  return columns.map((c) => (c.status === "waiting" || c.status === "streaming" ? { ...c, status: "cancelled" } : c));
}

/** Marks the columns still going as failed with the given error (the stream broke). */
export function failRunColumns(columns: readonly RunColumn[], error: RunError): RunColumn[] {
  return columns.map((c) => (c.status === "waiting" || c.status === "streaming" ? { ...c, status: "failed", error } : c));
}
