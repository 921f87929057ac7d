import fs from "node:fs";

import { expect, test, type Page } from "@playwright/test";

/**
 * The prompt library against the real binary: create from Home and from the
 * Prompts page, edit, publish twice, compare and restore versions, archive,
 * export; then a second account imports the file and runs into the Free limit.
 */

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const password = "correct-horse-battery";
const alpha = `Alpha ${run}`;
const beta = `Beta ${run}`;

async function signUp(page: Page, name: string, email: string) {
  await page.goto("/sign-up/");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: `Welcome, ${name}` })).toBeVisible();
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Open user menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

async function openPrompts(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Prompts" }).click();
  await expect(page).toHaveURL(/\/prompts\/?$/);
  await expect(page.getByRole("heading", { name: "Prompts", level: 1 })).toBeVisible();
}

test("prompt library: create, edit, publish, diff, restore, archive, export, import, quota", async ({ page }) => {
  test.setTimeout(180_000);
  let exportFile = "";

  await test.step("sign up", async () => {
    await signUp(page, "Prompt Author", `author-${run}@example.com`);
    await expect(page.getByTestId("prompt-count")).toHaveText("0");
    await expect(page.getByText("0 / 50 prompts")).toBeVisible();
  });

  await test.step("create a prompt from Home in a modal", async () => {
    await page.getByRole("button", { name: "New prompt" }).click();
    const dialog = page.getByRole("dialog", { name: "New prompt" });
    await dialog.getByLabel("Title").fill(alpha);
    await dialog.getByLabel("Prompt text").fill("Say hello to {{name}}.");
    await dialog.getByRole("button", { name: "Create prompt" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText(`Prompt "${alpha}" created`)).toBeVisible();
    await expect(page.getByTestId("prompt-count")).toHaveText("1");
  });

  await test.step("create a prompt from the Prompts page in a drawer", async () => {
    await openPrompts(page);
    await expect(page.getByRole("article", { name: alpha })).toBeVisible();
    await page.getByRole("button", { name: "New Prompt", exact: true }).click();
    const sheet = page.getByRole("dialog", { name: "New prompt" });
    await sheet.getByLabel("Title").fill(beta);
    await sheet.getByLabel("Description").fill("Used by the e2e test");
    await sheet.getByLabel("Prompt text").fill("Version one line\nSecond line about {{topic}}");
    await sheet.getByRole("textbox", { name: "Tags" }).fill("E2E");
    await sheet.getByRole("textbox", { name: "Tags" }).press("Enter");
    await sheet.getByRole("button", { name: "Save prompt" }).click();
    await expect(sheet).toBeHidden();
    await expect(page.getByRole("article", { name: beta })).toBeVisible();
    await expect(page.getByRole("article")).toHaveCount(2);
  });

  await test.step("filter by search and tag; the URL keeps the filters", async () => {
    await page.getByLabel("Search").fill("beta");
    await expect(page).toHaveURL(/q=beta/);
    await expect(page.getByRole("article")).toHaveCount(1);
    await page.reload();
    await expect(page.getByLabel("Search")).toHaveValue("beta");
    await expect(page.getByRole("article")).toHaveCount(1);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect(page.getByRole("article")).toHaveCount(2);
  });

  await test.step("open the detail page and edit the draft", async () => {
    await page.getByRole("link", { name: beta }).click();
    await expect(page).toHaveURL(/\/prompts\/view\/\?id=/);
    await expect(page.getByRole("heading", { name: beta, level: 1 })).toBeVisible();
    await expect(page.getByTestId("prompt-status")).toHaveText("Draft");

    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const sheet = page.getByRole("dialog", { name: "Edit prompt" });
    await expect(sheet.getByLabel("Title")).toHaveValue(beta);
    await sheet.getByLabel("Description").fill("Edited before the first publish");
    await sheet.getByRole("button", { name: "Save changes" }).click();
    await expect(sheet).toBeHidden();
    await expect(page.getByText("Edited before the first publish")).toBeVisible();
  });

  await test.step("publish v1", async () => {
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Publish prompt" });
    await expect(dialog.getByText("v1", { exact: true })).toBeVisible();
    await dialog.getByRole("button", { name: "Publish v1" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("prompt-status")).toHaveText("Published");
  });

  await test.step("edit again and publish v2", async () => {
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const sheet = page.getByRole("dialog", { name: "Edit prompt" });
    await sheet.getByLabel("Prompt text").fill("Version two line\nSecond line about {{topic}}");
    await sheet.getByRole("button", { name: "Save changes" }).click();
    await expect(sheet).toBeHidden();
    await expect(page.getByText("Unpublished changes")).toBeVisible();

    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Publish prompt" });
    await dialog.getByRole("button", { name: "Publish v2" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText("Unpublished changes")).toBeHidden();
    await expect(page.getByRole("list", { name: "Versions" }).getByRole("listitem")).toHaveCount(2);
  });

  await test.step("the diff of v1 and v2 shows the change side by side", async () => {
    await page.getByLabel("From", { exact: true }).selectOption("1");
    await page.getByLabel("To", { exact: true }).selectOption("2");
    const diff = page.getByTestId("prompt-diff");
    await expect(diff.locator("del").filter({ hasText: "Version one line" })).toBeVisible();
    await expect(diff.locator("ins").filter({ hasText: "Version two line" })).toBeVisible();
    await expect(diff.getByRole("columnheader", { name: "v1" })).toBeVisible();
    await expect(diff.getByRole("columnheader", { name: "v2" })).toBeVisible();
  });

  await test.step("restore v1 into the draft", async () => {
    await page.getByRole("button", { name: "Restore v1 into the draft" }).click();
    const confirm = page.getByRole("dialog", { name: "Restore v1 into the draft?" });
    await confirm.getByRole("button", { name: "Restore into draft" }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByTestId("prompt-text").first()).toContainText("Version one line");
    await expect(page.getByText("Unpublished changes")).toBeVisible();
  });

  await test.step("archive", async () => {
    await page.getByRole("button", { name: "Archive", exact: true }).click();
    await expect(page.getByTestId("prompt-status")).toHaveText("Archived");
    await expect(page.getByRole("button", { name: "Unarchive" })).toBeVisible();
  });

  await test.step("export all prompts as JSON", async () => {
    await openPrompts(page);
    await page.getByRole("button", { name: "Export", exact: true }).click();
    const downloading = page.waitForEvent("download");
    await page.getByRole("menuitem", { name: "Export all" }).click();
    const download = await downloading;
    exportFile = test.info().outputPath("export.json");
    await download.saveAs(exportFile);
    const doc = JSON.parse(fs.readFileSync(exportFile, "utf8")) as {
      format: string;
      version: number;
      prompts: { title: string; status: string; versions: unknown[] }[];
    };
    expect(doc.format).toBe("krowoc.prompts");
    expect(doc.version).toBe(1);
    expect(doc.prompts.map((p) => p.title).sort()).toEqual([alpha, beta].sort());
    const exportedBeta = doc.prompts.find((p) => p.title === beta);
    expect(exportedBeta?.status).toBe("archived");
    expect(exportedBeta?.versions).toHaveLength(2);
  });

  await test.step("a second account imports the file", async () => {
    await signOut(page);
    await signUp(page, "Importer", `importer-${run}@example.com`);
    await openPrompts(page);
    await expect(page.getByText("No prompts yet")).toBeVisible();
    await page.getByRole("button", { name: "Import" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Import prompts" });
    await dialog.getByLabel("Export file").setInputFiles(exportFile);
    await dialog.getByRole("button", { name: "Import", exact: true }).click();
    await expect(dialog.getByTestId("import-report")).toContainText("Imported 2 prompts");
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("article", { name: alpha })).toBeVisible();
    await expect(page.getByRole("article", { name: beta })).toBeVisible();
  });

  await test.step("hit the Free limit and see the quota dialog", async () => {
    const token = await page.evaluate(() => {
      const raw = localStorage.getItem("pocketbase_auth");
      return raw ? (JSON.parse(raw) as { token: string }).token : "";
    });
    expect(token).not.toBe("");
    const headers = { Authorization: `Bearer ${token}` };
    const me = (await (await page.request.get("/api/v1/me", { headers })).json()) as {
      promptCount: number;
      promptLimit: number;
    };
    expect(me.promptLimit).toBe(50);
    const missing = me.promptLimit - me.promptCount;
    for (let start = 0; start < missing; start += 10) {
      const batch = Array.from({ length: Math.min(10, missing - start) }, (_, i) =>
        page.request.post("/api/v1/prompts", {
          headers,
          data: { title: `Filler ${start + i}`, promptText: "Filler text" },
        }),
      );
      for (const res of await Promise.all(batch)) expect(res.status()).toBe(201);
    }

    // The prompts were made outside the app: load Home afresh.
    await page.goto("/");
    await expect(page.getByTestId("prompt-count")).toHaveText("50");
    await expect(page.getByText("50 / 50 prompts")).toBeVisible();

    await page.getByRole("button", { name: "New prompt" }).click();
    const editor = page.getByRole("dialog", { name: "New prompt" });
    await editor.getByLabel("Title").fill("One too many");
    await editor.getByLabel("Prompt text").fill("Over the limit");
    await editor.getByRole("button", { name: "Create prompt" }).click();

    const quota = page.getByRole("dialog", { name: "Prompt limit reached" });
    await expect(quota).toBeVisible();
    await expect(quota.getByText(/You have 50 of 50 prompts/)).toBeVisible();
    await quota.getByRole("link", { name: "Upgrade" }).click();
    await expect(page).toHaveURL(/\/upgrade\/?$/);
    await expect(page.getByText("Upgrades are done by an administrator of this Krowoc server")).toBeVisible();
  });
});
