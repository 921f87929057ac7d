import { Fragment } from "react";

import { VARIABLE_PATTERN } from "@/lib/validations/prompt";
import { cn } from "@/lib/utils";

/** Splits a prompt text into plain runs and `{{variable}}` runs. */
export function splitVariables(text: string): { text: string; variable: boolean }[] {
  const parts: { text: string; variable: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE_PATTERN)) {
    const start = m.index ?? 0;
    if (start > last) parts.push({ text: text.slice(last, start), variable: false });
    parts.push({ text: m[0], variable: true });
    last = start + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), variable: false });
  return parts;
}

/** Classes of a highlighted variable; the editor overlay must not change the text's width. */
export const variableMarkClass = "rounded-sm bg-primary/15 text-primary dark:bg-primary/25";

/** A prompt text with its `{{variables}}` highlighted, as monospace preformatted text. */
export function HighlightedPromptText({ text, className }: { text: string; className?: string }) {
  return (
    <pre
      className={cn("whitespace-pre-wrap break-words font-mono text-sm leading-6", className)}
      data-testid="prompt-text"
    >
      {splitVariables(text).map((part, i) =>
        part.variable ? (
          <mark key={i} className={variableMarkClass}>
            {part.text}
          </mark>
        ) : (
          <Fragment key={i}>{part.text}</Fragment>
        ),
      )}
    </pre>
  );
}
