/**
 * The app's own HTTP endpoints, mounted on Probot's server through the `addHandler` option Probot 14
 * passes to the app function (`probot/lib/server/server.js`: handlers are tried in order after the
 * webhook middleware and `/ping`; the first that returns true has answered).
 *
 * - `GET /healthz`: liveness. Answers from memory, never calls GitHub, so a GitHub outage does not
 *   make an orchestrator restart healthy replicas (the app already fails closed on API errors).
 *   With REDIS_URL, when the shared state cannot be reached (the write limiter or the serialisation
 *   lock last failed), the body says `degraded` and what failed since when — still 200: the replica
 *   keeps working (local spacing; evaluations that need the lock fail closed and are re-evaluated by
 *   themselves) and restarting it would not bring Redis back (docs/deploy.md "Several replicas").
 * - `GET /metrics`: Prometheus text exposition of this instance's registry (docs/metrics.md).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SharedStateProblem } from "../../github/limiter.js";
import type { AppMetrics } from "./metrics.js";

export const HEALTHZ_PATH = "/healthz";
export const METRICS_PATH = "/metrics";

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** The /healthz body: `ok`, or `degraded` and one line per shared-state problem. */
export function healthBody(problems: readonly SharedStateProblem[]): string {
  if (problems.length === 0) return "ok\n";
  return `degraded: shared state (Redis) unavailable\n${problems.map((p) => `${p.what}: since ${p.since}: ${JSON.stringify(p.error.slice(0, 200))}\n`).join("")}`;
}

export function observabilityHandler(metrics: AppMetrics, health?: { problems(): SharedStateProblem[] }): HttpHandler {
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "").split("?")[0];
    if (path === HEALTHZ_PATH) {
      const problems = health?.problems() ?? [];
      res
        .writeHead(200, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-agent-gate-health": problems.length === 0 ? "ok" : "degraded" })
        .end(req.method === "HEAD" ? undefined : healthBody(problems));
      return true;
    }
    if (path === METRICS_PATH) {
      const { contentType, body } = await metrics.exposition();
      res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : body);
      return true;
    }
    return false;
  };
}
