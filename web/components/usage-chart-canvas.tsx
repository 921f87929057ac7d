"use client";

import { VChart, type ISpec } from "@visactor/react-vchart";
import { useMemo, useState } from "react";

import { useDarkMode } from "@/hooks/use-dark-mode";

/** Draws a VisActor chart in the page's light or dark theme. Loaded only in the browser (see UsageChart). */
export function UsageChartCanvas({ spec }: { spec: ISpec }) {
  const dark = useDarkMode();
  const [drawn, setDrawn] = useState(false);
  const themed = useMemo(() => ({ ...spec, theme: dark ? "dark" : "light" }) as ISpec, [spec, dark]);
  return (
    <div className="size-full" data-drawn={drawn ? "true" : undefined}>
      <VChart
        spec={themed}
        skipFunctionDiff
        style={{ width: "100%", height: "100%" }}
        options={{ animation: false }}
        onReady={() => setDrawn(true)}
      />
    </div>
  );
}
