"use client";

import { Fragment, useRef, type ComponentProps, type Ref } from "react";

import { splitVariables, variableMarkClass } from "@/components/highlighted-prompt-text";
import { cn } from "@/lib/utils";

export type PromptTextEditorProps = Omit<ComponentProps<"textarea">, "value" | "onChange"> & {
  value: string;
  onChange: (value: string) => void;
  ref?: Ref<HTMLTextAreaElement>;
};

const shared = "whitespace-pre-wrap break-words px-3 py-2 font-mono text-sm leading-6 [overflow-wrap:anywhere]";

/**
 * A monospace textarea whose `{{variables}}` are highlighted: the text is drawn
 * by a layer behind a transparent textarea that keeps the caret and selection.
 */
export function PromptTextEditor({ value, onChange, className, ref, ...props }: PromptTextEditorProps) {
  const backdrop = useRef<HTMLDivElement>(null);
  return (
    <div className={cn("relative rounded-md border border-input bg-background shadow-xs", className)}>
      <div
        ref={backdrop}
        aria-hidden="true"
        className={cn(shared, "pointer-events-none absolute inset-0 overflow-hidden text-foreground")}
      >
        {splitVariables(value).map((part, i) =>
          part.variable ? (
            <mark key={i} className={variableMarkClass}>
              {part.text}
            </mark>
          ) : (
            <Fragment key={i}>{part.text}</Fragment>
          ),
        )}
        {/* A trailing newline needs a character after it to take up a line. */}
        {"\u200b"}
      </div>
      <textarea
        ref={ref}
        value={value}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (backdrop.current) backdrop.current.scrollTop = e.currentTarget.scrollTop;
        }}
        className={cn(
          shared,
          "relative block min-h-48 w-full resize-y rounded-md bg-transparent text-transparent caret-foreground placeholder:text-muted-foreground selection:bg-primary/30 selection:text-transparent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring aria-invalid:ring-2 aria-invalid:ring-destructive/40",
        )}
        {...props}
      />
    </div>
  );
}
