import fs from "node:fs";

import { expect, test, type Page } from "@playwright/test";

import { llmsim } from "./llmsim";

/**
 * Batch runs against the real binary, with provider calls going to the
 * simulator (it answers "Echo: " and the prompt): upload a CSV of 20 rows
 * from a prompt's page, watch the batch page reach 100%, and download its
 * results as CSV and JSON.
 */

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const user = { name: "Batch Runner", email: `e2e-batch-${run}@example.com`, password: "correct-horse-battery" };
const title = `Summarizer ${run}`;
const ROWS = 20;

async function addOpenAIKey(page: Page) {
  await page.goto("/settings/keys/");
  await page.getByRole("button", { name: "Add key", exact: true }).click();
  const form = page.getByRole("dialog", { name: "Add API key" });
  await form.getByLabel("Provider").selectOption("openai");
  await form.getByLabel("Label").fill("Sim OpenAI");
  await form.getByLabel("API key", { exact: true }).fill(llmsim.key);
  await form.getByRole("button", { name: "Add key" }).click();
  const added = page.getByRole("dialog", { name: "Key added" });
  await added.getByRole("button", { name: "Later" }).click();
  await expect(added).toBeHidden();
}

test("run a prompt as a batch: upload a CSV, watch progress, download results", async ({ page }) => {
  test.setTimeout(120_000);

  await test.step("sign up and add an OpenAI key pointing at the simulator", async () => {
    await page.goto("/sign-up/");
    await page.getByLabel("Name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByLabel("Confirm password").fill(user.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
    await addOpenAIKey(page);
  });

  await test.step("create a prompt with a {{topic}} variable", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Prompts" }).click();
    // The empty library offers a second New Prompt button; either opens the sheet.
    await page.getByRole("button", { name: "New Prompt", exact: true }).first().click();
    const sheet = page.getByRole("dialog", { name: "New prompt" });
    await sheet.getByLabel("Title").fill(title);
    await sheet.getByLabel("Prompt text").fill("Summarize {{topic}} in one line.");
    await sheet.getByRole("button", { name: "Save prompt" }).click();
    await expect(sheet).toBeHidden();
    await page.getByRole("article", { name: title }).getByRole("link").first().click();
    await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  });

  await test.step("upload a CSV of 20 rows and start the batch", async () => {
    await page.getByRole("button", { name: "Run as batch" }).click();
    const form = page.getByRole("form", { name: "Run as batch" });
    const lines = ["topic", ...Array.from({ length: ROWS }, (_, i) => `"rivers, part ${i + 1}"`)];
    await form.getByLabel("Rows file").setInputFiles({
      name: "topics.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(lines.join("\n") + "\n"),
    });
    await expect(form.getByTestId("batch-preview")).toContainText(`${ROWS} rows, columns topic`);
    await form.getByRole("checkbox", { name: "GPT-4o mini" }).check();
    await form.getByRole("button", { name: "Start batch" }).click();
    await expect(page).toHaveURL(/\/batches\/view\/\?id=/);
    await expect(page.getByRole("heading", { name: `Batch of ${ROWS} rows` })).toBeVisible();
  });

  await test.step("watch the progress reach 100%", async () => {
    const bar = page.getByRole("progressbar", { name: "Batch progress" });
    await expect(bar).toHaveAttribute("aria-valuenow", "100", { timeout: 30_000 });
    await expect(page.getByTestId("batch-percent")).toHaveText("100%");
    await expect(page.locator('[data-counter="Done"]')).toHaveText(String(ROWS));
    await expect(page.locator('[data-counter="Failed"]')).toHaveText("0");
    await expect(page.locator('[data-counter="Remaining"]')).toHaveText("0");
    await expect(page.locator('[data-counter="Cost so far"]')).toHaveText(/^\$0\.\d+$/);
    await expect(page.getByTestId("batch-status").first()).toHaveText("Succeeded");
    await expect(page.getByRole("button", { name: "Cancel batch" })).toHaveCount(0);
    const rows = page.getByRole("table", { name: "Batch rows" });
    await expect(rows).toContainText("Echo: Summarize rivers, part 1 in one line.");
  });

  await test.step("download the results as CSV and JSON", async () => {
    const [csvDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(csvDownload.suggestedFilename()).toMatch(/^krowoc-batch-.+\.csv$/);
    const csv = fs.readFileSync(await csvDownload.path(), "utf8").trim().split("\n");
    expect(csv).toHaveLength(ROWS + 1);
    expect(csv[0]).toBe(
      "row,model,topic,status,response,input_tokens,output_tokens,cost_micros,latency_ms,attempts,error_code,error_message,execution_id",
    );
    expect(csv[1]).toMatch(/^1,openai:gpt-4o-mini,"rivers, part 1",succeeded,"Echo: Summarize rivers, part 1 in one line\.",\d+,\d+,\d+,\d+,1,,,\S+$/);
    expect(csv[ROWS]).toContain(`"rivers, part ${ROWS}",succeeded`);

    const [jsonDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download JSON" }).click(),
    ]);
    const doc = JSON.parse(fs.readFileSync(await jsonDownload.path(), "utf8")) as {
      batch: { succeeded: number; costMicros: number };
      items: { row: number; status: string; responseText: string; costMicros: number }[];
    };
    expect(doc.batch.succeeded).toBe(ROWS);
    expect(doc.items).toHaveLength(ROWS);
    expect(doc.items.every((it, i) => it.row === i + 1 && it.status === "succeeded")).toBe(true);
    expect(doc.items.reduce((sum, it) => sum + it.costMicros, 0)).toBe(doc.batch.costMicros);
  });

  await test.step("the Batches page lists it", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Batches" }).click();
    await expect(page.getByRole("heading", { name: "Batches", level: 1 })).toBeVisible();
    const row = page.getByRole("table", { name: "Batches" }).getByRole("row").filter({ hasText: title });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("100% of 20");
    await expect(row).toContainText("Succeeded");
  });
});
