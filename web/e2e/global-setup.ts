import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

import type { FullConfig } from "@playwright/test";

import { llmsim } from "./llmsim";

const repoRoot = path.resolve(__dirname, "..", "..");

/** Builds ../bin/llmsim once when it is missing (a prebuilt one is used as is). */
function ensureBinary(): string {
  if (fs.existsSync(llmsim.binary)) return llmsim.binary;
  const built = spawnSync("go", ["build", "-o", llmsim.binary, "./cmd/llmsim"], {
    cwd: repoRoot,
    stdio: "inherit",
  });
  if (built.status !== 0) {
    throw new Error(`Could not build the provider simulator (go build ./cmd/llmsim exited ${built.status}).`);
  }
  return llmsim.binary;
}

/** Resolves once something accepts connections on the port, or fails after the timeout. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The provider simulator exited with code ${child.exitCode}.`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The provider simulator did not listen on 127.0.0.1:${port} within ${timeoutMs} ms.`);
}

/**
 * Starts the provider simulator (OpenAI, Anthropic and Gemini wire formats on
 * one port) that the server under test is pointed at through
 * KROWOC_*_BASE_URL, and stops it when the run ends.
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const binary = ensureBinary();
  const child = spawn(binary, ["-addr", `127.0.0.1:${llmsim.port}`, "-key", llmsim.key, "-pace", "30ms"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitForPort(llmsim.port, child, 15_000);
  } catch (err) {
    child.kill();
    throw new Error(`${(err as Error).message}\n${stderr}`);
  }
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
}
