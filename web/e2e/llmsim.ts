import path from "node:path";

/**
 * The provider simulator of the e2e run: where it listens, the one key it
 * accepts, and the base URLs the server under test is given.
 *
 * KROWOC_E2E_LLMSIM_PORT: its port (default 18091).
 * KROWOC_E2E_LLMSIM_BIN: a prebuilt binary (default ../bin/llmsim, built when missing).
 */
const port = Number(process.env.KROWOC_E2E_LLMSIM_PORT ?? 18091);
const origin = `http://127.0.0.1:${port}`;

export const llmsim = {
  port,
  key: "sk-test-123",
  binary: process.env.KROWOC_E2E_LLMSIM_BIN ?? path.resolve(__dirname, "..", "..", "bin", "llmsim"),
  env: {
    KROWOC_OPENAI_BASE_URL: `${origin}/v1`,
    KROWOC_ANTHROPIC_BASE_URL: origin,
    KROWOC_GEMINI_BASE_URL: origin,
  },
} as const;
