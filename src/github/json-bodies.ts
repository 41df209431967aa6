/**
 * GitHub's JSON answers decoded with the platform's `JSON.parse`, not `@octokit/request`'s parser.
 *
 * Why: `@octokit/request` ≥ 10.0.8 (`dist-bundle/index.js`, `getResponseData`) parses every answer
 * with `json-with-bigint`'s `JSONParse` to keep integers past 2^53 exact. Its fast path needs
 * `JSON.parse` with source text access (Node ≥ 21); on Node 20 it first rewrites the whole text with
 * a regular expression, then parses it with a reviver called for every value: ≈ 9× the cost of
 * `JSON.parse` (0.67 vs 0.07 ms for a 10 kB answer), ≈ 1 ms of app CPU per webhook on a 100-file PR
 * — the largest single cost of an evaluation (`npm run bench`, section `app`). Node 24 does not
 * make it go away: measured again on Node 24.21 for a 12 kB GraphQL answer (100 files, 20 commits),
 * `JSON.parse` 0.17 ms vs json-with-bigint 1.19 ms (7×, +1 ms per answer; on Node 20.20 0.23 vs
 * 1.53 ms), so this decoding stays. GitHub's REST and
 * GraphQL numbers are ids, counts and sizes well below 2^53, which `JSON.parse` reads exactly.
 *
 * How, with Octokit's own switches only: `request.parseSuccessResponseBody: false` (documented in
 * @octokit/request: the success body is handed over unread) and an auth strategy whose `hook` is
 * wrapped. The auth hook is the innermost `request` hook (`@octokit/core` registers it before any
 * plugin), so plugin-retry and plugin-throttling — which look into GraphQL answers for
 * `RATE_LIMITED` and "Something went wrong" errors — still see the decoded `data`. With the app's own
 * fetch adapter the bytes are taken from its answer (no body stream is built). Decoding follows
 * `getResponseData` case by case: JSON types parsed (unparsable JSON stays text), `text/*` and
 * `charset=utf-8` as text, anything else as an ArrayBuffer; no body is `""`. Error answers (≥ 400,
 * 304) are still decoded by `@octokit/request` itself: they are rare and small.
 */
import { parse as parseContentType } from "content-type";
import { FetchResponse } from "./http-fetch.js";

interface Response {
  status: number;
  url: string;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}
type RequestOptions = Record<string, unknown> & { request?: Record<string, unknown> };
/** `@octokit/request`'s `request` as an auth hook receives it: callable, with `endpoint` and `defaults`. */
type RequestFn = ((route: string | RequestOptions, parameters?: RequestOptions) => Promise<Response>) & { endpoint: unknown; defaults: unknown };
type AuthHook = (request: RequestFn, route: string | RequestOptions, parameters?: RequestOptions) => Promise<Response>;
type Auth = ((...args: unknown[]) => Promise<unknown>) & { hook: AuthHook };
export type AuthStrategy = (options: never) => Auth;

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return chunks.length === 1 ? Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength) : Buffer.concat(chunks);
}

/** What `@octokit/request`'s `getResponseData` would have made of this success body. */
export async function decodeBody(headers: Response["headers"], body: unknown): Promise<unknown> {
  if (body === null || body === undefined) return ""; // no body (the adapter's `body` is null when empty)
  if (!(body instanceof ReadableStream)) return body; // 204/205/HEAD: `fetchWrapper` already answered ""
  return decodeBytes(headers, await readAll(body as ReadableStream<Uint8Array>));
}

function decodeBytes(headers: Response["headers"], bytes: Buffer): unknown {
  const contentType = headers["content-type"];
  if (contentType === undefined || contentType === "") return bytes.toString("utf8");
  const mime = parseContentType(String(contentType));
  if (mime.type === "application/json" || mime.type === "application/scim+json") {
    const text = bytes.toString("utf8");
    if (text === "") return "";
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  if (mime.type.startsWith("text/") || (mime.parameters.charset?.toLowerCase() === "utf-8" && mime.type !== "application/octet-stream")) return bytes.toString("utf8");
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

type Fetch = (url: string, init: unknown) => Promise<unknown>;

/**
 * `options` with the success body left unread, and, when the fetch is the app's own adapter
 * (./http-fetch.ts), a fetch that keeps its answer: `@octokit/request` then gets a copy without a body
 * stream and the bytes are decoded here directly (a web stream per answer costs ≈ 0.1 ms for nothing).
 */
function unparsed(options: RequestOptions | undefined, keep: (answer: FetchResponse) => void): RequestOptions {
  const fetch = options?.request?.fetch as Fetch | undefined;
  const keeping: Fetch | undefined = fetch && (async (url, init) => {
    const answer = await fetch(url, init);
    if (!(answer instanceof FetchResponse)) return answer;
    keep(answer);
    return answer.withoutBodyStream();
  });
  return { ...options, request: { ...options?.request, parseSuccessResponseBody: false, ...(keeping ? { fetch: keeping } : {}) } };
}

/** `request`, with success bodies decoded here (unless the caller asked for the raw body itself). */
function withNativeJsonRequest(request: RequestFn): RequestFn {
  const send = async (route: string | RequestOptions, parameters?: RequestOptions): Promise<Response> => {
    const options = typeof route === "string" ? parameters : route;
    if (options?.request?.parseSuccessResponseBody === false) return request(route, parameters);
    let kept: FetchResponse | undefined;
    const keep = (answer: FetchResponse) => void (kept = answer);
    const response = typeof route === "string" ? await request(route, unparsed(parameters, keep)) : await request(unparsed(route, keep), parameters);
    // 204/205/HEAD: `fetchWrapper` answered "" without looking at the body.
    if (typeof response.data === "string") return response;
    const data = kept ? (kept.bytes.length === 0 ? "" : decodeBytes(response.headers, kept.bytes)) : await decodeBody(response.headers, response.data);
    return { ...response, data };
  };
  return Object.assign(send, { endpoint: request.endpoint, defaults: request.defaults });
}

/** `strategy` whose hook decodes success bodies with `JSON.parse` (see the module comment). */
export function withNativeJson<S extends AuthStrategy>(strategy: S): S {
  return ((options: never) => {
    const auth = strategy(options);
    const wrapped = (...args: unknown[]) => auth(...args);
    return Object.assign(wrapped, auth, {
      hook: (request: RequestFn, route: string | RequestOptions, parameters?: RequestOptions) => auth.hook(withNativeJsonRequest(request), route, parameters),
    });
  }) as S;
}
