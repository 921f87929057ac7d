import { expect, test, type Page } from "@playwright/test";

import { llmsim } from "./llmsim";

/**
 * Running prompts against the real binary, with provider calls going to the
 * simulator (it echoes the last user message: "Echo: …"): add OpenAI and
 * Anthropic keys, run a prompt and watch it stream, stop a run, compare two
 * models, then find the runs in the History and re-run one.
 */

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const user = { name: "Prompt Runner", email: `e2e-run-${run}@example.com`, password: "correct-horse-battery" };
const title = `Greeter ${run}`;

async function addKey(page: Page, provider: string, label: string) {
  await page.getByRole("button", { name: "Add key", exact: true }).click();
  const form = page.getByRole("dialog", { name: "Add API key" });
  await form.getByLabel("Provider").selectOption(provider);
  await form.getByLabel("Label").fill(label);
  await form.getByLabel("API key", { exact: true }).fill(llmsim.key);
  await form.getByRole("button", { name: "Add key" }).click();
  const added = page.getByRole("dialog", { name: "Key added" });
  await added.getByRole("button", { name: "Later" }).click();
  await expect(added).toBeHidden();
  await expect(page.getByRole("row", { name: new RegExp(label) })).toBeVisible();
}

test("run a prompt: stream, stop, compare, history, re-run", async ({ page }) => {
  test.setTimeout(120_000);

  await test.step("sign up", async () => {
    await page.goto("/sign-up/");
    await page.getByLabel("Name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByLabel("Confirm password").fill(user.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
  });

  await test.step("add an OpenAI and an Anthropic key", async () => {
    await page.goto("/settings/keys/");
    await expect(page.getByText("No API keys yet")).toBeVisible();
    await addKey(page, "openai", "Sim OpenAI");
    await addKey(page, "anthropic", "Sim Anthropic");
  });

  await test.step("create a prompt with a {{name}} variable", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Prompts" }).click();
    await page.getByRole("button", { name: "New Prompt", exact: true }).first().click();
    const sheet = page.getByRole("dialog", { name: "New prompt" });
    await sheet.getByLabel("Title").fill(title);
    await sheet.getByLabel("Prompt text").fill("Say hello to {{name}}.");
    await sheet.getByRole("button", { name: "Save prompt" }).click();
    await expect(sheet).toBeHidden();
    await page.getByRole("article", { name: title }).getByRole("link").first().click();
    await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  });

  const runForm = page.getByRole("form", { name: "Run prompt" });
  const results = page.getByRole("region", { name: "Run results" });

  await test.step("an empty variable without a default is named on its field", async () => {
    await runForm.getByLabel("Model", { exact: true }).selectOption("openai:gpt-4o-mini");
    await runForm.getByRole("button", { name: "Run" }).click();
    await expect(runForm.getByText("Give a value for {{name}}.")).toBeVisible();
    await expect(runForm.getByLabel("name", { exact: true })).toHaveAttribute("aria-invalid", "true");
  });

  await test.step("run on openai:gpt-4o-mini and watch the text stream", async () => {
    await runForm.getByLabel("name", { exact: true }).fill("Ada");
    await runForm.getByRole("button", { name: "Run" }).click();
    const answer = results.getByRole("region", { name: "Answer of openai:gpt-4o-mini" });
    await expect(answer.getByTestId("run-output")).toContainText("Echo: Say hello to Ada.");
    await expect(answer.getByTestId("run-status")).toHaveText("Succeeded");
    await expect(answer.locator('[data-stat="Input tokens"]')).toHaveText(/^[1-9][\d,]*$/);
    await expect(answer.locator('[data-stat="Output tokens"]')).toHaveText(/^[1-9][\d,]*$/);
    await expect(answer.locator('[data-stat="Cost"]')).toHaveText(/^\$0\.\d+$/);
    await expect(answer.locator('[data-stat="Latency"]')).toHaveText(/\d+(\.\d+)? m?s$/);
  });

  await test.step("stop a run right after it starts", async () => {
    await runForm.getByLabel("name", { exact: true }).fill("Grace ".repeat(200));
    await runForm.getByRole("button", { name: "Run" }).click();
    const answer = results.getByRole("region", { name: "Answer of openai:gpt-4o-mini" });
    const stop = runForm.getByRole("button", { name: "Stop" });
    // The simulator paces every stream at 30 ms a word (-pace in
    // global-setup), so a 200-word answer is still streaming at Stop.
    await expect(answer.getByTestId("run-output")).toContainText("Echo:");
    await stop.click();
    await expect(answer.getByTestId("run-status")).toHaveText("Cancelled");
    await expect(runForm.getByRole("button", { name: "Run" })).toBeEnabled();
  });

  await test.step("compare two models side by side", async () => {
    await runForm.getByLabel("name", { exact: true }).fill("Lin");
    await runForm.getByLabel("Compare models side by side").check();
    await runForm.getByRole("checkbox", { name: /^GPT-4o mini/ }).check();
    await runForm.getByRole("checkbox", { name: /^Claude Haiku 4\.5/ }).check();
    await runForm.getByRole("button", { name: "Run" }).click();
    const openai = results.getByRole("region", { name: "Answer of openai:gpt-4o-mini" });
    const anthropic = results.getByRole("region", { name: "Answer of anthropic:claude-haiku-4-5" });
    await expect(openai.getByTestId("run-output")).toContainText("Echo: Say hello to Lin.");
    await expect(anthropic.getByTestId("run-output")).toContainText("Echo: Say hello to Lin.");
    await expect(openai.getByTestId("run-status")).toHaveText("Succeeded");
    await expect(anthropic.getByTestId("run-status")).toHaveText("Succeeded");
    await expect(openai.locator('[data-stat="Cost"]')).toHaveText(/^\$0\.\d+$/);
    await expect(anthropic.locator('[data-stat="Cost"]')).toHaveText(/^\$0\.\d+$/);
  });

  await test.step("the prompt's history lists the runs", async () => {
    const history = page.getByRole("region", { name: "Runs of this prompt" });
    await expect(history.getByRole("row")).toHaveCount(5); // the header and 4 runs
    await expect(history.getByRole("row").filter({ hasText: "Cancelled" })).toHaveCount(1);
    await expect(history.getByRole("row").filter({ hasText: "Succeeded" })).toHaveCount(3);
  });

  await test.step("open the History, find the runs, open one and re-run it", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" }).click();
    await expect(page).toHaveURL(/\/history\/?$/);
    await expect(page.getByRole("heading", { name: "History", level: 1 })).toBeVisible();
    const rows = page.getByRole("row").filter({ has: page.getByRole("link", { name: title }) });
    await expect(rows).toHaveCount(4);
    await expect(rows.filter({ hasText: "anthropic:claude-haiku-4-5" })).toHaveCount(1);
    await expect(rows.filter({ hasText: "Cancelled" })).toHaveCount(1);

    await page.getByLabel("Model", { exact: true }).selectOption("anthropic:claude-haiku-4-5");
    await expect(page).toHaveURL(/model=anthropic%3Aclaude-haiku-4-5/);
    await expect(rows).toHaveCount(1);
    await page.reload();
    await expect(page.getByLabel("Model", { exact: true })).toHaveValue("anthropic:claude-haiku-4-5");
    await expect(rows).toHaveCount(1);

    await rows.first().getByRole("link", { name: /Open run of/ }).click();
    await expect(page).toHaveURL(/\/history\/view\/\?id=/);
    await expect(page.getByRole("heading", { name: /Run of anthropic:claude-haiku-4-5/ })).toBeVisible();
    await expect(page.getByText("Echo: Say hello to Lin.")).toBeVisible();
    await expect(page.getByRole("list", { name: "Variables" })).toContainText("Lin");
    const firstUrl = page.url();

    await page.getByRole("button", { name: "Re-run" }).click();
    await expect(page.getByText("Run again")).toBeVisible();
    await expect(page).not.toHaveURL(firstUrl);
    await expect(page.getByRole("heading", { name: /Run of anthropic:claude-haiku-4-5/ })).toBeVisible();
    await expect(page.getByText("Succeeded").first()).toBeVisible();

    await page.getByRole("button", { name: "Delete" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete this run?" });
    await confirm.getByRole("button", { name: "Delete run" }).click();
    await expect(page).toHaveURL(/\/history\/?/);
    await expect(page.getByText("Run deleted")).toBeVisible();
  });
});
