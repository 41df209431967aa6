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
 * Without `APP_ID`, `run()` serves Probot's set-up flow (register the app from `app.yml`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { run } from "probot";
import agentGate from "./index.js";
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

  const started = run(agentGate, { env, Octokit: createAppOctokit(env) });
  // run() has applied .env over process.env synchronously (before its first await): undo that.
  for (const [key, value] of Object.entries(processEnv)) {
    if (value !== undefined) process.env[key] = value;
  }
  await started;
}

main().catch((error: unknown) => {
  process.stderr.write(`agent-gate: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
