"use client";

import { XIcon } from "lucide-react";
import { useId, useRef, useState, type KeyboardEvent } from "react";

import { Badge } from "@/components/ui/badge";
import { normalizeTag, normalizeTags, PROMPT_TAG_MAX, PROMPT_TAGS_MAX } from "@/lib/validations/prompt";
import { cn } from "@/lib/utils";

export interface TagInputProps {
  id: string;
  value: readonly string[];
  onChange: (tags: string[]) => void;
  /** Existing tags offered while typing, most used first. */
  suggestions?: readonly string[];
  max?: number;
  maxLength?: number;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
  placeholder?: string;
  disabled?: boolean;
}

/**
 * A tag multi-select: type and press Enter or comma to add, Backspace on an
 * empty input removes the last tag. Tags are trimmed, lower-cased and
 * deduplicated; at most `max` tags of at most `maxLength` characters.
 */
export function TagInput({
  id,
  value,
  onChange,
  suggestions = [],
  max = PROMPT_TAGS_MAX,
  maxLength = PROMPT_TAG_MAX,
  placeholder = "Add a tag…",
  disabled,
  ...aria
}: TagInputProps) {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState("");
  const listId = useId();
  const root = useRef<HTMLDivElement>(null);
  const problemId = `${id}-tag-problem`;

  const add = (raw: string) => {
    const candidates = raw.split(",").map(normalizeTag).filter(Boolean);
    if (candidates.length === 0) return true;
    const tooLong = candidates.find((t) => t.length > maxLength);
    if (tooLong) {
      setProblem(`Tags are at most ${maxLength} characters.`);
      return false;
    }
    const next = normalizeTags([...value, ...candidates]);
    if (next.length > max) {
      setProblem(`A prompt has at most ${max} tags.`);
      return false;
    }
    setProblem("");
    if (next.length !== value.length) onChange(next);
    return true;
  };

  const remove = (tag: string) => {
    setProblem("");
    onChange(value.filter((t) => t !== tag));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter" || e.key === ",") {
      e.preventDefault();
      if (add(text)) setText("");
    } else if (e.key === "Backspace" && text === "" && value.length > 0) {
      e.preventDefault();
      remove(value[value.length - 1] ?? "");
    }
  };

  const query = normalizeTag(text);
  const matches = suggestions
    .filter((s) => !value.includes(s) && (query === "" || s.startsWith(query)))
    .slice(0, query === "" ? 6 : 8);

  const describedBy = [aria["aria-describedby"], problem ? problemId : undefined].filter(Boolean).join(" ") || undefined;

  return (
    <div className="grid gap-2" ref={root}>
      <div
        className={cn(
          "flex min-h-9 flex-wrap items-center gap-1.5 rounded-md border border-input bg-background px-2 py-1.5 shadow-xs focus-within:ring-2 focus-within:ring-ring",
          (aria["aria-invalid"] || problem) && "border-destructive",
        )}
      >
        <ul className="contents" aria-label="Selected tags">
          {value.map((tag) => (
            <li key={tag}>
              <Badge variant="secondary" className="gap-1 pr-1">
                {tag}
                <button
                  type="button"
                  className="rounded-sm opacity-70 hover:opacity-100 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                  onClick={() => remove(tag)}
                  aria-label={`Remove tag ${tag}`}
                  disabled={disabled}
                >
                  <XIcon className="size-3" aria-hidden="true" />
                </button>
              </Badge>
            </li>
          ))}
        </ul>
        <input
          id={id}
          value={text}
          disabled={disabled}
          onChange={(e) => {
            const v = e.target.value;
            // A pasted "a, b, c" adds every tag but the one still being typed.
            if (v.includes(",")) {
              const parts = v.split(",");
              const rest = parts.pop() ?? "";
              if (add(parts.join(","))) setText(rest);
              else setText(v.replace(/,/g, ""));
              return;
            }
            setText(v);
          }}
          onKeyDown={onKeyDown}
          onBlur={(e) => {
            // Moving to a suggestion or a remove button is not leaving the control.
            if (e.relatedTarget instanceof Node && root.current?.contains(e.relatedTarget)) return;
            if (text.trim() && add(text)) setText("");
          }}
          placeholder={value.length === 0 ? placeholder : ""}
          autoComplete="off"
          aria-invalid={aria["aria-invalid"] || Boolean(problem)}
          aria-describedby={describedBy}
          aria-controls={matches.length > 0 ? listId : undefined}
          className="min-w-24 flex-1 bg-transparent py-0.5 text-sm outline-none placeholder:text-muted-foreground"
        />
      </div>
      {problem ? (
        <p id={problemId} role="alert" className="text-sm font-medium text-destructive">
          {problem}
        </p>
      ) : null}
      {matches.length > 0 && !disabled ? (
        <div id={listId} className="flex flex-wrap items-center gap-1.5 text-xs" aria-label="Tag suggestions" role="group">
          <span className="text-muted-foreground">Suggestions:</span>
          {matches.map((s) => (
            <button
              key={s}
              type="button"
              onClick={() => {
                if (add(s)) setText("");
              }}
              className="rounded-md border px-2 py-0.5 hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
              aria-label={`Add tag ${s}`}
            >
              {s}
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
