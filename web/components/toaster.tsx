"use client";

import { Toaster as Sonner } from "sonner";

import { useTheme } from "@/components/theme-provider";

/** Toast outlet following the app's theme. */
export function Toaster() {
  const { theme } = useTheme();
  return <Sonner theme={theme} richColors closeButton position="bottom-right" />;
}
