import { cn } from "@/lib/utils";

export interface SparklineProps {
  values: readonly number[];
  /** Accessible description, e.g. "Runs per day this month". */
  label: string;
  width?: number;
  height?: number;
  className?: string;
}

/** The points of a sparkline's polyline, scaled into width × height (the top has a pixel of room). */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return "";
  const top = Math.max(...values, 0);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = values.length > 1 ? i * step : width / 2;
      const y = top > 0 ? height - 1 - (v / top) * (height - 2) : height - 1;
      return `${Math.round(x * 10) / 10},${Math.round(y * 10) / 10}`;
    })
    .join(" ");
}

/** A small trend line, drawn as SVG. */
export function Sparkline({ values, label, width = 96, height = 24, className }: SparklineProps) {
  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className={cn("overflow-visible text-primary", className)}
    >
      <polyline points={sparklinePoints(values, width, height)} fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinejoin="round" />
    </svg>
  );
}
