import { expect, test, type Locator, type Page } from "@playwright/test";

import { formatCost } from "../lib/format";
import { llmsim } from "./llmsim";

/**
 * Usage against the real binary, with provider calls going to the
 * simulator: add two keys, run a prompt four times (one stopped), then find
 * the numbers of those runs on Home, on the Dashboard (with drawn charts)
 * and in the prompt's Analytics.
 */

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const user = { name: "Usage Watcher", email: `e2e-usage-${run}@example.com`, password: "correct-horse-battery" };
const title = `Summarizer ${run}`;

interface Recorded {
  id: string;
  model: string;
  credentialId: string;
  status: string;
  costMicros: number;
  usage: { inputTokens: number; outputTokens: number };
}

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
}

/** The runs as the API recorded them: what every view must add up to. */
async function recordedRuns(page: Page): Promise<Recorded[]> {
  const token = await page.evaluate(() => (JSON.parse(localStorage.getItem("pocketbase_auth") ?? "{}") as { token?: string }).token);
  const res = await page.request.get("/api/v1/executions?perPage=100", { headers: { Authorization: `Bearer ${token}` } });
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { items: Recorded[] }).items;
}

/** Waits until a chart's canvas has drawn pixels (its background is transparent), and returns how many. */
async function expectDrawn(chart: Locator): Promise<void> {
  const canvas = chart.locator("canvas").first();
  await expect(canvas).toBeVisible();
  await expect
    .poll(
      () =>
        canvas.evaluate((c: HTMLCanvasElement) => {
          const ctx = c.getContext("2d");
          if (!ctx || c.width === 0 || c.height === 0) return 0;
          const { data } = ctx.getImageData(0, 0, c.width, c.height);
          let drawn = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) drawn++;
          return drawn;
        }),
      { message: "the chart's canvas stays blank", timeout: 15_000 },
    )
    .toBeGreaterThan(500);
}

test("run prompts, then see Home, the Dashboard and the prompt's Analytics add them up", async ({ page }) => {
  test.setTimeout(180_000);

  await test.step("sign up and add an OpenAI and an Anthropic key", async () => {
    await page.goto("/sign-up/");
    await page.getByLabel("Name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByLabel("Confirm password").fill(user.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
    // Nothing ran yet: Home says so.
    await expect(page.getByRole("region", { name: "Latest runs" }).getByText("No runs yet")).toBeVisible();
    await page.goto("/settings/keys/");
    await addKey(page, "openai", "Sim OpenAI");
    await addKey(page, "anthropic", "Sim Anthropic");
  });

  await test.step("the empty Dashboard says nothing ran", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    await expect(page).toHaveURL(/\/dashboard\/?$/);
    await expect(page.getByText("No runs in this range")).toBeVisible();
  });

  await test.step("create a prompt and run it four times", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Prompts" }).click();
    await page.getByRole("button", { name: "New Prompt", exact: true }).first().click();
    const sheet = page.getByRole("dialog", { name: "New prompt" });
    await sheet.getByLabel("Title").fill(title);
    await sheet.getByLabel("Prompt text").fill("Summarize {{text}}.");
    await sheet.getByRole("button", { name: "Save prompt" }).click();
    await expect(sheet).toBeHidden();
    await page.getByRole("article", { name: title }).getByRole("link").first().click();
    await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();

    const runForm = page.getByRole("form", { name: "Run prompt" });
    const results = page.getByRole("region", { name: "Run results" });
    const answer = results.getByRole("region", { name: "Answer of openai:gpt-4o-mini" });
    await runForm.getByLabel("Model", { exact: true }).selectOption("openai:gpt-4o-mini");
    await runForm.getByLabel("text", { exact: true }).fill("the news");
    await runForm.getByRole("button", { name: "Run" }).click();
    await expect(answer.getByTestId("run-status")).toHaveText("Succeeded");

    // A long one, stopped: it counts as cancelled.
    await runForm.getByLabel("text", { exact: true }).fill("word ".repeat(200));
    await runForm.getByRole("button", { name: "Run" }).click();
    await expect(answer.getByTestId("run-output")).toContainText("Echo:");
    await runForm.getByRole("button", { name: "Stop" }).click();
    await expect(answer.getByTestId("run-status")).toHaveText("Cancelled");

    // Two models side by side.
    await runForm.getByLabel("text", { exact: true }).fill("the weather");
    await runForm.getByLabel("Compare models side by side").check();
    await runForm.getByRole("checkbox", { name: /^GPT-4o mini/ }).check();
    await runForm.getByRole("checkbox", { name: /^Claude Haiku 4\.5/ }).check();
    await runForm.getByRole("button", { name: "Run" }).click();
    await expect(results.getByRole("region", { name: "Answer of anthropic:claude-haiku-4-5" }).getByTestId("run-status")).toHaveText("Succeeded");
    await expect(answer.getByTestId("run-status")).toHaveText("Succeeded");
  });

  const runs = await recordedRuns(page);
  expect(runs).toHaveLength(4);
  const total = runs.reduce((n, x) => n + x.costMicros, 0);
  const byModel = (model: string) => runs.filter((x) => x.model === model);

  await test.step("the prompt's Analytics counts the runs by version", async () => {
    const analytics = page.getByRole("region", { name: "Analytics" });
    await expect(analytics.locator('[data-stat="Runs"]')).toHaveText("4");
    await expect(analytics.locator('[data-stat="Success rate"]')).toHaveText("75%");
    const versions = analytics.getByRole("table", { name: "Versions by version" });
    await expect(versions.getByRole("row", { name: /Draft/ })).toContainText("4");
    await expectDrawn(analytics.getByRole("img", { name: "Execution trend" }));
  });

  await test.step("Home shows each key's usage and the latest runs", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
    const keys = page.getByRole("table", { name: "API key usage this month" });
    const openai = keys.getByRole("row", { name: /Sim OpenAI/ });
    const anthropic = keys.getByRole("row", { name: /Sim Anthropic/ });
    const openaiRuns = runs.filter((x) => x.model.startsWith("openai:"));
    const anthropicRuns = runs.filter((x) => x.model.startsWith("anthropic:"));
    await expect(openai.locator('[data-stat="executions"]')).toHaveText(String(openaiRuns.length));
    await expect(openai.locator('[data-stat="cost"]')).toHaveText(formatCost(openaiRuns.reduce((n, x) => n + x.costMicros, 0)));
    await expect(anthropic.locator('[data-stat="executions"]')).toHaveText(String(anthropicRuns.length));
    await expect(anthropic.locator('[data-stat="tokens"]')).toHaveText(
      anthropicRuns.reduce((n, x) => n + x.usage.inputTokens + x.usage.outputTokens, 0).toLocaleString(),
    );

    const latest = page.getByRole("table", { name: "Latest runs" });
    await expect(latest.getByRole("row")).toHaveCount(5); // the header and 4 runs
    const first = latest.getByRole("link", { name: new RegExp(`^Open run of ${title}`) }).first();
    await expect(first).toHaveAttribute("href", `/history/view/?id=${runs[0]!.id}`);
    await first.click();
    await expect(page).toHaveURL(new RegExp(`/history/view/\\?id=${runs[0]!.id}`));
  });

  await test.step("the Dashboard adds the runs up and draws its charts", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    const totals = page.getByLabel("Totals of the range");
    await expect(totals.locator('[data-stat="Runs"]')).toHaveText("4");
    await expect(totals.locator('[data-stat="Success rate"]')).toHaveText("75%");
    await expect(totals.locator('[data-stat="Cost"]')).toHaveText(formatCost(total));

    const active = page.getByRole("table", { name: "Active prompts" });
    await expect(active.getByRole("row", { name: new RegExp(title) })).toContainText("75%");
    const perf = page.getByRole("table", { name: "Performance by model" });
    await expect(perf.getByRole("row", { name: /GPT-4o mini/ }).getByRole("cell").first()).toHaveText(String(byModel("openai:gpt-4o-mini").length));
    await expect(perf.getByRole("row", { name: /Claude Haiku 4.5/ }).getByRole("cell").first()).toHaveText("1");
    await expect(page.getByRole("table", { name: "Top error codes" })).toContainText("cancelled");

    for (const name of ["Execution trend", "Cost over time", "Runs by status", "Performance by model", "Cost by model", "Cost by provider"]) {
      await expectDrawn(page.getByRole("img", { name }));
    }
    await test.info().attach("dashboard (light)", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

    // In the dark theme the charts are drawn again, on the dark background.
    await page.getByRole("button", { name: "Change theme" }).click();
    await page.getByRole("menuitemradio", { name: "Dark" }).click();
    await expect(page.locator("html")).toHaveClass(/dark/);
    await expectDrawn(page.getByRole("img", { name: "Execution trend" }));
    await test.info().attach("dashboard (dark)", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

    // Filtered by model, only that model's runs count.
    await page.getByLabel("Model", { exact: true }).selectOption({ label: "Claude Haiku 4.5" });
    await expect(page).toHaveURL(/model=anthropic%3Aclaude-haiku-4-5/);
    await expect(totals.locator('[data-stat="Runs"]')).toHaveText("1");
    await expect(totals.locator('[data-stat="Cost"]')).toHaveText(formatCost(byModel("anthropic:claude-haiku-4-5")[0]!.costMicros));
  });
});
