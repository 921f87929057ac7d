import { expect, test } from "@playwright/test";

test("a signed-out visitor of a private page is sent to sign in, with the way back", async ({ page }) => {
  await page.goto("/settings/tokens/");
  await expect(page).toHaveURL(/\/sign-in\/\?next=%2Fsettings%2Ftokens%2F$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("wrong credentials are reported on the sign-in form", async ({ page }) => {
  await page.goto("/sign-in/");
  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("form", { name: "Sign in" }).getByRole("alert")).toContainText(
    "Invalid email or password.",
  );
});

test("forgot password never tells whether the account exists", async ({ page }) => {
  await page.goto("/forgot-password/");
  await page.getByLabel("Email").fill(`nobody-${Date.now()}@example.com`);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText(/If an account exists for that email, we sent a link/)).toBeVisible();
});
