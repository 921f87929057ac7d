import { ClientResponseError } from "pocketbase";
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";

import { isApiError } from "@/lib/api";

/**
 * Puts the field errors of an API validation problem on the form fields they
 * name. `fieldMap` maps API field names to form field names. Returns true when
 * at least one error was placed, so the caller toasts only the rest.
 */
export function applyApiFieldErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fieldMap: Readonly<Record<string, Path<T>>>,
): boolean {
  if (!isApiError(error)) return false;
  let placed = false;
  for (const fe of error.fieldErrors) {
    const field = fieldMap[fe.field];
    if (!field) continue;
    setError(field, { type: "server", message: fe.message }, { shouldFocus: !placed });
    placed = true;
  }
  return placed;
}

/**
 * Puts the field errors of a Pocketbase response (`data.<field>.message`) on
 * the form fields of the same name. Returns true when one was placed.
 */
export function applyPocketbaseFieldErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): boolean {
  if (!(error instanceof ClientResponseError)) return false;
  const data: unknown = error.response?.data;
  if (!data || typeof data !== "object") return false;
  let placed = false;
  for (const field of fields) {
    const entry: unknown = (data as Record<string, unknown>)[field];
    if (entry && typeof entry === "object" && "message" in entry && typeof entry.message === "string") {
      setError(field, { type: "server", message: entry.message }, { shouldFocus: !placed });
      placed = true;
    }
  }
  return placed;
}

/** A message safe to show the user for any error thrown by the API or Pocketbase. */
export function errorMessage(error: unknown, fallback = "Something went wrong. Try again."): string {
  if (isApiError(error)) return error.detail;
  if (error instanceof ClientResponseError) {
    if (error.status === 0) return "Could not reach the server. Check your connection and try again.";
    const message: unknown = error.response?.message;
    return typeof message === "string" && message ? message : fallback;
  }
  return fallback;
}
