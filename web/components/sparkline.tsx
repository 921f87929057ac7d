import { cn } from "@/lib/utils";

export interface SparklineProps {
  /** The values, oldest first (e.g. executions per hour). */
  values: readonly number[];
  /** What the line shows, read by screen readers. */
  label: string;
  width?: number;
  height?: number;
  className?: string;
}

/** The points of a sparkline scaled into the box, with a pixel of padding. */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return "";
  const top = Math.max(...values, 0);
  const step = values.length > 1 ? (width - 2) / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = 1 + i * step;
      const y = top > 0 ? height - 1 - (Math.max(v, 0) / top) * (height - 2) : height - 1;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
}

/** A small inline SVG line of recent activity; flat at the bottom when all values are 0. */
export function Sparkline({ values, label, width = 96, height = 24, className }: SparklineProps) {
  const points = sparklinePoints(values, width, height);
  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className={cn("overflow-visible text-primary", className)}
      data-testid="sparkline"
    >
      <title>{label}</title>
      {points ? (
        <polyline
          points={points}
          fill="none"
          stroke="currentColor"
          strokeWidth={1.5}
          strokeLinejoin="round"
          strokeLinecap="round"
        />
      ) : null}
    </svg>
  );
}
