import PocketBase from "pocketbase";

let client: PocketBase | null = null;

/**
 * Returns the one Pocketbase client of the page. Pocketbase is served by the
 * same binary as the web app, so its base URL is the page's origin. Only call
 * it in the browser (effects, event handlers): the static export has no origin
 * at build time.
 */
export function getPb(): PocketBase {
  if (client) return client;
  if (typeof window === "undefined") {
    throw new Error("getPb() called outside the browser");
  }
  client = new PocketBase(window.location.origin);
  // React may mount a component twice in development; auto-cancelling
  // duplicate requests would then fail the first one.
  client.autoCancellation(false);
  return client;
}

/** Name of the Pocketbase collection that holds the users. */
export const USERS_COLLECTION = "users";
