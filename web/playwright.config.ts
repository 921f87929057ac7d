import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { defineConfig, devices } from "@playwright/test";

import { llmsim } from "./e2e/llmsim";
import { superuser } from "./e2e/superuser";

/**
 * End-to-end tests drive the real Go binary (../bin/krowoc, built by
 * `make build` with this app embedded) in Debian's Chromium. Each run gets a
 * fresh data directory, removed afterwards unless KROWOC_E2E_KEEP_DATA is set.
 *
 * KROWOC_E2E_BASE_URL: test a server that is already running; start none.
 * KROWOC_E2E_PORT: port of the server started here (default 18090).
 * KROWOC_E2E_BIN: another binary to start instead of ../bin/krowoc.
 * KROWOC_E2E_DATA_DIR: the data directory of the server under test. Set here
 * for the server started here (workers inherit it); give it with
 * KROWOC_E2E_BASE_URL to let specs that need a superuser create one.
 *
 * The global setup starts the provider simulator (../bin/llmsim, built when
 * missing; see e2e/llmsim.ts) and the server is pointed at it through
 * KROWOC_OPENAI_BASE_URL, KROWOC_ANTHROPIC_BASE_URL and KROWOC_GEMINI_BASE_URL.
 */
const externalBaseURL = process.env.KROWOC_E2E_BASE_URL;
const port = Number(process.env.KROWOC_E2E_PORT ?? 18090);
const baseURL = externalBaseURL ?? `http://127.0.0.1:${port}`;
const binary = process.env.KROWOC_E2E_BIN ?? path.resolve(__dirname, "..", "bin", "krowoc");

function freshDataDir(): string {
  // Playwright loads this file in the runner and in each worker; only the
  // runner starts the server, so only it needs (and makes) a directory.
  if (externalBaseURL || process.env.TEST_WORKER_INDEX !== undefined) return "";
  return fs.mkdtempSync(path.join(os.tmpdir(), "krowoc-e2e-"));
}

const dataDir = freshDataDir();
if (dataDir) process.env.KROWOC_E2E_DATA_DIR = dataDir;
if (dataDir && !process.env.KROWOC_E2E_KEEP_DATA) {
  // The server is stopped before the runner exits; its data goes with it.
  process.on("exit", () => fs.rmSync(dataDir, { recursive: true, force: true }));
}

export default defineConfig({
  testDir: "./e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    video: "off",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.KROWOC_E2E_CHROMIUM ?? "/usr/bin/chromium",
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: externalBaseURL
    ? undefined
    : {
        // A superuser first (the leaderboard spec triggers scoring runs and
        // verifies accounts through Pocketbase's API with it), then serve.
        command:
          `"${binary}" superuser upsert ${superuser.email} ${superuser.password} --dir "${dataDir}" && ` +
          `"${binary}" serve --http 127.0.0.1:${port} --dir "${dataDir}"`,
        url: `${baseURL}/api/health`,
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: "ignore",
        stderr: "pipe",
        env: { ...llmsim.env },
      },
});
