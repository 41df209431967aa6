/**
 * Octokit's `request.fetch`: a thin adapter over the `undici` package's `request()` API (no HTTP code
 * of our own: connections, keep-alive, timeouts and redirects are undici's).
 *
 * Why not `fetch`: Node's built-in fetch — undici's WHATWG implementation, with its web streams and
 * Request/Response object graph per call — cost ≈ 1.5 ms of app CPU per GitHub request under webhook
 * load (scripts/bench-app.js), more than deciding the PR. `request()` is undici's low-level API on the
 * same connection pool. `@octokit/request` (`dist-bundle/index.js`, `fetchWrapper`, `getResponseData`)
 * reads only `status`, `url`, `statusText`, iterable `headers` with `get()`, `text()`, `arrayBuffer()`,
 * and `body` when `parseSuccessResponseBody` is off: that is what the adapter answers with.
 *
 * - Redirects: undici's own redirect interceptor (at most 20; a 303, or a 301/302 to a POST, becomes a
 *   GET without body; `authorization` is dropped on a cross-origin hop). `redirect: "manual"` returns
 *   the 3xx, `redirect: "error"` rejects on one.
 * - No compression: requests say `accept-encoding: identity`, so GitHub's small JSON answers come
 *   uncompressed and there is no decoding step (a coded answer anyway is a failure, not garbage).
 * - Errors as `@octokit/request` expects from fetch: an abort rejects with an `AbortError` (Octokit
 *   passes it through), anything else with `TypeError("fetch failed", { cause })`, which `fetchWrapper`
 *   turns into a status-500 `RequestError` that plugin-retry retries.
 * - The body is read whole before answering (GitHub API answers are small JSON documents), so a
 *   connection is never held by an answer Octokit does not read (204, HEAD).
 */
import { Agent, interceptors, request, type Dispatcher } from "undici";

/** Undici's own defaults (300 s), stated: a hung connection must not hold an evaluation forever. */
const TIMEOUT_MS = 300_000;

const agent = new Agent({ headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
const following = agent.compose(interceptors.redirect({ maxRedirections: 20 }));

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | null;
  redirect?: "follow" | "manual" | "error";
  signal?: AbortSignal | null;
}

type RawHeaders = Dispatcher.ResponseData["headers"];

/** The read-only part of the Fetch API's `Headers` that Octokit uses, over undici's header object. */
class ResponseHeaders {
  constructor(private readonly raw: RawHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  }
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const [k, v] of Object.entries(this.raw)) if (v !== undefined) yield [k, Array.isArray(v) ? v.join(", ") : v];
  }
}

export class FetchResponse {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    readonly headers: ResponseHeaders,
    readonly redirected: boolean,
    /** The whole body, as read. */
    readonly bytes: Buffer,
    /** False for a copy whose `body` is null (./json-bodies.ts decodes `bytes` itself, without a stream). */
    private readonly streamBody = true,
  ) {}
  /** This answer with `body` null: for a reader that takes `bytes` directly. */
  withoutBodyStream(): FetchResponse {
    return new FetchResponse(this.status, this.statusText, this.url, this.headers, this.redirected, this.bytes, false);
  }
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get body(): ReadableStream<Uint8Array> | null {
    const bytes = this.bytes;
    if (bytes.length === 0 || !this.streamBody) return null;
    return new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        controller.close();
      },
    });
  }
  text(): Promise<string> {
    return Promise.resolve(this.bytes.toString("utf8"));
  }
  json(): Promise<unknown> {
    return this.text().then((t) => JSON.parse(t) as unknown);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.bytes;
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

const fetchFailed = (cause: unknown) => new TypeError("fetch failed", { cause });

/** `fetch(url, init)` for `@octokit/request` (see the module comment for what is and is not kept). */
export async function httpFetch(input: string | URL, init: FetchInit = {}): Promise<FetchResponse> {
  const signal = init.signal ?? undefined;
  const follow = init.redirect !== "manual" && init.redirect !== "error";
  let res: Dispatcher.ResponseData;
  let bytes: Buffer;
  try {
    res = await request(input, {
      dispatcher: follow ? following : agent,
      method: (init.method ?? "GET").toUpperCase(),
      headers: { ...init.headers, "accept-encoding": "identity" },
      body: init.body ?? null,
      signal,
    });
    const read = await res.body.bytes();
    bytes = Buffer.from(read.buffer, read.byteOffset, read.byteLength);
  } catch (error) {
    throw signal?.aborted ? abortError(signal) : fetchFailed(error);
  }
  const headers = new ResponseHeaders(res.headers);
  const coding = headers.get("content-encoding");
  if (coding !== null && coding.trim().toLowerCase() !== "identity") throw fetchFailed(new Error(`the answer is ${coding}-coded though the request asked for identity`));
  if (init.redirect === "error" && res.statusCode >= 300 && res.statusCode < 400 && headers.get("location") !== null) {
    throw fetchFailed(new Error(`unexpected redirect to ${headers.get("location")}`));
  }
  // The redirect interceptor records every URL it requested, the last one being the answer's.
  const history = (res.context as { history?: URL[] } | undefined)?.history ?? [];
  const url = history.length > 0 ? history[history.length - 1]!.href : String(input);
  return new FetchResponse(res.statusCode, res.statusText, url, headers, history.length > 1, bytes);
}
