import { Loader2Icon } from "lucide-react";

/** Full-page placeholder while the session is checked. */
export function PageLoading() {
  return (
    <div role="status" className="flex min-h-dvh items-center justify-center gap-2 text-muted-foreground">
      <Loader2Icon className="size-5 animate-spin" aria-hidden="true" />
      <span>Loading…</span>
    </div>
  );
}
