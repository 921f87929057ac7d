import type { ReactElement } from "react";

interface StubSpec {
  type?: string;
  data?: { id?: string; values?: unknown[] }[];
}

/**
 * Jest's stand-in for @visactor/react-vchart: VisActor draws on a canvas,
 * which jsdom does not have (Playwright checks the real drawing). It shows
 * the chart's type and data as text, so tests can read what a chart would
 * draw.
 */
export function VChart({ spec }: { spec: StubSpec }): ReactElement {
  return (
    <div data-testid="vchart" data-type={spec.type}>
      {JSON.stringify(spec.data?.[0]?.values ?? [])}
    </div>
  );
}
