/**
 * The app's own HTTP endpoints, mounted on Probot's server through the `addHandler` option Probot 14
 * passes to the app function (`probot/lib/server/server.js`: handlers are tried in order after the
 * webhook middleware and `/ping`; the first that returns true has answered).
 *
 * - `GET /healthz`: liveness. Answers from memory, never calls GitHub, so a GitHub outage does not
 *   make an orchestrator restart healthy replicas (the app already fails closed on API errors).
 * - `GET /metrics`: Prometheus text exposition of this instance's registry (docs/metrics.md).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppMetrics } from "./metrics.js";

export const HEALTHZ_PATH = "/healthz";
export const METRICS_PATH = "/metrics";

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export function observabilityHandler(metrics: AppMetrics): HttpHandler {
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "").split("?")[0];
    if (path === HEALTHZ_PATH) {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : "ok\n");
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
