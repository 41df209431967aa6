/** `npm start` (lib/app/main.js): the secret guard, environment over `.env`, HOST/PORT (SPEC §1). */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/index.js";
import { APP_ENTRY, freePort } from "../helpers/app-process.js";
import { deliver, pullRequestEvent } from "../helpers/webhooks.js";

let fake: FakeGitHub;
let dir: string;
beforeAll(async () => {
  fake = await startFakeGitHub();
  dir = mkdtempSync(join(tmpdir(), "agent-gate-start-"));
});
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

function baseEnv(port: number): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    APP_ID: String(fake.appId),
    PRIVATE_KEY: fake.privateKey,
    GHE_HOST: fake.host,
    GHE_PROTOCOL: "http",
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_FORMAT: "json",
    AGENT_GATE_TEST_NO_THROTTLE: "1",
  };
}

function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [APP_ENTRY], { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

test.each([
  ["missing", undefined],
  ["the Probot placeholder", "development"],
])("with APP_ID set, a WEBHOOK_SECRET that is %s stops the app with one line on stderr", async (_label, secret) => {
  const env = baseEnv(await freePort());
  if (secret) env.WEBHOOK_SECRET = secret;
  const { code, stderr } = await runToExit(env);
  expect(code).toBe(1);
  expect(stderr.trim().split("\n")).toHaveLength(1);
  expect(stderr).toMatch(/WEBHOOK_SECRET/);
});

test("the environment wins over .env, and HOST/PORT are respected", async () => {
  const port = await freePort();
  writeFileSync(join(dir, ".env"), `WEBHOOK_SECRET=from-dotenv\nPORT=1\nLOG_LEVEL=info\n`);
  const env = { ...baseEnv(port), WEBHOOK_SECRET: "from-environment" };
  const child = spawn(process.execPath, [APP_ENTRY], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        if (out.includes("Listening on")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`exited ${String(code)}: ${out}`)));
    });
    const w = fake.state;
    w.addRepo("acme/start", { files: { "README.md": "x\n" } });
    const pr = w.addPull("acme/start", { author: "alice", head: "f", commits: [{ message: "x", author: "alice" }] });
    const url = `http://127.0.0.1:${port}`;
    expect(await deliver(url, "from-dotenv", ...pullRequestEvent(w, "acme/start", pr.number, "opened"))).toBeGreaterThanOrEqual(400);
    expect(await deliver(url, "from-environment", ...pullRequestEvent(w, "acme/start", pr.number, "opened"))).toBe(200);
    expect(w.checkRuns("acme/start", pr.headSha, "agent-gate")).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  } finally {
    child.kill("SIGTERM");
  }
});
