import { expect, test, type Page } from "@playwright/test";

import { llmsim } from "./llmsim";

/**
 * Chains against the real binary, with provider calls going to the
 * simulator (it echoes the prompt: "Echo: …", so outputs chain visibly):
 * define a two-step chain whose second step reads the first step's output,
 * see a missing binding refused on its field, run the chain and watch both
 * outputs arrive.
 */

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const user = { name: "Chain Runner", email: `e2e-chains-${run}@example.com`, password: "correct-horse-battery" };
const outline = `Outline ${run}`;
const polish = `Polish ${run}`;

async function createPrompt(page: Page, title: string, text: string) {
  await page.getByRole("button", { name: "New Prompt", exact: true }).first().click();
  const sheet = page.getByRole("dialog", { name: "New prompt" });
  await sheet.getByLabel("Title").fill(title);
  await sheet.getByLabel("Prompt text").fill(text);
  await sheet.getByRole("button", { name: "Save prompt" }).click();
  await expect(sheet).toBeHidden();
  await expect(page.getByRole("article", { name: title })).toBeVisible();
}

test("define a two-step chain, run it, see both outputs", async ({ page }) => {
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

  await test.step("add an OpenAI key pointing at the simulator", async () => {
    await page.goto("/settings/keys/");
    await page.getByRole("button", { name: "Add key", exact: true }).click();
    const form = page.getByRole("dialog", { name: "Add API key" });
    await form.getByLabel("Provider").selectOption("openai");
    await form.getByLabel("Label").fill("Sim OpenAI");
    await form.getByLabel("API key", { exact: true }).fill(llmsim.key);
    await form.getByRole("button", { name: "Add key" }).click();
    const added = page.getByRole("dialog", { name: "Key added" });
    await added.getByRole("button", { name: "Later" }).click();
    await expect(page.getByRole("row", { name: /Sim OpenAI/ })).toBeVisible();
  });

  await test.step("create two prompts", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Prompts" }).click();
    await createPrompt(page, outline, "Outline {{topic}}");
    await createPrompt(page, polish, "Polish {{draft}}");
  });

  await test.step("define the chain; an unbound variable is refused on its field", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chains" }).click();
    await expect(page.getByRole("heading", { name: "Chains", level: 1 })).toBeVisible();
    await page.getByRole("link", { name: "New chain" }).first().click();
    const form = page.getByRole("form", { name: "Chain definition" });
    await form.getByLabel("Name").fill(`Article ${run}`);
    await form.getByRole("button", { name: "Add input" }).click();
    await form.getByLabel("Input 1", { exact: true }).fill("topic");

    const step1 = form.getByRole("group", { name: "Step 1" });
    await step1.getByLabel("Prompt", { exact: true }).selectOption({ label: outline });
    await step1.getByLabel("Model", { exact: true }).selectOption("openai:gpt-4o-mini");
    await step1.getByLabel("{{topic}}").selectOption({ label: "Input: topic" });

    await form.getByRole("button", { name: "Add step" }).click();
    const step2 = form.getByRole("group", { name: "Step 2" });
    await step2.getByLabel("Prompt", { exact: true }).selectOption({ label: polish });
    await step2.getByLabel("Model", { exact: true }).selectOption("openai:gpt-4o-mini");
    await expect(step2.getByLabel("{{draft}}")).toBeVisible();

    await form.getByRole("button", { name: "Create chain" }).click();
    await expect(step2.getByLabel("{{draft}}")).toHaveAttribute("aria-invalid", "true");
    await expect(step2.getByText("Step 2: bind {{draft}} to a chain input, an earlier step's output or text.")).toBeVisible();

    await step2.getByLabel("{{draft}}").selectOption({ label: "Output of step 1" });
    await form.getByRole("button", { name: "Create chain" }).click();
    await expect(page).toHaveURL(/\/chains\/view\/?\?id=/);
    await expect(page.getByRole("heading", { name: `Article ${run}`, level: 1 })).toBeVisible();
  });

  await test.step("run it and see both outputs", async () => {
    const runForm = page.getByRole("form", { name: "Run chain" });
    await runForm.getByLabel("topic").fill("rivers");
    await runForm.getByRole("button", { name: "Run chain" }).click();
    await expect(page).toHaveURL(/\/chains\/run\/?\?id=/);
    const step1 = page.getByRole("region", { name: "Step 1" });
    const step2 = page.getByRole("region", { name: "Step 2" });
    await expect(step1.getByTestId("step-output")).toHaveText("Echo: Outline rivers");
    await expect(step2.getByTestId("step-output")).toHaveText("Echo: Polish Echo: Outline rivers");
    await expect(page.getByTestId("run-status")).toHaveText("Succeeded");
    await expect(step2.getByTestId("step-status")).toHaveText("Succeeded");

    // Each step is an execution in the History.
    await step2.getByRole("link", { name: "Open the execution of step 2" }).click();
    await expect(page.getByRole("heading", { name: /Run of openai:gpt-4o-mini/ })).toBeVisible();
    await expect(page.getByText("Echo: Polish Echo: Outline rivers")).toBeVisible();
  });
});
