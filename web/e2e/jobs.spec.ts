import { spawnSync } from "node:child_process";
import path from "node:path";

import { expect, test, type Page } from "@playwright/test";

import { llmsim } from "./llmsim";

/**
 * Background runs that fail for good, against the real binary and the
 * provider simulator: a run queued with `async: true` on a model the
 * simulator always refuses with 401 ("…fault-401") becomes a dead letter;
 * the workspace owner finds it under Settings → Failed jobs, requeues it
 * (it fails again) and discards the next one. Then a superuser, signed in
 * through the Pocketbase admin UI at /_/, sees the execution jobs in the
 * jobs console and retries one.
 *
 * The console part needs the server's data directory to create the
 * superuser with `krowoc superuser upsert` (KROWOC_E2E_DATA_DIR, set by
 * playwright.config.ts for the server it starts).
 */

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const user = { name: "Job Watcher", email: `e2e-jobs-${run}@example.com`, password: "correct-horse-battery" };
const superuser = { email: `e2e-root-${run}@example.com`, password: "correct-horse-battery-staple" };
const title = `Doomed ${run}`;
// An open model of the OpenAI-compatible provider; the simulator answers 401 to
// any model whose name contains "fault-401", which no retry can fix.
const failingModel = "openai-compatible:sim-fault-401";

test.describe.configure({ mode: "serial" });

interface QueuedRun {
  status: number;
  requestId: string | null;
  executionId: string;
  executionStatus: string;
}

/** Queues a background run from the page, with the signed-in user's token, as a script would. */
async function queueRun(page: Page, promptId: string): Promise<QueuedRun> {
  return page.evaluate(
    async ({ promptId, model }) => {
      const auth = JSON.parse(window.localStorage.getItem("pocketbase_auth") ?? "{}") as { token?: string };
      const res = await fetch(`/api/v1/prompts/${encodeURIComponent(promptId)}/executions`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${auth.token ?? ""}`,
          Accept: "application/json",
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ model, async: true }),
      });
      const body = (await res.json()) as { id?: string; status?: string };
      return {
        status: res.status,
        requestId: res.headers.get("X-Request-ID"),
        executionId: body.id ?? "",
        executionStatus: body.status ?? "",
      };
    },
    { promptId, model: failingModel },
  );
}

test("a background run that fails for good shows up under Failed jobs; requeue and discard it", async ({ page }) => {
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

  await test.step("add an OpenAI-compatible key pointing at the simulator", async () => {
    await page.goto("/settings/keys/");
    await page.getByRole("button", { name: "Add key", exact: true }).click();
    const form = page.getByRole("dialog", { name: "Add API key" });
    await form.getByLabel("Provider").selectOption("openai-compatible");
    await form.getByLabel("Label").fill("Sim compatible");
    await form.getByLabel("Base URL").fill(`http://127.0.0.1:${llmsim.port}/v1`);
    await form.getByLabel("API key", { exact: true }).fill(llmsim.key);
    await form.getByRole("button", { name: "Add key" }).click();
    const added = page.getByRole("dialog", { name: "Key added" });
    await added.getByRole("button", { name: "Later" }).click();
    await expect(page.getByRole("row", { name: /Sim compatible/ })).toBeVisible();
  });

  let promptId = "";
  await test.step("create a prompt", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Prompts" }).click();
    // The header has the button, and so has the empty library once it has loaded: either opens the sheet.
    await page.getByRole("button", { name: "New Prompt", exact: true }).first().click();
    const sheet = page.getByRole("dialog", { name: "New prompt" });
    await sheet.getByLabel("Title").fill(title);
    await sheet.getByLabel("Prompt text").fill("Say hello.");
    await sheet.getByRole("button", { name: "Save prompt" }).click();
    await expect(sheet).toBeHidden();
    await page.getByRole("article", { name: title }).getByRole("link").first().click();
    await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
    promptId = new URL(page.url()).searchParams.get("id") ?? "";
    expect(promptId).not.toBe("");
  });

  let first: QueuedRun = { status: 0, requestId: null, executionId: "", executionStatus: "" };
  await test.step("queue a background run the provider refuses", async () => {
    first = await queueRun(page, promptId);
    expect(first.status).toBe(202);
    expect(first.executionStatus).toBe("running");
    expect(first.executionId).not.toBe("");
    expect(first.requestId).toBeTruthy();
  });

  const table = page.getByRole("table", { name: "Failed jobs" });
  const rowOf = (executionId: string) =>
    table.getByRole("row").filter({ has: page.locator(`a[href*="${encodeURIComponent(executionId)}"]`) });

  await test.step("it appears under Settings → Failed jobs", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Failed jobs" }).click();
    await expect(page).toHaveURL(/\/settings\/failed-jobs\/?$/);
    await expect(page.getByLabel("Status")).toHaveValue("open");
    // The job runs in the background: look again until it has failed for good.
    await expect(async () => {
      await page.reload();
      await expect(rowOf(first.executionId)).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    const row = rowOf(first.executionId);
    await expect(row).toContainText("execution");
    await expect(row).toContainText("401");
    await expect(row.getByText("Open", { exact: true })).toBeVisible();
  });

  await test.step("open it: request id, errors and payload", async () => {
    await rowOf(first.executionId).getByRole("button", { name: /^Details of the failed execution job/ }).click();
    const drawer = page.getByRole("dialog", { name: "Failed execution job" });
    await expect(drawer.getByText(first.requestId ?? "", { exact: true })).toBeVisible();
    await expect(drawer.getByRole("list", { name: "Errors by attempt" }).getByRole("listitem").first()).toContainText("401");
    await expect(drawer.getByLabel("Payload JSON")).toContainText(first.executionId);
    await expect(drawer.getByRole("link", { name: "Open the run" })).toHaveAttribute("href", new RegExp(first.executionId));
  });

  await test.step("requeue it from the drawer", async () => {
    const drawer = page.getByRole("dialog", { name: "Failed execution job" });
    await drawer.getByRole("button", { name: "Requeue" }).click();
    await expect(page.getByText("Job requeued")).toBeVisible();
    await expect(drawer.getByText("Requeued", { exact: true })).toBeVisible();
    await expect(drawer.getByRole("button", { name: "Requeue" })).toHaveCount(0);
    await drawer.getByRole("button", { name: "Close details" }).click();
    await expect(drawer).toBeHidden();
    await expect(rowOf(first.executionId)).toHaveCount(0);

    await page.getByLabel("Status").selectOption("requeued");
    await expect(rowOf(first.executionId).getByText("Requeued", { exact: true })).toBeVisible();
  });

  await test.step("the requeued run fails again as a new run; discard that one", async () => {
    await page.getByLabel("Status").selectOption("open");
    const again = table.getByRole("row").filter({ hasText: "execution" }).filter({ hasNot: page.locator(`a[href*="${first.executionId}"]`) });
    await expect(async () => {
      await page.reload();
      await expect(again).toHaveCount(1, { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });

    await again.getByRole("button", { name: /^Discard the failed execution job/ }).click();
    const confirm = page.getByRole("dialog", { name: "Discard this failed job?" });
    await confirm.getByRole("button", { name: "Discard job" }).click();
    await expect(page.getByText("Job discarded")).toBeVisible();
    await expect(page.getByText("No failed jobs")).toBeVisible();
    await expect(page.getByText("Background runs that fail for good show up here.")).toBeVisible();

    await page.getByLabel("Status").selectOption("discarded");
    await expect(table.getByRole("row").filter({ hasText: "Discarded" })).toHaveCount(1);
  });
});

test("superusers see the execution jobs in the jobs console and retry one", async ({ page }) => {
  const dataDir = process.env.KROWOC_E2E_DATA_DIR;
  test.skip(!dataDir, "needs the server's data directory (KROWOC_E2E_DATA_DIR) to create a superuser");

  await test.step("without an admin UI session the console asks to sign in there", async () => {
    await page.goto("/admin/jobs/");
    await expect(page.getByText("Sign in to the admin UI first")).toBeVisible();
    await expect(page.getByRole("link", { name: "Open the admin UI" })).toHaveAttribute("href", "/_/");
  });

  await test.step("create a superuser and sign in to the admin UI", async () => {
    const binary = process.env.KROWOC_E2E_BIN ?? path.resolve(__dirname, "..", "..", "bin", "krowoc");
    const made = spawnSync(binary, ["superuser", "upsert", superuser.email, superuser.password, "--dir", dataDir ?? ""], {
      encoding: "utf8",
    });
    expect(made.status, made.stderr).toBe(0);

    await page.goto("/_/");
    await page.locator("#login_identity").fill(superuser.email);
    await page.locator("#login_pass").fill(superuser.password);
    await page.getByRole("button", { name: "Login" }).click();
    await page.waitForFunction(() => window.localStorage.getItem("__pb_superusers__/_") !== null);
  });

  await test.step("the console shows the executions queue and its jobs", async () => {
    await page.goto("/admin/jobs/");
    await expect(page.getByRole("heading", { name: "Jobs console", level: 1 })).toBeVisible();
    await expect(page.getByText(superuser.email)).toBeVisible();
    // Both runs of the first test ended their jobs with "cancel" (a 401 is not retried).
    await expect(page.getByRole("img", { name: /^executions: .*\d+ cancelled/ })).toBeVisible();

    await page.getByLabel("Kind").fill("execution");
    await page.getByRole("button", { name: "Apply" }).click();
    const rows = page.getByRole("table", { name: "Jobs" }).getByRole("row").filter({ hasText: "executions" });
    await expect(rows).not.toHaveCount(0);
    await expect(rows.first()).toContainText("Cancelled");
  });

  await test.step("open a job and retry it", async () => {
    const row = page.getByRole("table", { name: "Jobs" }).getByRole("row").filter({ hasText: "Cancelled" }).first();
    const id = await row.getAttribute("data-job-id");
    expect(id).toBeTruthy();
    await page.getByRole("button", { name: `Show details of job ${id}` }).click();
    const details = page.getByRole("group", { name: `Details of job ${id}` });
    await expect(details.getByLabel(`Args of job ${id}`)).toContainText("executionId");
    await expect(details.getByRole("list", { name: `Errors of job ${id}` })).toContainText("401");

    await page.getByRole("button", { name: `Retry job ${id}` }).click();
    await expect(page.getByText(`Job ${id} retried`)).toBeVisible();
    // The run it was for has already failed, so the job finds nothing to do and completes.
    await expect(page.locator(`tr[data-job-id="${id}"]`)).toContainText("Completed", { timeout: 15_000 });
  });
});
