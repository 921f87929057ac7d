"use client";

import type { ISpec } from "@visactor/react-vchart";
import dynamic from "next/dynamic";

import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/lib/utils";

// VisActor draws on a canvas and needs the browser: it is loaded there only,
// so the static export builds without it.
const UsageChartCanvas = dynamic(() => import("@/components/usage-chart-canvas").then((m) => m.UsageChartCanvas), {
  ssr: false,
  loading: () => <Skeleton className="size-full" />,
});

export interface UsageChartProps {
  spec: ISpec;
  /** What the chart shows, for screen readers and tests ("Execution trend"). */
  label: string;
  height?: number;
  className?: string;
}

/** A usage chart (VisActor) with tooltips, in the page's theme. Callers show an empty state instead when there is no data. */
export function UsageChart({ spec, label, height = 260, className }: UsageChartProps) {
  return (
    <div role="img" aria-label={label} data-testid="usage-chart" className={cn("w-full", className)} style={{ height }}>
      <UsageChartCanvas spec={spec} />
    </div>
  );
}
