/** A JSON value pretty-printed in a scrollable block. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  return (
    <pre
      aria-label={label}
      className="max-h-72 overflow-auto rounded-md border bg-muted/40 p-3 font-mono text-xs whitespace-pre-wrap break-words"
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
