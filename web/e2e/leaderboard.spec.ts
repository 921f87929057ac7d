import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

import { superuser } from "./superuser";

/**
 * The community leaderboard against the real binary: an author publishes two
 * public prompts; a second account (verified by the superuser through
 * Pocketbase's own API) votes and forks from the leaderboard; a scoring run
 * triggered by the superuser reorders it; and the public page works signed out.
 */

const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const password = "correct-horse-battery";
const tag = `e2e-${run}`;
const author = { name: "Board Author", email: `board-author-${run}@example.com` };
const fan = { name: "Board Fan", email: `board-fan-${run}@example.com` };
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

async function superuserToken(request: APIRequestContext): Promise<string> {
  const res = await request.post("/api/collections/_superusers/auth-with-password", {
    data: { identity: superuser.email, password: superuser.password },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
  return ((await res.json()) as { token: string }).token;
}

/** Marks an account verified, as its confirmation link would, through Pocketbase's records API. */
async function verify(request: APIRequestContext, token: string, email: string) {
  const list = await request.get("/api/collections/users/records", {
    headers: { Authorization: token },
    params: { filter: `email="${email}"` },
  });
  expect(list.ok(), await list.text()).toBeTruthy();
  const { items } = (await list.json()) as { items: { id: string }[] };
  expect(items).toHaveLength(1);
  const res = await request.patch(`/api/collections/users/records/${items[0]?.id}`, {
    headers: { Authorization: token },
    data: { verified: true },
  });
  expect(res.ok(), await res.text()).toBeTruthy();
}

/** Runs the hourly scoring now, through the superusers' on-demand endpoint. */
async function score(request: APIRequestContext, token: string) {
  const res = await request.post("/api/v1/leaderboard/runs", { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status(), await res.text()).toBe(201);
}

async function publishPublic(page: Page, title: string, text: string) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Prompts" }).click();
  await page.getByRole("button", { name: "New Prompt", exact: true }).first().click();
  const sheet = page.getByRole("dialog", { name: "New prompt" });
  await sheet.getByLabel("Title").fill(title);
  await sheet.getByLabel("Prompt text").fill(text);
  await sheet.getByRole("textbox", { name: "Tags" }).fill(tag);
  await sheet.getByRole("textbox", { name: "Tags" }).press("Enter");
  await sheet.getByRole("button", { name: "Save prompt" }).click();
  await expect(sheet).toBeHidden();
  await page.getByRole("article", { name: title }).getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Publish prompt" });
  await dialog.getByRole("radio", { name: /Public/ }).check();
  await dialog.getByRole("button", { name: "Publish v1" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("link", { name: "Open the public page" })).toBeVisible();
}

async function openBoard(page: Page) {
  await page.goto("/leaderboard/");
  await page.getByRole("textbox", { name: "Tag", exact: true }).fill(tag);
  await expect(page.getByRole("heading", { name: "Leaderboard", level: 1 })).toBeVisible();
}

function row(page: Page, title: string) {
  return page.getByTestId("leaderboard-row").filter({ has: page.getByRole("link", { name: title, exact: true }) });
}

test("leaderboard: publish public, vote and fork from another account, reorder after a scoring run", async ({ page, request }) => {
  test.setTimeout(180_000);
  const token = await superuserToken(request);

  await test.step("the author publishes two public prompts", async () => {
    await signUp(page, author.name, author.email);
    await publishPublic(page, alpha, "Write a haiku about {{topic}}.");
    await publishPublic(page, beta, "Summarize {{text}} in one line.");
    await signOut(page);
  });

  await test.step("a scoring run ranks them: the newer one first while nothing else differs", async () => {
    await score(request, token);
    await openBoard(page);
    const rows = page.getByTestId("leaderboard-row");
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0).getByRole("link", { name: beta })).toBeVisible();
    await expect(rows.nth(1).getByRole("link", { name: alpha })).toBeVisible();
    await expect(row(page, alpha).getByText("by Board Author · v1")).toBeVisible();
    await expect(row(page, alpha).getByRole("img", { name: /runs in the last 24 hours/ })).toBeVisible();
  });

  await test.step("a second, verified account upvotes Alpha: the count moves at once", async () => {
    await signUp(page, fan.name, fan.email);
    await verify(request, token, fan.email);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Leaderboard" }).click();
    await page.getByRole("textbox", { name: "Tag", exact: true }).fill(tag);
    const votes = row(page, alpha).getByRole("group", { name: `Votes for ${alpha}` });
    await expect(votes.getByTestId("vote-count")).toHaveText("0");
    await votes.getByRole("button", { name: "Upvote" }).click();
    await expect(votes.getByTestId("vote-count")).toHaveText("1");
    await expect(votes.getByRole("button", { name: "Upvote" })).toHaveAttribute("aria-pressed", "true");
    // It was counted by the server, not only shown: a reload keeps it.
    await page.reload();
    await page.getByRole("textbox", { name: "Tag", exact: true }).fill(tag);
    await expect(row(page, alpha).getByTestId("vote-count")).toHaveText("1");
  });

  await test.step("the fan forks Alpha into their library; the draft names its origin", async () => {
    await row(page, alpha).getByRole("button", { name: `Fork ${alpha}` }).click();
    const dialog = page.getByRole("dialog", { name: "Fork prompt" });
    await dialog.getByRole("button", { name: "Fork into my library" }).click();
    await expect(page).toHaveURL(/\/prompts\/view\/\?id=/);
    await expect(page.getByRole("heading", { name: alpha, level: 1 })).toBeVisible();
    await expect(page.getByTestId("prompt-status")).toHaveText("Draft");
    await expect(page.getByTestId("fork-origin")).toContainText(`Forked from ${alpha} v1 by Board Author`);
  });

  await test.step("the next scoring run puts Alpha on top, moved up one", async () => {
    await score(request, token);
    await openBoard(page);
    const rows = page.getByTestId("leaderboard-row");
    await expect(rows.nth(0).getByRole("link", { name: alpha })).toBeVisible();
    await expect(rows.nth(0).getByLabel("Up 1")).toBeVisible();
    await expect(rows.nth(1).getByLabel("Down 1")).toBeVisible();
    await page.goto("/");
    await signOut(page);
  });

  await test.step("the public page works signed out and shows the fork", async () => {
    await openBoard(page);
    await expect(page.getByRole("button", { name: /Fork/ })).toHaveCount(0);
    await row(page, alpha).getByRole("link", { name: alpha }).click();
    await expect(page).toHaveURL(/\/p\/view\/?\?id=/);
    await expect(page.getByRole("heading", { name: alpha, level: 1 })).toBeVisible();
    await expect(page.getByTestId("prompt-text")).toContainText("Write a haiku about {{topic}}.");
    await expect(page.locator('[data-stat="Forks"] dd')).toHaveText("1");
    await expect(page.locator('[data-stat="Rank"] dd')).toHaveText("#1");
    await expect(page.getByRole("link", { name: "Sign in to vote, fork and run" })).toBeVisible();
  });
});
