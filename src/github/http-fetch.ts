/**
 * A `fetch` for Octokit (`request.fetch`) on `node:http`/`node:https` with keep-alive agents.
 *
 * Why: profiling the app under webhook load (scripts/bench-app.js) showed Node's built-in fetch
 * (undici's WHATWG implementation: web streams, transferable bodies, a request/response object graph
 * per call) costing ≈ 2 ms of CPU per GitHub request — more than deciding the PR. Octokit only needs
 * the small part of the Fetch API that `@octokit/request` (`dist-bundle/index.js`, `fetchWrapper` and
 * `getResponseData`) reads: `status`, `statusText`, `url`, iterable `headers` with `get()`, `text()`,
 * `arrayBuffer()`, and `body` when `parseSuccessResponseBody` is off. The response body is buffered
 * (GitHub API answers are small JSON documents).
 *
 * Fetch semantics kept: redirects are followed (at most 20, `redirect: "manual"` returns the 3xx,
 * `"error"` rejects), a 303 — or a 301/302 answer to a POST — becomes a GET without body, and the
 * `authorization` header is dropped on a cross-origin redirect (Fetch standard, "HTTP-redirect fetch");
 * gzip/deflate/br answers are decoded; an abort rejects with an `AbortError`, a network failure with
 * `TypeError("fetch failed", { cause })` like undici, which `fetchWrapper` turns into a status-500
 * `RequestError` that plugin-retry retries.
 */
import http from "node:http";
import https from "node:https";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

/** Undici's default headers/body timeout: a hung connection must not hold an evaluation forever. */
const SOCKET_TIMEOUT_MS = 300_000;
const MAX_REDIRECTS = 20;

const agents = {
  "http:": new http.Agent({ keepAlive: true, scheduling: "lifo" }),
  "https:": new https.Agent({ keepAlive: true, scheduling: "lifo" }),
};

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | null;
  redirect?: "follow" | "manual" | "error";
  signal?: AbortSignal | null;
}

export interface FetchResponse {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly ok: boolean;
  readonly redirected: boolean;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

class BufferedResponse implements FetchResponse {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    readonly headers: Headers,
    readonly redirected: boolean,
    private readonly buffer: Buffer,
  ) {}
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get body(): ReadableStream<Uint8Array> | null {
    return this.buffer.length === 0 ? null : new Blob([this.buffer]).stream();
  }
  text(): Promise<string> {
    return Promise.resolve(this.buffer.toString("utf8"));
  }
  json(): Promise<unknown> {
    return this.text().then((t) => JSON.parse(t) as unknown);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.buffer;
    return Promise.resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  const e = new Error("This operation was aborted", { cause: reason });
  e.name = "AbortError";
  return e;
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return gunzipSync(body);
    case "deflate":
      return inflateSync(body);
    case "br":
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

interface Raw {
  status: number;
  statusText: string;
  headers: Headers;
  body: Buffer;
}

function once(url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | null | undefined, signal: AbortSignal | null | undefined): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === "https:" ? https : http;
    const agent = url.protocol === "https:" ? agents["https:"] : agents["http:"];
    const outgoing: Record<string, string> = { "accept-encoding": "gzip, deflate, br", ...headers };
    if (body != null) outgoing["content-length"] = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
    const req = mod.request(url, { method, headers: outgoing, agent, timeout: SOCKET_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (e) => reject(new TypeError("fetch failed", { cause: e })));
      res.on("end", () => {
        const h = new Headers();
        const raw = res.rawHeaders;
        for (let i = 0; i < raw.length; i += 2) h.append(raw[i]!, raw[i + 1]!);
        let buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        try {
          buf = decode(buf, res.headers["content-encoding"]);
        } catch (e) {
          reject(new TypeError("fetch failed", { cause: e }));
          return;
        }
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", headers: h, body: buf });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url.origin} within ${SOCKET_TIMEOUT_MS} ms`)));
    req.on("error", (e) => reject(signal?.aborted ? abortError(signal) : new TypeError("fetch failed", { cause: e })));
    if (signal) {
      if (signal.aborted) {
        req.destroy();
        reject(abortError(signal));
        return;
      }
      signal.addEventListener("abort", () => req.destroy(abortError(signal)), { once: true });
    }
    req.end(body ?? undefined);
  });
}

/** `fetch(url, init)` for `@octokit/request` (see the module comment for what is and is not kept). */
export async function httpFetch(input: string | URL, init: FetchInit = {}): Promise<FetchResponse> {
  let url = new URL(input);
  let method = (init.method ?? "GET").toUpperCase();
  let headers = { ...init.headers };
  let body = init.body;
  for (let redirects = 0; ; redirects++) {
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError("fetch failed", { cause: new Error(`unsupported protocol ${url.protocol}`) });
    const res = await once(url, method, headers, body, init.signal);
    const location = res.headers.get("location");
    if (![301, 302, 303, 307, 308].includes(res.status) || location === null || init.redirect === "manual") {
      return new BufferedResponse(res.status, res.statusText, url.href, res.headers, redirects > 0, res.body);
    }
    if (init.redirect === "error") throw new TypeError("fetch failed", { cause: new Error(`unexpected redirect to ${location}`) });
    if (redirects >= MAX_REDIRECTS) throw new TypeError("fetch failed", { cause: new Error("redirect count exceeded") });
    const next = new URL(location, url);
    if ((res.status === 303 && method !== "GET" && method !== "HEAD") || ((res.status === 301 || res.status === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-(type|length|encoding|language|location)$/i.test(k)));
    }
    if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== "authorization"));
    url = next;
  }
}
