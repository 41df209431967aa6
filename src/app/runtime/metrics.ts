/**
 * Prometheus metrics of one app instance (SPEC §6: decisions by conclusion, webhook handling latency,
 * GitHub requests by kind, errors). Every instance has its OWN `prom-client` Registry, never the
 * library's global default one: two apps in one process (tests, `probot run` with several apps) must
 * not collide on metric names ("A metric with the name … has already been registered").
 * Names and labels are documented in docs/metrics.md; test/e2e/observability.test.ts scrapes them.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { requestKind, type GitHub, type RequestKind } from "../../github/client.js";

export const CONCLUSIONS = ["success", "failure", "neutral", "action_required"] as const;

/**
 * `agent_gate_errors_total{kind}`:
 * - `webhook_handler`: a webhook handler threw (Probot answers 500; GitHub shows the delivery as failed);
 * - `github_request`: a GitHub request failed for good (after plugin-retry / plugin-throttling): a
 *   network error, a 5xx, 401, 403 or 429 — not 304/404/409/422, which are answers the app expects
 *   (unchanged file, missing policy, label already there);
 * - `unverified_decision`: a decision failed closed because something could not be read (SPEC §4).
 */
export const ERROR_KINDS = ["webhook_handler", "github_request", "unverified_decision"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Webhook handling takes a fraction of a second; GitHub gives up after 10 s and Probot answers 202 after 9 s. */
const WEBHOOK_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 9, 10, 30];

/** What a decision contributes to the metrics (a subset of the audit line). */
export interface DecisionObservation {
  conclusion: string;
  agents: string[];
  unverified: string[];
}

export class AppMetrics {
  readonly registry = new Registry();
  private readonly decisions: Counter<"conclusion">;
  private readonly agentPulls: Counter<"agent">;
  private readonly webhookDuration: Histogram<"event">;
  private readonly requests: Counter<"kind" | "status">;
  private readonly rateLimitRemaining: Gauge<"installation" | "resource">;
  private readonly errors: Counter<"kind">;
  private readonly retries: Counter<"outcome">;
  private sharedStateUp: Gauge | null = null;
  private readonly instrumented = new WeakSet<object>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.decisions = new Counter({
      name: "agent_gate_decisions_total",
      help: "Decisions made (one per pull request evaluated), by the pull request's conclusion.",
      labelNames: ["conclusion"],
      registers,
    });
    this.agentPulls = new Counter({
      name: "agent_gate_agent_pull_requests_total",
      help: "Decisions of agent-authored pull requests, by detected agent id (a PR with two agents counts for both).",
      labelNames: ["agent"],
      registers,
    });
    this.webhookDuration = new Histogram({
      name: "agent_gate_webhook_duration_seconds",
      help: "Time to handle one webhook delivery, by event and action (e.g. pull_request.opened).",
      labelNames: ["event"],
      buckets: [...WEBHOOK_BUCKETS],
      registers,
    });
    this.requests = new Counter({
      name: "agent_gate_github_requests_total",
      help: "GitHub API requests, by kind (rest, graphql, conditional) and final HTTP status (error: no response).",
      labelNames: ["kind", "status"],
      registers,
    });
    this.rateLimitRemaining = new Gauge({
      name: "agent_gate_github_rate_limit_remaining",
      help: "x-ratelimit-remaining of the latest GitHub response, by installation and rate-limit resource (core, graphql, …).",
      labelNames: ["installation", "resource"],
      registers,
    });
    this.errors = new Counter({
      name: "agent_gate_errors_total",
      help: "Errors, by kind: webhook_handler, github_request, unverified_decision.",
      labelNames: ["kind"],
      registers,
    });
    this.retries = new Counter({
      name: "agent_gate_evaluation_retries_total",
      help: "Automatic re-evaluations after a transient GitHub fault, by outcome: scheduled, gave_up (attempts used up; the check says so).",
      labelNames: ["outcome"],
      registers,
    });
    for (const o of ["scheduled", "gave_up"]) this.retries.labels(o).inc(0);
    // Series that exist from the start read 0 instead of being absent, so rate() and alerts work at once.
    for (const c of CONCLUSIONS) this.decisions.labels(c).inc(0);
    for (const k of ERROR_KINDS) this.errors.labels(k).inc(0);
  }

  observeDecision(d: DecisionObservation): void {
    this.decisions.labels(d.conclusion).inc();
    for (const agent of new Set(d.agents)) this.agentPulls.labels(agent).inc();
    if (d.unverified.length > 0) this.errors.labels("unverified_decision").inc();
  }

  /** `agent_gate_shared_state_up`: 1 while Redis answers (always without REDIS_URL), 0 during an outage. */
  watchSharedState(health: { onChange(listener: (up: boolean) => void): void }, used: boolean): void {
    if (this.sharedStateUp) return;
    const gauge = new Gauge({
      name: "agent_gate_shared_state_up",
      help: "1 while the shared write limiter and serialisation lock reach Redis (always 1 without REDIS_URL), 0 while they do not (GET /healthz says degraded).",
      registers: [this.registry],
    });
    gauge.set(1);
    if (used) health.onChange((up) => gauge.set(up ? 1 : 0));
    this.sharedStateUp = gauge;
  }

  observeRetry(outcome: "scheduled" | "gave_up"): void {
    this.retries.labels(outcome).inc();
  }

  observeWebhook(event: string, seconds: number): void {
    this.webhookDuration.labels(event).observe(seconds);
  }

  error(kind: ErrorKind): void {
    this.errors.labels(kind).inc();
  }

  /**
   * Count every request of one event's Octokit and read its rate-limit headers. The hooks are the
   * outermost ones (added after the plugins'), so a request retried by plugin-retry/throttling counts
   * once, with its final status. Idempotent per Octokit instance.
   */
  instrument(octokit: GitHub, installation: string): void {
    if (this.instrumented.has(octokit)) return;
    this.instrumented.add(octokit);
    octokit.hook.after("request", (response, options) => {
      const kind = requestKind(options);
      if (!kind) return;
      this.countRequest(kind, String(response.status), response.headers, installation);
    });
    octokit.hook.error("request", (error, options) => {
      const kind = requestKind(options);
      if (kind) {
        const e = error as { status?: unknown; response?: { headers?: Record<string, unknown> } };
        const status = typeof e.status === "number" ? e.status : null;
        this.countRequest(kind, status === null ? "error" : String(status), e.response?.headers ?? {}, installation);
        if (status === null || status >= 500 || status === 401 || status === 403 || status === 429) this.error("github_request");
      }
      throw error;
    });
  }

  private countRequest(kind: RequestKind, status: string, headers: Record<string, unknown>, installation: string): void {
    this.requests.labels(kind, status).inc();
    const remaining = Number(headers["x-ratelimit-remaining"]);
    if (headers["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining)) {
      // GitHub names the quota the request counted against (core, graphql, search, …) in x-ratelimit-resource.
      const resource = typeof headers["x-ratelimit-resource"] === "string" ? headers["x-ratelimit-resource"] : kind === "graphql" ? "graphql" : "core";
      this.rateLimitRemaining.labels(installation, resource).set(remaining);
    }
  }

  /** The Prometheus text exposition (format 0.0.4) and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** The part of Probot's `Context` the instrumentation reads. */
interface ObservedContext {
  name: string;
  payload: unknown;
  octokit: GitHub;
}

/**
 * Wrap a webhook handler: its latency by `event.action`, its GitHub requests, and a thrown error
 * (Probot then answers 500) as `errors_total{kind="webhook_handler"}`.
 */
export function observeHandler<C extends ObservedContext>(metrics: AppMetrics, handler: (context: C) => Promise<void>): (context: C) => Promise<void> {
  return async (context) => {
    const started = performance.now();
    const payload = (context.payload ?? {}) as { action?: unknown; installation?: { id?: unknown } };
    const event = typeof payload.action === "string" ? `${context.name}.${payload.action}` : context.name;
    const installationId = payload.installation?.id;
    metrics.instrument(context.octokit, typeof installationId === "number" ? String(installationId) : "none");
    try {
      await handler(context);
    } catch (error) {
      metrics.error("webhook_handler");
      throw error;
    } finally {
      metrics.observeWebhook(event, (performance.now() - started) / 1000);
    }
  };
}
