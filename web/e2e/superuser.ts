/**
 * The superuser of the e2e run: playwright.config.ts creates it with the
 * binary's own `superuser upsert` command before the server starts. Against
 * an external server (KROWOC_E2E_BASE_URL), give an existing one with
 * KROWOC_E2E_SUPERUSER_EMAIL and KROWOC_E2E_SUPERUSER_PASSWORD.
 */
export const superuser = {
  email: process.env.KROWOC_E2E_SUPERUSER_EMAIL ?? "e2e-superuser@example.com",
  password: process.env.KROWOC_E2E_SUPERUSER_PASSWORD ?? "e2e-superuser-password-1",
} as const;
