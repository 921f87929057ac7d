"use client";

import { useCallback, useMemo, useReducer, useSyncExternalStore } from "react";

import { parseSuperuserSession, storedSuperuserSession, type SuperuserSession } from "@/lib/superuser-session";

/** What the console knows about the admin UI's session. */
export interface SuperuserSessionState {
  /** False while prerendered: the browser's storage has not been read yet. */
  ready: boolean;
  session: SuperuserSession | null;
  /** Reads the stored session again (after signing in to the admin UI in another tab). */
  reload: () => void;
}

function subscribe(onChange: () => void): () => void {
  // Another tab (the admin UI) signing in or out fires "storage" here.
  window.addEventListener("storage", onChange);
  return () => window.removeEventListener("storage", onChange);
}

const NOT_READ = "\u0000not-read";

/** The superuser session the Pocketbase admin UI stored in this browser, kept current. */
export function useSuperuserSession(): SuperuserSessionState {
  const [generation, reread] = useReducer((n: number) => n + 1, 0);
  const raw = useSyncExternalStore(
    subscribe,
    () => storedSuperuserSession() ?? "",
    () => NOT_READ,
  );
  // generation makes a reload parse again: an expired token stays the same text.
  const session = useMemo(() => {
    void generation;
    return raw === NOT_READ ? null : parseSuperuserSession(raw);
  }, [raw, generation]);
  const reload = useCallback(() => reread(), []);
  return { ready: raw !== NOT_READ, session, reload };
}
