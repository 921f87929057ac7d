import { getTokenPayload } from "pocketbase";
import { z } from "zod";

/**
 * Where the Pocketbase admin UI at /_/ keeps its session: its auth store is
 * named "__pb_superusers__" plus the UI's path without the trailing slash.
 * The UI is served by the same binary, so it shares this page's origin and
 * its localStorage.
 */
export const SUPERUSER_SESSION_KEY = "__pb_superusers__/_";

/** The collection Pocketbase keeps its superusers in. */
const SUPERUSERS_COLLECTION = "_superusers";

const storedSessionSchema = z.object({
  token: z.string().min(1),
  record: z
    .looseObject({
      email: z.string().optional(),
      collectionName: z.string().optional(),
    })
    .nullable()
    .optional(),
});

/** A superuser's session as the admin UI stored it. */
export interface SuperuserSession {
  token: string;
  /** The superuser's email, when the stored record has one. */
  email: string;
}

/**
 * Reads the admin UI's stored superuser session from its JSON text. Null
 * when there is none, it is not the admin UI's shape, it belongs to another
 * collection, or its token has expired.
 */
export function parseSuperuserSession(raw: string | null, now: Date = new Date()): SuperuserSession | null {
  if (!raw) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = storedSessionSchema.safeParse(json);
  if (!parsed.success) return null;
  const { token, record } = parsed.data;
  if (record?.collectionName !== undefined && record.collectionName !== SUPERUSERS_COLLECTION) return null;
  const payload = getTokenPayload(token);
  if (typeof payload.exp !== "number" || payload.exp * 1000 <= now.getTime()) return null;
  return { token, email: record?.email ?? "" };
}

/** The admin UI's stored session as text, or null when there is none (also outside the browser). */
export function storedSuperuserSession(): string | null {
  if (typeof window === "undefined") return null;
  try {
    return window.localStorage.getItem(SUPERUSER_SESSION_KEY);
  } catch {
    // Storage may be disabled (privacy settings): then there is no session.
    return null;
  }
}
