/**
 * Editing a chain's steps in the browser: reordering and removing steps
 * keep every `{"step": n}` binding pointing at the same step, and the
 * binding dropdown's values are encoded and decoded here.
 */
import type { Binding } from "@/lib/validations/chain";

/** A step as the editor holds it; key identifies it across reorders. */
export interface StepDraft {
  key: string;
  promptId: string;
  version: number | null;
  model: string;
  bindings: Record<string, Binding>;
}

/** Rewrites each step binding through renumber (old position → new position, or null to drop it). */
function renumber(steps: StepDraft[], map: (position: number) => number | null): StepDraft[] {
  return steps.map((s) => {
    const bindings: Record<string, Binding> = {};
    for (const [name, b] of Object.entries(s.bindings)) {
      if ("step" in b) {
        const to = map(b.step);
        if (to !== null) bindings[name] = { step: to };
      } else {
        bindings[name] = b;
      }
    }
    return { ...s, bindings };
  });
}

/** Moves the step at index from to index to; bindings follow the steps they name. */
export function moveStep(steps: readonly StepDraft[], from: number, to: number): StepDraft[] {
  if (from === to || to < 0 || to >= steps.length) return [...steps];
  const order = steps.map((_, i) => i);
  const [moved] = order.splice(from, 1);
  order.splice(to, 0, moved!);
  const newPosition = new Map(order.map((oldIndex, newIndex) => [oldIndex + 1, newIndex + 1]));
  return renumber(
    order.map((i) => steps[i]!),
    (p) => newPosition.get(p) ?? null,
  );
}

/** Removes the step at index; bindings to it are dropped (their variables become unbound). */
export function removeStep(steps: readonly StepDraft[], index: number): StepDraft[] {
  const removed = index + 1;
  return renumber(
    steps.filter((_, i) => i !== index),
    (p) => (p === removed ? null : p > removed ? p - 1 : p),
  );
}

/** The dropdown value of a binding: "" (unbound), "input:<name>", "step:<n>" or "literal". */
export function bindingChoice(binding: Binding | undefined): string {
  if (!binding) return "";
  if ("input" in binding) return `input:${binding.input}`;
  if ("step" in binding) return `step:${binding.step}`;
  return "literal";
}

/** The binding a dropdown value selects; literal keeps the text it had. */
export function bindingFromChoice(choice: string, previous: Binding | undefined): Binding | undefined {
  if (choice.startsWith("input:")) return { input: choice.slice("input:".length) };
  if (choice.startsWith("step:")) return { step: Number(choice.slice("step:".length)) };
  if (choice === "literal") return previous && "literal" in previous ? previous : { literal: "" };
  return undefined;
}

/** The field errors of one step, keyed by what follows `steps[i].` (promptId, model, bindings.topic, …). */
export function stepFieldErrors(
  errors: readonly { field: string; message: string }[],
  index: number,
): Record<string, string> {
  const prefix = `steps[${index}].`;
  const out: Record<string, string> = {};
  for (const e of errors) {
    if (e.field.startsWith(prefix)) out[e.field.slice(prefix.length)] = e.message;
  }
  return out;
}
