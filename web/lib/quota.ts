import { isApiError } from "@/lib/api";
import { quotaProblemSchema, type QuotaProblem } from "@/lib/validations/prompt";

/** Share of the limit from which the app suggests upgrading. */
export const QUOTA_WARNING_RATIO = 0.8;

/** Where a user stands against their prompt limit. */
export type QuotaLevel = "unlimited" | "ok" | "warning" | "full";

/** The level of `count` prompts against `limit` (null = unlimited): warning from 80 %, full at the limit. */
export function quotaLevel(count: number, limit: number | null): QuotaLevel {
  if (limit === null) return "unlimited";
  if (count >= limit) return "full";
  if (count >= limit * QUOTA_WARNING_RATIO) return "warning";
  return "ok";
}

/** The limit and count of a quota_exceeded error, or null for any other error. */
export function quotaFromError(error: unknown): QuotaProblem | null {
  if (!isApiError(error, "quota_exceeded")) return null;
  const parsed = quotaProblemSchema.safeParse(error.extra);
  return parsed.success ? parsed.data : { limit: 0, count: 0 };
}
