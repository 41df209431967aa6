/**
 * A transparent HTTP proxy between the app and the fake GitHub that records what only the wire shows:
 * when each request arrived (wall clock, ms), which credential it carried, and the installation tokens
 * GitHub (the fake) minted in its answers. The observability tests use it to know every secret the
 * app handled (JWTs, installation tokens) and the Redis test to tell two replicas' requests apart (each
 * replica mints its own token) and to measure their spacing.
 *
 * Point the app at it with `startApp(fake, { GHE_HOST: proxy.host })`.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedRequest {
  /** Date.now() when the request's headers arrived at the proxy. */
  at: number;
  method: string;
  /** Path with query, as the app sent it (e.g. /api/v3/repos/acme/r/check-runs, /api/graphql). */
  path: string;
  /** The Authorization header's credential (after "token"/"Bearer"), or null. */
  credential: string | null;
  status: number;
}

export interface RecordingProxy {
  /** host:port, the value for GHE_HOST. */
  host: string;
  requests: ProxiedRequest[];
  /** Every credential the app sent in an Authorization header (JWTs and installation tokens). */
  credentials(): string[];
  /** Every installation token minted through the proxy (`token` of access_tokens answers). */
  mintedTokens: string[];
  close(): Promise<void>;
}

/** The whole body of a request or answer. */
export function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

export async function startRecordingProxy(target: { host: string }): Promise<RecordingProxy> {
  const [targetHost, targetPort] = target.host.split(":");
  const agent = new Agent({ keepAlive: true });
  const requests: ProxiedRequest[] = [];
  const mintedTokens: string[] = [];
  const server: Server = createServer((req, res) => {
    const at = Date.now();
    const auth = /^\s*\w+\s+(\S+)/.exec(req.headers.authorization ?? "");
    void readAll(req).then((body) => {
      const headers = { ...req.headers, host: target.host };
      const upstream = httpRequest({ host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers, agent }, (answer) => {
        void readAll(answer).then((out) => {
          const status = answer.statusCode ?? 0;
          requests.push({ at, method: req.method ?? "GET", path: req.url ?? "", credential: auth?.[1] ?? null, status });
          if ((req.url ?? "").endsWith("/access_tokens") && status === 201) {
            const token = (JSON.parse(out.toString("utf8")) as { token?: unknown }).token;
            if (typeof token === "string") mintedTokens.push(token);
          }
          res.writeHead(status, answer.headers).end(out);
        });
      });
      upstream.on("error", () => {
        // The fake destroyed the socket (fault injection `reset`): do the same to the app.
        requests.push({ at, method: req.method ?? "GET", path: req.url ?? "", credential: auth?.[1] ?? null, status: 0 });
        res.destroy();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    mintedTokens,
    credentials: () => [...new Set(requests.flatMap((r) => (r.credential ? [r.credential] : [])))],
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
