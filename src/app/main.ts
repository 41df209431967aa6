/**
 * `npm start`: run the app with Probot's standard environment (SPEC §1).
 *
 * Two departures from `probot run`, both deliberate:
 * - With `APP_ID` set, a real `WEBHOOK_SECRET` is required: Probot silently falls back to the secret
 *   "development" (`probot/lib/server/server.js`, `defaultWebhookSecret`), which would accept webhooks
 *   signed by anyone who reads Probot's source.
 * - The process environment wins over `.env`. Probot's `run()` starts with `applyEnv()`
 *   (`probot/lib/helpers/apply-env.js`: `Object.assign(process.env, parseEnv(.env))`), so a stale `.env`
 *   would override what the operator set. We merge `.env` under the environment ourselves, hand the
 *   result to `run()` as its `env` option (read by `readEnvOptions`), and restore `process.env` right
 *   after `run()`'s synchronous prologue.
 * - SIGTERM and SIGINT drain instead of dying (./shutdown.ts): no new connections, the deliveries in
 *   flight finish (bounded by AGENT_GATE_DRAIN_SECONDS, default 25), the Redis lock connection is
 *   closed, exit 0. Probot's own SIGINT handler (stop the server, exit) is replaced by ours.
 * Without `APP_ID`, `run()` serves Probot's set-up flow (register the app from `app.yml`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { run } from "probot";
import type { ApplicationFunction } from "probot";
import agentGate from "./index.js";
import { HttpRequests, InFlight, drainMsFromEnv, gracefulShutdown, trackHandlers } from "./shutdown.js";
import type { ShutdownLog, ShutdownRegistrar } from "./shutdown.js";
import { createAppOctokit } from "../github/octokit.js";

function readDotEnv(path: string): Record<string, string> {
  try {
    return parseEnv(readFileSync(path, "utf8")) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
}

async function main(): Promise<void> {
  const processEnv: Record<string, string | undefined> = { ...process.env };
  const env: NodeJS.ProcessEnv = { ...readDotEnv(join(process.cwd(), ".env")), ...processEnv };

  if (env.APP_ID && (!env.WEBHOOK_SECRET || env.WEBHOOK_SECRET === "development")) {
    process.stderr.write(
      "agent-gate: refusing to start: APP_ID is set but WEBHOOK_SECRET is " +
        (env.WEBHOOK_SECRET ? 'the placeholder "development"' : "missing") +
        "; set WEBHOOK_SECRET to the webhook secret configured in the GitHub App's settings.\n",
    );
    process.exit(1);
  }
  let drainMs: number;
  try {
    drainMs = drainMsFromEnv(env);
  } catch (error) {
    process.stderr.write(`agent-gate: refusing to start: ${(error as Error).message}\n`);
    process.exit(1);
  }

  // Subscribed before the server exists, so every request it ever serves is seen.
  const http = new HttpRequests();
  const deliveries = new InFlight();
  const closers: (() => Promise<void>)[] = [];
  let log: ShutdownLog = stderrLog;
  const app: ApplicationFunction = (probot, options) => {
    log = probot.log;
    trackHandlers(probot, deliveries);
    const registrar: ShutdownRegistrar = { onShutdown: (close) => closers.push(close) };
    return agentGate(probot, { ...options, ...registrar });
  };

  const sigintBefore = new Set(process.listeners("SIGINT"));
  const started = run(app, { env, Octokit: createAppOctokit(env) });
  // run() has applied .env over process.env synchronously (before its first await): undo that.
  for (const [key, value] of Object.entries(processEnv)) {
    if (value !== undefined) process.env[key] = value;
  }
  const server = await started;

  // run() added a SIGINT listener that exits as soon as the server is closed, without waiting for the
  // deliveries whose 202 already went out: ours replaces it.
  for (const listener of process.listeners("SIGINT")) if (!sigintBefore.has(listener)) process.off("SIGINT", listener);
  const shutdown = gracefulShutdown({
    stopListening: () => server.stop(),
    deliveries,
    http,
    closers,
    drainMs,
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m), error: (o, m) => log.error(o, m) },
    // Let the last log line leave the logger's stream before exiting.
    exit: (code) => setImmediate(() => process.exit(code)),
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, (s) => void shutdown(s));
}

const stderrLog: ShutdownLog = {
  info: (obj, msg) => process.stderr.write(`agent-gate: ${msg} ${JSON.stringify(obj)}\n`),
  warn: (obj, msg) => process.stderr.write(`agent-gate: ${msg} ${JSON.stringify(obj)}\n`),
  error: (obj, msg) => process.stderr.write(`agent-gate: ${msg} ${JSON.stringify(obj)}\n`),
};

main().catch((error: unknown) => {
  process.stderr.write(`agent-gate: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
