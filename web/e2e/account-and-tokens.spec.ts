import { expect, test, type Page } from "@playwright/test";

/**
 * One user's whole path through the app against the real binary: sign up,
 * sign out and in, create a personal access token, use it, revoke it.
 */

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const user = {
  name: "E2E Tester",
  email: `e2e-${run}@example.com`,
  password: "correct-horse-battery",
};
const tokenName = `e2e CLI ${run}`;

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Open user menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in\/?$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

test("sign up, sign in, create a token, see its secret once, revoke it", async ({ page, request }) => {
  await test.step("sign up lands in the shell", async () => {
    await page.goto("/sign-up/");
    await page.getByLabel("Name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByLabel("Confirm password").fill(user.password);
    await page.getByRole("button", { name: "Create account" }).click();

    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
    await expect(page.getByTestId("profile-email")).toContainText(user.email);
    await expect(page.getByRole("list", { name: "Your workspaces" })).toBeVisible();
  });

  await test.step("sign out and back in", async () => {
    await signOut(page);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
  });

  await test.step("open Settings → Access tokens", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await expect(page).toHaveURL(/\/settings\/profile\/?$/);
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Access tokens" }).click();
    await expect(page).toHaveURL(/\/settings\/tokens\/?$/);
    await expect(page.getByText("No access tokens")).toBeVisible();
  });

  let secret = "";
  await test.step("create a token and see its secret once", async () => {
    await page.getByRole("button", { name: "Create token", exact: true }).click();
    const form = page.getByRole("dialog", { name: "Create access token" });
    await form.getByLabel("Name").fill(`  ${tokenName}  `);
    await form.getByLabel("Expires").selectOption("30");
    await form.getByRole("button", { name: "Create token" }).click();

    const secretDialog = page.getByRole("dialog", { name: "Copy your new token" });
    await expect(secretDialog).toBeVisible();
    await expect(secretDialog.getByText(/cannot be shown again/)).toBeVisible();
    secret = await secretDialog.getByLabel("Token", { exact: true }).inputValue();
    expect(secret).toMatch(/^krw_/);

    await secretDialog.getByRole("button", { name: "Done" }).click();
    await expect(secretDialog).toBeHidden();
    expect(await page.content()).not.toContain(secret);
  });

  await test.step("the token is listed, without its secret", async () => {
    const row = page.getByRole("row", { name: new RegExp(tokenName) });
    await expect(row).toBeVisible();
    const prefix = (await row.locator("code").innerText()).replace(/…$/, "");
    expect(secret.startsWith(prefix)).toBe(true);
    await page.reload();
    await expect(page.getByRole("row", { name: new RegExp(tokenName) })).toBeVisible();
    expect(await page.content()).not.toContain(secret);
  });

  await test.step("the token authenticates API calls", async () => {
    const res = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${secret}` } });
    expect(res.status()).toBe(200);
    const me = (await res.json()) as { user: { email: string } };
    expect(me.user.email).toBe(user.email);
  });

  await test.step("revoke it after confirming", async () => {
    await page.getByRole("button", { name: `Revoke token ${tokenName}` }).click();
    const confirm = page.getByRole("dialog", { name: "Revoke token?" });
    await expect(confirm).toBeVisible();
    await confirm.getByRole("button", { name: "Revoke token" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByText("No access tokens")).toBeVisible();
    await expect(page.getByRole("row", { name: new RegExp(tokenName) })).toHaveCount(0);

    const res = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${secret}` } });
    expect(res.status()).toBe(401);
  });

  await test.step("sign out", async () => {
    await signOut(page);
  });
});
