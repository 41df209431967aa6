/**
 * The Octokit the app's GitHub I/O takes (Probot's context.octokit), and the request counts of one
 * piece of work for the audit log and the request budget (SPEC §6, §8).
 */
import type { ProbotOctokit } from "probot";

export type GitHub = InstanceType<typeof ProbotOctokit>;

export interface RequestCounts {
  rest: number;
  graphql: number;
  /** REST requests with If-None-Match / If-Modified-Since (a 304 costs no rate limit on GitHub). */
  conditional: number;
}

/**
 * The counts of one piece of work: a class, so Octokit's deep merge of request options keeps it by
 * reference. Whether a request of that work failed transiently is its own (private: not in the counts
 * an audit line spreads).
 */
class RequestCounter implements RequestCounts {
  rest = 0;
  graphql = 0;
  conditional = 0;
  #transientFailure = false;

  static noteTransientFailure(counts: RequestCounts): void {
    if (counts instanceof RequestCounter) counts.#transientFailure = true;
  }

  static sawTransientFailure(counts: RequestCounts): boolean {
    return counts instanceof RequestCounter && counts.#transientFailure;
  }
}

export function newRequestCounts(): RequestCounts {
  return new RequestCounter();
}

/** Where a view's counts ride along in a request's options (`options.request`, which Octokit passes to every hook). */
const COUNTS = "agentGateCounts";
/** On a counting view: the Octokit it is a view of. */
const BASE = Symbol("agent-gate counting base");
/** On an Octokit: its requests are counted (the hooks are installed, once). */
const COUNTED = Symbol("agent-gate counted");
type Marked = GitHub & { [BASE]?: GitHub; [COUNTED]?: true };

type Params = Record<string, unknown> & { request?: Record<string, unknown> };
type Method = ((params?: Params) => Promise<unknown>) & { endpoint?: unknown };

/**
 * A view of `octokit` whose requests count in `counts`: once per logical request (plugin-retry's
 * retries happen inside it), by a `before` hook on `request` installed once per Octokit that reads
 * the counts the view put in the request's options. An installation's events share one Octokit
 * (src/github/octokit.ts), so counts belong to the view, not the instance: evaluations running at once
 * on the same Octokit each count their own requests. `request`, `graphql` and every `rest` method
 * (what `paginate` is given) count; a view of a view counts only in the newer counts.
 */
export function countingOctokit(octokit: GitHub, counts: RequestCounts): GitHub {
  // Own properties only, as identity tables would: an object merely inheriting from a view is no view.
  const base = Object.hasOwn(octokit, BASE) ? (octokit as Marked)[BASE]! : octokit;
  if (!Object.hasOwn(base, COUNTED)) {
    Object.defineProperty(base, COUNTED, { value: true });
    base.hook.before("request", (options) => {
      const live = (options.request as Record<string, unknown> | undefined)?.[COUNTS];
      if (!(live instanceof RequestCounter)) return;
      const kind = requestKind(options);
      if (kind) live[kind] += 1;
    });
    // Outermost error hook: sees a request's final failure, after plugin-retry / plugin-throttling.
    base.hook.error("request", (error, options) => {
      const live = (options.request as Record<string, unknown> | undefined)?.[COUNTS];
      if (live instanceof RequestCounter && isTransientFailure(error)) RequestCounter.noteTransientFailure(live);
      throw error;
    });
  }
  const tag = (params?: Params): Params => ({ ...params, request: { ...params?.request, [COUNTS]: counts } });
  const baseRequest = base.request as unknown as (route: unknown, params?: Params) => Promise<unknown>;
  const request = Object.assign((route: string | Params, params?: Params) => (typeof route === "string" ? baseRequest(route, tag(params)) : baseRequest(tag(route))), {
    endpoint: base.request.endpoint,
    defaults: base.request.defaults,
  });
  const scopes = new Map<PropertyKey, unknown>();
  const rest = new Proxy(base.rest, {
    get(target, scope) {
      const methods: unknown = (target as unknown as Record<PropertyKey, unknown>)[scope];
      if (methods === null || typeof methods !== "object") return methods;
      let view = scopes.get(scope);
      if (view === undefined) {
        const wrapped = new Map<PropertyKey, Method>();
        view = new Proxy(methods as Record<PropertyKey, unknown>, {
          get(m, name) {
            const method = m[name];
            if (typeof method !== "function") return method;
            let w = wrapped.get(name);
            if (w === undefined) {
              const call = method as Method;
              w = Object.assign((params?: Params) => call(tag(params)), { endpoint: call.endpoint });
              wrapped.set(name, w);
            }
            return w;
          },
        });
        scopes.set(scope, view);
      }
      return view;
    },
  });
  const baseGraphql = base.graphql as unknown as (query: string | Params, params?: Params) => Promise<unknown>;
  // @octokit/graphql passes `request` through as request options, never as a query variable.
  // A GraphQL answer of 200 with `errors` is thrown by @octokit/graphql after the request resolved, so
  // the request hook never sees it as a failure: it is noted here.
  const noteGraphql = (work: Promise<unknown>) =>
    work.catch((error: unknown) => {
      if (isTransientFailure(error)) RequestCounter.noteTransientFailure(counts);
      throw error;
    });
  const graphql = Object.assign((query: string | Params, params?: Params) => noteGraphql(typeof query === "string" ? baseGraphql(query, tag(params)) : baseGraphql(tag(query))), {
    endpoint: base.graphql.endpoint,
    defaults: base.graphql.defaults,
  });
  return Object.create(base, { request: { value: request }, graphql: { value: graphql }, rest: { value: rest }, [BASE]: { value: base } }) as GitHub;
}

/**
 * Whether a request of the work counted in `counts` failed for good (after Octokit's retries) in a
 * way that may pass by itself: then what the work could not read is worth reading again later
 * (src/app/flows/retry.ts). Answers the app expects (404 missing file, 304, 422) are not such failures.
 */
export function sawTransientFailure(counts: RequestCounts): boolean {
  return RequestCounter.sawTransientFailure(counts);
}

/** GraphQL error types that say something about the data, not about GitHub's health. */
const LASTING_GRAPHQL_ERRORS: ReadonlySet<string> = new Set(["NOT_FOUND", "FORBIDDEN", "INSUFFICIENT_SCOPES"]);

/**
 * A failure that may pass by itself: no answer (reset, timeout), 5xx, 408, 429, a 403 that is a
 * primary or secondary rate limit, or a GraphQL answer with errors other than NOT_FOUND / FORBIDDEN
 * (GitHub's "Something went wrong while executing your query", RATE_LIMITED, timeouts).
 */
export function isTransientFailure(error: unknown): boolean {
  if (!error || typeof error !== "object") return true;
  const e = error as { name?: string; status?: unknown; message?: unknown; errors?: ({ type?: unknown } | null)[]; response?: { headers?: Record<string, unknown> } };
  if (e.name === "GraphqlResponseError" && Array.isArray(e.errors)) {
    return e.errors.some((x) => typeof x?.type !== "string" || !LASTING_GRAPHQL_ERRORS.has(x.type));
  }
  const status = typeof e.status === "number" ? e.status : null;
  if (status === null || status >= 500 || status === 408 || status === 429) return true;
  if (status === 403) {
    const headers = e.response?.headers ?? {};
    return headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined || (typeof e.message === "string" && /rate limit/i.test(e.message));
  }
  return false;
}

export type RequestKind = keyof RequestCounts;

/** How a request counts (the audit's `githubRequests`, the metrics' `kind`); null when it is not API quota. */
export function requestKind(options: { url?: unknown; headers?: unknown }): RequestKind | null {
  const url = String(options.url);
  // Installation-token minting is the auth strategy's own request (JWT, cached ~1 h), not API quota.
  if (/\/app\/installations\/[^/]+\/access_tokens$/.test(url)) return null;
  const headers = (options.headers ?? {}) as Record<string, unknown>;
  if (url.endsWith("/graphql")) return "graphql";
  if (headers["if-none-match"] !== undefined || headers["if-modified-since"] !== undefined) return "conditional";
  return "rest";
}

/** A short description of a failed request, for `facts.unverified` (never a token or a header). */
export function describeError(error: unknown): string {
  if (error && typeof error === "object") {
    const e = error as { status?: number; message?: string; errors?: { message?: string }[] };
    const status = typeof e.status === "number" ? `HTTP ${e.status}` : null;
    const message = e.errors?.map((x) => x.message).filter(Boolean).join("; ") || e.message || "unknown error";
    return status ? `${status}: ${message}` : message;
  }
  return String(error);
}
