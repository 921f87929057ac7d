import { expect, test } from "@playwright/test";

import { llmsim } from "./llmsim";

/**
 * Bring your own key against the real binary, with the provider calls going
 * to the simulator the global setup starts (it accepts only llmsim.key):
 * add a key, verify it, rename it; add a wrong one, see it fail, delete it.
 */

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const user = {
  name: "Key Keeper",
  email: `e2e-keys-${run}@example.com`,
  password: "correct-horse-battery",
};
const goodKey = llmsim.key;
const wrongKey = "sk-wrong-000";

test("add, verify, rename and delete provider API keys", async ({ page }) => {
  await test.step("sign up", async () => {
    await page.goto("/sign-up/");
    await page.getByLabel("Name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByLabel("Confirm password").fill(user.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
  });

  await test.step("open Settings → API keys", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await expect(page).toHaveURL(/\/settings\/profile\/?$/);
    const settingsNav = page.getByRole("navigation", { name: "Settings" });
    await expect(settingsNav.getByRole("link")).toHaveText(["Profile", "API keys", "Access tokens", "Failed jobs"]);
    await settingsNav.getByRole("link", { name: "API keys" }).click();
    await expect(page).toHaveURL(/\/settings\/keys\/?$/);
    await expect(page.getByText("No API keys yet")).toBeVisible();
    await expect(page.getByText(/keys are encrypted at rest and never shown again/)).toBeVisible();
  });

  await test.step("add an OpenAI key and verify it now", async () => {
    await page.getByRole("button", { name: "Add key", exact: true }).click();
    const form = page.getByRole("dialog", { name: "Add API key" });
    await form.getByLabel("Provider").selectOption("openai");
    await expect(form.getByLabel("Base URL")).toHaveCount(0);
    await form.getByLabel("Label").fill("  Main OpenAI  ");
    await form.getByLabel("API key", { exact: true }).fill(`  ${goodKey}  `);
    await form.getByRole("button", { name: "Add key" }).click();

    const added = page.getByRole("dialog", { name: "Key added" });
    await expect(added).toBeVisible();
    await added.getByRole("button", { name: "Verify now" }).click();
    await expect(added).toBeHidden();
    await expect(page.getByText('"Main OpenAI" verified')).toBeVisible();

    const row = page.getByRole("row", { name: /Main OpenAI/ });
    await expect(row.getByText("OpenAI", { exact: true })).toBeVisible();
    await expect(row.getByText(`••••${goodKey.slice(-4)}`)).toBeVisible();
    await expect(row.getByText("Verified")).toBeVisible();
    await expect(row.locator("time")).toBeVisible();
  });

  await test.step("the key is never shown again", async () => {
    await page.reload();
    await expect(page.getByRole("row", { name: /Main OpenAI/ }).getByText("Verified")).toBeVisible();
    expect(await page.content()).not.toContain(goodKey);
  });

  await test.step("rename it", async () => {
    await page.getByRole("button", { name: "Rename key Main OpenAI" }).click();
    const dialog = page.getByRole("dialog", { name: "Rename API key" });
    await expect(dialog.getByLabel("Label")).toHaveValue("Main OpenAI");
    await dialog.getByLabel("Label").fill("Primary OpenAI");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("row", { name: /Primary OpenAI/ })).toBeVisible();
    await expect(page.getByRole("row", { name: /Main OpenAI/ })).toHaveCount(0);
  });

  await test.step("add a wrong key; verifying it fails", async () => {
    await page.getByRole("button", { name: "Add key", exact: true }).click();
    const form = page.getByRole("dialog", { name: "Add API key" });
    await form.getByLabel("Label").fill("Wrong key");
    await form.getByLabel("API key", { exact: true }).fill(wrongKey);
    await form.getByRole("button", { name: "Add key" }).click();
    const added = page.getByRole("dialog", { name: "Key added" });
    await added.getByRole("button", { name: "Later" }).click();
    await expect(added).toBeHidden();

    const row = page.getByRole("row", { name: /Wrong key/ });
    await expect(row.getByText("Not verified")).toBeVisible();
    await row.getByRole("button", { name: "Verify key Wrong key" }).click();
    await expect(row.getByText("Failed")).toBeVisible();
    await expect(page.getByText('"Wrong key" failed verification')).toBeVisible();
    await expect(page.getByRole("row", { name: /Primary OpenAI/ }).getByText("Verified")).toBeVisible();
    expect(await page.content()).not.toContain(wrongKey);
  });

  await test.step("delete the wrong key after confirming", async () => {
    await page.getByRole("button", { name: "Delete key Wrong key" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete API key?" });
    await expect(confirm).toBeVisible();
    await confirm.getByRole("button", { name: "Delete key" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole("row", { name: /Wrong key/ })).toHaveCount(0);
    await expect(page.getByRole("row", { name: /Primary OpenAI/ })).toBeVisible();
  });
});
