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
/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

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

/** Spawn lib/app/main.js in `dir` and collect both streams until it exits (bounded by the test's timeout). */
function runCollect(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [APP_ENTRY], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const KEY_PROBLEMS: [string, Record<string, string>, RegExp][] = [
  ["a non-numeric APP_ID", { APP_ID: "abc" }, /APP_ID must be the GitHub App's numeric id.*"abc"/],
  ["APP_ID 0", { APP_ID: "0" }, /APP_ID must be/],
  ["a garbage PRIVATE_KEY", { PRIVATE_KEY: "garbage" }, /PRIVATE_KEY/],
  ["a PEM-looking PRIVATE_KEY that is not a key", { PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n" }, /PRIVATE_KEY is not a usable private key/],
  ["a PRIVATE_KEY_PATH that does not exist", { PRIVATE_KEY: "", PRIVATE_KEY_PATH: "/nonexistent/key.pem" }, /PRIVATE_KEY_PATH/],
  ["no private key at all", { PRIVATE_KEY: "" }, /no private key was found/],
];

test.each(KEY_PROBLEMS)("with %s the app refuses with one clear line (no set-up flow, no stack trace)", async (_label, overrides, message) => {
  // An empty override removes the variable.
  const all: Record<string, string> = { ...baseEnv(await freePort()), WEBHOOK_SECRET: "s3cret", ...overrides };
  const env = Object.fromEntries(Object.entries(all).filter(([k]) => overrides[k] !== ""));
  const { code, stdout, stderr } = await runCollect(env);
  expect(code).toBe(1);
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^agent-gate: refusing to start: /);
  expect(lines[0]).toMatch(message);
  expect(stderr).not.toMatch(/^\s+at /m);
  // Probot's set-up flow never started (it logs "Welcome to Probot!" and listens).
  expect(stdout).not.toMatch(/Welcome to Probot|setup mode|Listening on/);
});

test("set-up mode (no APP_ID) logs the shutdown once prefixed, and exits 0 on SIGTERM", async () => {
  const env = baseEnv(await freePort());
  delete env.APP_ID;
  delete env.PRIVATE_KEY;
  const child = spawn(process.execPath, [APP_ENTRY], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes("Listening on")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`exited ${String(code)}: ${out}`)));
  });
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(out).toMatch(/"msg":"agent-gate: stopping/);
  expect(out).not.toMatch(/agent-gate: agent-gate:/);
});

test("with stdout a closed pipe, SIGTERM still drains and exits (EPIPE neither hangs nor crashes it)", async () => {
  const env: Record<string, string> = { ...baseEnv(await freePort()), WEBHOOK_SECRET: "s3cret", AGENT_GATE_DRAIN_SECONDS: "2" };
  const child = spawn(process.execPath, [APP_ENTRY], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes("Listening on")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`exited ${String(code)}: ${out}`)));
  });
  // A delivery is handled while stdout is still read...
  const w = fake.state;
  w.addRepo("acme/pipe", { files: { "README.md": "x\n" } });
  const pr = w.addPull("acme/pipe", { author: "alice", head: "p", commits: [{ message: "x", author: "alice" }] });
  expect(await deliver(`http://127.0.0.1:${env.PORT!}`, "s3cret", ...pullRequestEvent(w, "acme/pipe", pr.number, "opened"))).toBe(200);
  expect(w.checkRuns("acme/pipe", pr.headSha, "agent-gate")).toHaveLength(1);
  // ...then what `npm start | head -2` does once head has its lines: the read end goes away, and the
  // next line written (the shutdown's "stopping") is the first to meet the broken pipe.
  child.stdout.destroy();
  child.kill("SIGTERM");
  // Without the fix the process stays alive forever in sonic-boom's EPIPE retry loop (test timeout).
  const guard = setTimeout(() => child.kill("SIGKILL"), 20_000); // never leave it behind
  expect(await exited).toEqual({ code: 0, signal: null });
  clearTimeout(guard);
  expect(stderr).not.toMatch(/EPIPE|Unhandled/);
}, 30_000);
