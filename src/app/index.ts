/**
 * The Probot app function (`export default (app, { addHandler }) => …`), so both `npm start`
 * (src/app/main.ts) and `probot run lib/app/index.js` work. One thin handler per event (SPEC §5).
 */
import type { ApplicationFunction, Context } from "probot";
import { AppState } from "./runtime/state.js";
import { onPullRequest, PULL_REQUEST_ACTIONS } from "./handlers/pull-request.js";
import { onPullRequestReview, REVIEW_ACTIONS } from "./handlers/pull-request-review.js";
import { onPullRequestClosed } from "./handlers/pull-request-closed.js";
import { onCheckRun } from "./handlers/check-run.js";
import { onCheckSuiteRerequested } from "./handlers/check-suite.js";
import { onMergeGroup } from "./handlers/merge-group.js";
import { onPush } from "./handlers/push.js";
import { onInstallationCreated, onInstallationRepositoriesAdded } from "./handlers/installation.js";
import { observabilityHandler } from "./runtime/http.js";
import { AppMetrics, observeHandler } from "./runtime/metrics.js";
import { EvaluationRetries, retryOptionsFromEnv } from "./flows/retry.js";
import { recoverDeliveries, type RecoveryOptions } from "./flows/recover.js";
import { payloadProblem } from "./runtime/payload-guard.js";
import { createRedisShaLock } from "./runtime/sha-lock.js";
import type { ShutdownRegistrar } from "./runtime/shutdown.js";
import { SharedStateHealth } from "../github/limiter.js";

/**
 * What `npm start` (./main.ts) passes to the app function besides Probot's options: where to register
 * closers, and the shared-state health its write limiters report to (GET /healthz).
 */
export interface AgentGateOptions extends ShutdownRegistrar {
  sharedHealth?: SharedStateHealth;
  /** Handle recent deliveries again at start-up (./recover.ts); `npm start` sets it from the environment. */
  recoverDeliveries?: RecoveryOptions;
}

const agentGate: ApplicationFunction = (probot, options) => {
  const appId = Number(process.env.APP_ID);
  if (!Number.isInteger(appId) || appId <= 0) throw new Error(`agent-gate: APP_ID must be the GitHub App's numeric id (got ${JSON.stringify(process.env.APP_ID)})`);
  // With REDIS_URL (replicas sharing Probot's throttling Redis), evaluations of one SHA are serialised
  // across replicas too; without it only within this process (docs/app.md, "Serialisation and several replicas").
  const redisUrl = process.env.REDIS_URL;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- probot.load(app) (tests, embedders) may call without options
  const ours = (options ?? {}) as AgentGateOptions;
  const health = ours.sharedHealth ?? new SharedStateHealth();
  const app = new AppState(appId, new AppMetrics(), redisUrl ? createRedisShaLock(redisUrl, probot.log, { health }) : null);
  app.metrics.watchSharedState(health, redisUrl !== undefined && redisUrl !== "");
  // Re-evaluate by itself after a transient GitHub fault (./retry.ts); dropped at shutdown.
  const retries = new EvaluationRetries({ ...retryOptionsFromEnv(process.env), onAudit: (line) => app.metrics.observeRetry(line.outcome) });
  app.retries = retries;
  (options as ShutdownRegistrar | undefined)?.onShutdown?.(() => {
    retries.stop(probot.log);
    return Promise.resolve();
  });
  // `npm start` closes the lock's connection once the deliveries in flight have drained (./shutdown.ts).
  const lock = app.lock;
  if (lock) (options as ShutdownRegistrar | undefined)?.onShutdown?.(() => lock.close());
  // GET /healthz and GET /metrics on Probot's own server (npm start and `probot run` both pass
  // addHandler); without a server (probot.load in a test) Probot's addHandler throws "No server instance".
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- see above: addHandler is absent without a server
  if (typeof options?.addHandler === "function") {
    try {
      options.addHandler(observabilityHandler(app.metrics, health));
    } catch (error) {
      probot.log.debug({ err: error }, "agent-gate: no HTTP server, /metrics and /healthz not mounted");
    }
  }
  // Every delivery received (start-up recovery skips those), then the recovery itself, in the background.
  probot.onAny((event) => app.rememberDelivery(event.id));
  const recovery = ours.recoverDeliveries;
  if (recovery && recovery.windowMs > 0) {
    let stopped = false;
    ours.onShutdown?.(() => {
      stopped = true;
      return Promise.resolve();
    });
    setImmediate(() => void recoverDeliveries({ probot, app, options: recovery, stopped: () => stopped }));
  }
  // Deliveries whose installation or repository cannot be named are answered and ignored (./payload-guard.ts).
  const guarded =
    <C extends Context>(handler: (context: C) => Promise<void>) =>
    async (context: C): Promise<void> => {
      const problem = payloadProblem(context.payload, { repository: !context.name.startsWith("installation") });
      if (problem !== null) {
        context.log.warn({ event: context.name, problem }, "agent-gate: delivery ignored: its payload cannot be handled");
        return;
      }
      await handler(context);
    };
  const observed = <C extends Context>(handler: (context: C) => Promise<void>) => observeHandler(app.metrics, guarded(handler));

  probot.on(
    PULL_REQUEST_ACTIONS.map((a) => `pull_request.${a}` as const),
    observed((context) => onPullRequest(app, context as Context<"pull_request">)),
  );
  probot.on(
    REVIEW_ACTIONS.map((a) => `pull_request_review.${a}` as const),
    observed((context) => onPullRequestReview(app, context as Context<"pull_request_review">)),
  );
  probot.on(["check_run.requested_action", "check_run.rerequested"], observed((context) => onCheckRun(app, context)));
  probot.on("pull_request.closed", observed((context) => onPullRequestClosed(app, context)));
  probot.on("check_suite.rerequested", observed((context) => onCheckSuiteRerequested(app, context)));
  probot.on("merge_group.checks_requested", observed((context) => onMergeGroup(app, context)));
  probot.on("push", observed((context) => onPush(app, context)));
  probot.on("installation.created", observed((context) => onInstallationCreated(app, context)));
  probot.on("installation_repositories.added", observed((context) => onInstallationRepositoriesAdded(app, context)));
};

export default agentGate;
