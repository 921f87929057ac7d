import type { ReactNode } from "react";

/** Jest stand-in for react-markdown (ESM only): renders the Markdown source as text. */
export default function ReactMarkdown({ children }: { children?: ReactNode }) {
  return <div data-testid="markdown">{children}</div>;
}

export type Components = Record<string, unknown>;
