/**
 * A transparent HTTP proxy between the app and the fake GitHub that can keep a request on the wire
 * until the test lets it go. It makes interleavings deterministic instead of hoped for: the shutdown
 * test holds a check write while it signals the process, the replica-race test holds one replica's
 * write while the other evaluates. Nothing sleeps: every wait is on a request reaching the proxy or
 * being answered, bounded by `withGuard` so a missing one fails instead of hanging.
 *
 * Point the app at it with `startApp(fake, { GHE_HOST: proxy.host })`.
 */
import { createServer, request as httpRequest, Agent, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readAll } from "./recording-proxy.js";

/** Guard against a hang when the expected thing never comes (a failure, not a synchronisation). */
export const GUARD_MS = 15_000;

/** A request to match: its method and path (without the query). */
export type RequestMatch = (method: string, path: string) => boolean;

/** A check-run write: create or update (REST "Create a check run", "Update a check run"). */
export const CHECK_WRITE: RequestMatch = (method, path) => (method === "POST" && path.endsWith("/check-runs")) || (method === "PATCH" && /\/check-runs\/\d+$/.test(path));

/** `p`, or a rejection naming `what` after GUARD_MS. */
export function withGuard<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${GUARD_MS} ms waiting for ${what}`)), GUARD_MS)));
  return Promise.race([p, guard]).finally(() => clearTimeout(timer));
}

export interface Hold {
  /** Resolves when the held request has reached the proxy (and is NOT yet forwarded). */
  arrived: Promise<void>;
  /** Forward it. */
  release(): void;
}

export interface HoldingProxy {
  /** host:port, the value for GHE_HOST. */
  host: string;
  /** Hold the next request matching `match` until `release()`. */
  hold(match: RequestMatch): Hold;
  /** Resolves when the next request matching `match` has been answered by GitHub. */
  answered(match: RequestMatch): Promise<void>;
  close(): Promise<void>;
}

export async function startHoldingProxy(target: { host: string }): Promise<HoldingProxy> {
  const [targetHost, targetPort] = target.host.split(":");
  const agent = new Agent({ keepAlive: true });
  const holds: { match: RequestMatch; arrived: () => void; gate: Promise<void> }[] = [];
  const watchers: { match: RequestMatch; done: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const method = req.method ?? "GET";
    const path = (req.url ?? "").split("?")[0]!;
    const i = holds.findIndex((h) => h.match(method, path));
    const held = i >= 0 ? holds.splice(i, 1)[0] : undefined;
    void readAll(req).then(async (body) => {
      if (held) {
        held.arrived();
        await held.gate;
      }
      const upstream = httpRequest({ host: targetHost, port: Number(targetPort), method, path: req.url, headers: { ...req.headers, host: target.host }, agent }, (answer) => {
        void readAll(answer).then((out) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers).end(out);
          const w = watchers.findIndex((x) => x.match(method, path));
          if (w >= 0) watchers.splice(w, 1)[0]!.done();
        });
      });
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: (match) => {
      let arrived!: () => void;
      let release!: () => void;
      const arrivedP = new Promise<void>((r) => (arrived = r));
      const gate = new Promise<void>((r) => (release = r));
      holds.push({ match, arrived, gate });
      return { arrived: withGuard(arrivedP, "the held request to reach the proxy"), release };
    },
    answered: (match) => withGuard(new Promise<void>((done) => watchers.push({ match, done })), "a request to be answered"),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
