"use client";

import { useSyncExternalStore } from "react";

import { getPb } from "@/lib/pocketbase";

/** What the page knows about the Pocketbase session. */
export type AuthState =
  | { status: "loading" }
  | { status: "anonymous" }
  | { status: "authenticated"; token: string; userId: string; email: string; name: string };

const LOADING: AuthState = { status: "loading" };
const ANONYMOUS: AuthState = { status: "anonymous" };

let last: { token: string; valid: boolean; recordId: string; name: string; state: AuthState } | null =
  null;

function readAuth(): AuthState {
  const store = getPb().authStore;
  const record = store.record;
  const valid = store.isValid && record !== null;
  const recordId = record?.id ?? "";
  const name = typeof record?.name === "string" ? record.name : "";
  // useSyncExternalStore needs the same object while nothing changed.
  if (last && last.token === store.token && last.valid === valid && last.recordId === recordId && last.name === name) {
    return last.state;
  }
  const state: AuthState =
    valid && record
      ? {
          status: "authenticated",
          token: store.token,
          userId: record.id,
          email: typeof record.email === "string" ? record.email : "",
          name,
        }
      : ANONYMOUS;
  last = { token: store.token, valid, recordId, name, state };
  return state;
}

function subscribe(onChange: () => void): () => void {
  return getPb().authStore.onChange(onChange);
}

/**
 * The current Pocketbase session, kept in step with sign-in, sign-out and
 * other tabs. It is "loading" during prerender and hydration.
 */
export function useAuth(): AuthState {
  return useSyncExternalStore(subscribe, readAuth, () => LOADING);
}
