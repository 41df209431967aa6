/**
 * Runs the real app (`node lib/app/main.js`, what `npm start` runs after the build) as a child
 * process pointed at the fake GitHub through Probot's GitHub Enterprise settings.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeGitHub } from "../fake-github/index.js";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const APP_ENTRY = join(REPO_ROOT, "lib", "app", "main.js");

export interface AppProcess {
  url: string;
  port: number;
  /** The WEBHOOK_SECRET the app was started with (pass it to `deliver`). */
  secret: string;
  /** stdout, one entry per line (JSON lines with LOG_FORMAT=json). */
  logs: string[];
  stderr: string[];
  /** stdout lines parsed as JSON (non-JSON lines skipped). */
  json(): Record<string, unknown>[];
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface StartAppOptions {
  /** Script to run instead of lib/app/main.js (the fake's own tests use a stand-in). */
  entry?: string;
  /** Give up waiting for "Listening on" after this long (default 20 s): a guard, not a synchronisation. */
  startTimeoutMs?: number;
  /** Working directory of the app (default the repository root); Probot reads app.yml, package.json and .env there. */
  cwd?: string;
}

/** A port that was free a moment ago (the OS picks it; the app binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export async function startApp(fake: FakeGitHub, env: Record<string, string> = {}, opts: StartAppOptions = {}): Promise<AppProcess> {
  const entry = opts.entry ?? APP_ENTRY;
  if (!existsSync(entry)) throw new Error(`startApp: ${entry} does not exist — run \`npm run build\` first`);
  const port = await freePort();
  const secret = env.WEBHOOK_SECRET ?? randomBytes(16).toString("hex");
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    APP_ID: String(fake.appId),
    PRIVATE_KEY: fake.privateKey,
    WEBHOOK_SECRET: secret,
    GHE_HOST: fake.host,
    GHE_PROTOCOL: "http",
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    NODE_ENV: "test",
    // Keep retries on but without their sleeps (retry-after, backoff), so fault tests stay fast.
    AGENT_GATE_TEST_NO_THROTTLE: "1",
    // No start-up recovery of deliveries (its JWT requests would land in other tests' request logs);
    // test/e2e/recovery.test.ts turns it on.
    AGENT_GATE_RECOVER_MINUTES: "0",
    ...env,
  };
  const child = spawn(process.execPath, [entry], { cwd: opts.cwd ?? REPO_ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  const logs: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));

  const ready = new Promise<void>((res, rej) => {
    let outBuf = "";
    let errBuf = "";
    const timer = setTimeout(() => {
      rej(new Error(`startApp: the app did not log "Listening on" within ${opts.startTimeoutMs ?? 20_000} ms.\nstdout:\n${logs.join("\n")}\nstderr:\n${stderr.join("\n")}`));
    }, opts.startTimeoutMs ?? 20_000);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      outBuf += chunk;
      const lines = outBuf.split("\n");
      outBuf = lines.pop() ?? "";
      for (const line of lines) {
        if (line.trim() === "") continue;
        logs.push(line);
        // Probot's server logs "Listening on http://<host>:<port>" once it accepts connections.
        if (line.includes("Listening on")) {
          clearTimeout(timer);
          res();
        }
      }
    });
    child.stderr.on("data", (chunk: string) => {
      errBuf += chunk;
      const lines = errBuf.split("\n");
      errBuf = lines.pop() ?? "";
      stderr.push(...lines.filter((l) => l.trim() !== ""));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`startApp: the app exited with code ${String(code)} before listening.\nstdout:\n${logs.join("\n")}\nstderr:\n${[...stderr, errBuf].join("\n")}`));
    });
  });
  try {
    await ready;
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    secret,
    logs,
    stderr,
    child,
    json: () =>
      logs.flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Resolves with what `find` returns once it is defined, re-checking as the app's stdout grows. The
 * app's lines reach us through a pipe, possibly after the webhook's HTTP answer, so a test must wait
 * for them; the wait is driven by the pipe's data events (startApp's own listener, registered first,
 * has appended the new lines by then) with a periodic re-check, and bounded so a missing line fails
 * with `what` instead of hanging.
 */
export async function untilStdout<T>(app: AppProcess, find: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} never arrived on the app's stdout (waited ${timeoutMs} ms)`);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        app.child.stdout?.off("data", done);
        resolve();
      };
      const timer = setTimeout(done, 250);
      app.child.stdout?.on("data", done);
    });
  }
}

/** The newest JSON log line of the app that matches (already logged or to come), e.g. an audit line. */
export function waitForLogLine(app: AppProcess, match: (line: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
  return untilStdout(app, () => app.json().reverse().find(match), "the expected JSON log line", timeoutMs);
}
