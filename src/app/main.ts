/**
 * `npm start`: run the app with Probot's standard environment (SPEC §1).
 *
 * Departures from `probot run`, all deliberate:
 * - With `APP_ID` set, a real `WEBHOOK_SECRET` is required: Probot silently falls back to the secret
 *   "development" (`probot/lib/server/server.js`, `defaultWebhookSecret`), which would accept webhooks
 *   signed by anyone who reads Probot's source. A non-numeric `APP_ID`, a missing or malformed private
 *   key are refused too, each with one line on stderr and exit 1 (./log.ts, `startupProblem`): Probot
 *   would start its set-up flow, or print a stack trace and then start it.
 * - The logger is ours (./log.ts, `createLog`): Probot's hangs at exit when stdout is a closed pipe.
 * - The process environment wins over `.env`. Probot's `run()` starts with `applyEnv()`
 *   (`probot/lib/helpers/apply-env.js`: `Object.assign(process.env, parseEnv(.env))`), so a stale `.env`
 *   would override what the operator set. We merge `.env` under the environment ourselves, hand the
 *   result to `run()` as its `env` option (read by `readEnvOptions`), and restore `process.env` right
 *   after `run()`'s synchronous prologue.
 * - SIGTERM and SIGINT drain instead of dying (./shutdown.ts): no new connections, the deliveries in
 *   flight finish (bounded by AGENT_GATE_DRAIN_SECONDS, default 25), the Redis lock connection is
 *   closed, exit 0. Probot's own SIGINT handler (stop the server, exit) is replaced by ours.
 * Without `APP_ID`, `run()` serves Probot's set-up flow (register the app from `app.yml`), with a
 * smee.io channel as the registered webhook URL (smee-client forwards it to /api/github/webhooks).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { run } from "probot";
import type { ApplicationFunction } from "probot";
import agentGate, { type AgentGateOptions } from "./index.js";
import { HttpRequests, InFlight, drainMsFromEnv, gracefulShutdown, trackHandlers } from "./runtime/shutdown.js";
import type { ShutdownLog } from "./runtime/shutdown.js";
import { createAppOctokit } from "../github/octokit.js";
import { SharedStateHealth, createSharedLimiters } from "../github/limiter.js";
import { createLog, startupProblem } from "./runtime/log.js";
import { recoveryOptionsFromEnv } from "./flows/recover.js";

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

  const problem = startupProblem(env);
  if (problem !== null) {
    process.stderr.write(`agent-gate: refusing to start: ${oneLine(problem)}\n`);
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
  // Our logger (./log.ts): an EPIPE on stdout neither crashes the process nor keeps it from exiting.
  const probotLog = await createLog(env);
  let log: ShutdownLog = probotLog;
  // With REDIS_URL: our write limiters, spaced across replicas through Redis (../github/limiter.ts).
  // Probot itself never sees REDIS_URL: it would hand plugin-throttling Bottleneck's clustering,
  // which fails for good (SETTINGS_KEY_NOT_FOUND) once Redis restarts empty.
  const sharedHealth = new SharedStateHealth();
  const shared = env.APP_ID && env.REDIS_URL ? await createSharedLimiters(env.REDIS_URL, sharedHealth, probotLog) : null;
  if (shared) closers.push(() => shared.close());
  const probotEnv: NodeJS.ProcessEnv = { ...env };
  delete probotEnv.REDIS_URL;
  const app: ApplicationFunction = (probot, options) => {
    log = probot.log;
    trackHandlers(probot, deliveries);
    const registrar: AgentGateOptions = { onShutdown: (close) => closers.push(close), sharedHealth, recoverDeliveries: recoveryOptionsFromEnv(env) };
    return agentGate(probot, { ...options, ...registrar });
  };

  // Listening from the start: a signal that arrives while the server is still starting (it logs
  // "Listening on" before run() resolves) is kept and handled as soon as the drain can be set up.
  let shutdown: ((signal: NodeJS.Signals) => Promise<number>) | null = null;
  let early: NodeJS.Signals | null = null;
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, (s) => (shutdown ? void shutdown(s) : (early ??= s)));
  // Set-up mode (no APP_ID): Probot asks smee.io for a channel and registers the app with the
  // channel as its webhook URL, unless WEBHOOK_PROXY_URL is already set (docs/deploy.md, "Set-up
  // flow"). smee-client is a dependency, handed over here rather than left to Probot's on-demand
  // `npx` import (which finds nothing outside an npx run: "SmeeClient is not available", and the
  // app would be registered with http://localhost:3000/, which GitHub cannot reach).
  const SmeeClient = env.APP_ID ? undefined : (await import("smee-client")).SmeeClient;
  const sigintBefore = new Set(process.listeners("SIGINT"));
  const started = run(app, { env: probotEnv, Octokit: createAppOctokit(env, shared), log: probotLog, ...(SmeeClient ? { SmeeClient } : {}) });
  // run() has applied .env over process.env synchronously (before its first await): undo that.
  for (const [key, value] of Object.entries(processEnv)) {
    if (value !== undefined) process.env[key] = value;
  }
  const server = await started;

  // run() added a SIGINT listener that exits as soon as the server is closed, without waiting for the
  // deliveries whose 202 already went out: ours replaces it.
  for (const listener of process.listeners("SIGINT")) if (!sigintBefore.has(listener)) process.off("SIGINT", listener);
  shutdown = gracefulShutdown({
    stopListening: () => server.stop(),
    deliveries,
    http,
    closers,
    drainMs,
    log: { info: (o, m) => log.info(o, m), warn: (o, m) => log.warn(o, m), error: (o, m) => log.error(o, m) },
    // Let the last log line leave the logger's stream before exiting.
    exit: (code) => setImmediate(() => process.exit(code)),
  });
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- `early` is set by the signal listener above; TypeScript does not follow assignments in callbacks
  if (early) void shutdown(early);
}

/** One line: control characters (a newline in a pasted key, an ESC) shown as escapes. */
function oneLine(text: string): string {
  return JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"');
}

main().catch((error: unknown) => {
  process.stderr.write(`agent-gate: failed to start: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
  process.exit(1);
});
