/**
 * The logger `npm start` hands to Probot's `run()` (its `log` option), and the start-up checks that
 * must fail with one line before Probot is involved.
 *
 * Why our own logger: Probot's `getLog()` (`probot/lib/helpers/get-log.js`) pipes its formatting
 * stream into `pino.destination(1)`, a sonic-boom stream that pino flushes synchronously on process
 * exit (`pino/lib/tools.js`, `autoEnd` through on-exit-leak-free). sonic-boom 4's `flushSync` retries
 * EVERY write error after a 100 ms `Atomics.wait`, EPIPE included, so with stdout a closed pipe
 * (`npm start | head -2`, a log shipper that died) the first log line buffered before `process.exit`
 * keeps the process in that loop forever: SIGTERM logged "stopping" and the process never exited.
 * Here the same formatting stream (@probot/pino, so LOG_FORMAT / LOG_LEVEL_IN_STRING / SENTRY_DSN
 * behave as in Probot) writes into a stream over `process.stdout` that drops its input once stdout
 * is broken: nothing is flushed at exit, an EPIPE neither crashes the process nor keeps it alive.
 */
import { createPrivateKey } from "node:crypto";
import { Writable } from "node:stream";
import { getPrivateKey } from "@probot/get-private-key";
import { getTransformStream } from "@probot/pino";
import { pino, type Logger } from "pino";
import { recoveryOptionsFromEnv } from "../flows/recover.js";
import { retryOptionsFromEnv } from "../flows/retry.js";

/** A writable over process.stdout that turns into a sink once stdout is gone (EPIPE, closed). */
export function safeStdout(stdout: NodeJS.WriteStream = process.stdout): Writable {
  let broken = false;
  // Without a listener an EPIPE from any writer of stdout (console.log) is an uncaught exception.
  stdout.on("error", () => (broken = true));
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (broken || stdout.destroyed) {
        callback();
        return;
      }
      stdout.write(chunk, (error) => {
        if (error) broken = true;
      });
      // Never wait for the write: a stalled reader must not back-pressure the app's work.
      callback();
    },
  });
}

/** Probot's logger settings from the environment (`probot/lib/bin/read-env-options.js`). */
export async function createLog(env: NodeJS.ProcessEnv): Promise<Logger> {
  const logFormat = env.LOG_FORMAT ? (env.LOG_FORMAT === "pretty" ? "pretty" : "json") : env.NODE_ENV === "production" ? "json" : "pretty";
  const transform = await getTransformStream({ logFormat, logLevelInString: env.LOG_LEVEL_IN_STRING === "true", sentryDsn: env.SENTRY_DSN });
  transform.pipe(safeStdout());
  return pino({ level: env.LOG_LEVEL || "info", name: "probot", messageKey: env.LOG_MESSAGE_KEY || "msg" }, transform);
}

/**
 * What must be right before the app starts, as one line each (no stack trace, no set-up flow):
 * Probot falls into its set-up flow (register a new app) whenever `Number(APP_ID)` is falsy or no key
 * is found, and prints the key reader's stack trace for a malformed key (`readEnvOptions`). With
 * `APP_ID` set the operator meant to run an app, so each of these is an error. Null when all is well.
 * Without `APP_ID` nothing is checked: that is Probot's set-up flow, on purpose.
 */
export function startupProblem(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string | null {
  try {
    retryOptionsFromEnv(env);
    recoveryOptionsFromEnv(env);
  } catch (error) {
    return (error as Error).message;
  }
  const appId = env.APP_ID;
  if (appId === undefined || appId === "") return null;
  if (!/^[1-9][0-9]{0,15}$/.test(appId.trim())) {
    return `APP_ID must be the GitHub App's numeric id (App settings → "App ID"), got ${JSON.stringify(appId.slice(0, 40))}`;
  }
  if (!env.WEBHOOK_SECRET || env.WEBHOOK_SECRET === "development") {
    return (
      "APP_ID is set but WEBHOOK_SECRET is " +
      (env.WEBHOOK_SECRET ? 'the placeholder "development"' : "missing") +
      "; set WEBHOOK_SECRET to the webhook secret configured in the GitHub App's settings"
    );
  }
  let pem: string | null;
  try {
    pem = getPrivateKey({ env, cwd });
  } catch (error) {
    // The reader's own messages name the variable and what is wrong; drop its "[@probot/…]" tag.
    return (error as Error).message.replace(/^\[@probot\/get-private-key\] /, "");
  }
  if (!pem) return "APP_ID is set but no private key was found: set PRIVATE_KEY (the .pem contents) or PRIVATE_KEY_PATH (its path)";
  try {
    createPrivateKey(pem);
  } catch (error) {
    const source = env.PRIVATE_KEY ? "PRIVATE_KEY" : env.PRIVATE_KEY_PATH ? `the file at PRIVATE_KEY_PATH` : "the .pem file in the working directory";
    return `${source} is not a usable private key (${(error as Error).message}); use the .pem file downloaded from the GitHub App's settings`;
  }
  return null;
}
