/**
 * A local stand-in for smee.io (the webhook proxy Probot documents for local development,
 * WEBHOOK_PROXY_URL): each channel is a Server-Sent-Events stream, and `push` sends one delivery
 * down it as smee.io does — a JSON object with the webhook's headers and `body` — for smee-client in
 * the app to POST to the app's own webhook path. Loopback only.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeSmee {
  /** `http://127.0.0.1:<port>/<channel>`: what WEBHOOK_PROXY_URL is set to. */
  channelUrl(channel: string): string;
  /** Resolves once a client holds the channel's event stream open. */
  connected(channel: string): Promise<void>;
  /** Sends one delivery (headers and JSON body) down the channel's stream. */
  push(channel: string, headers: Record<string, string>, body: unknown): void;
  close(): Promise<void>;
}

export async function startFakeSmee(): Promise<FakeSmee> {
  const streams = new Map<string, ServerResponse>();
  const waiting = new Map<string, (() => void)[]>();
  const server = createServer((req, res) => {
    const channel = (req.url ?? "/").slice(1).split("?")[0]!;
    if (req.method !== "GET" || !(req.headers.accept ?? "").includes("text/event-stream")) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    // smee.io opens each stream with a "ready" event; EventSource is open once the headers arrive.
    res.write("event: ready\ndata: {}\n\n");
    streams.set(channel, res);
    for (const resolve of waiting.get(channel) ?? []) resolve();
    waiting.delete(channel);
    req.on("close", () => {
      if (streams.get(channel) === res) streams.delete(channel);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    channelUrl: (channel) => `http://127.0.0.1:${port}/${channel}`,
    connected: (channel) =>
      streams.has(channel)
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiting.set(channel, [...(waiting.get(channel) ?? []), resolve]);
          }),
    push: (channel, headers, body) => {
      const stream = streams.get(channel);
      if (!stream) throw new Error(`fake smee: no client on channel ${channel}`);
      stream.write(`data: ${JSON.stringify({ ...headers, body })}\n\n`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams.values()) s.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
