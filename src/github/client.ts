/**
 * The Octokit the app's GitHub I/O takes (Probot's context.octokit), and a per-instance request
 * counter for the audit log and the request budget (SPEC §6, §8).
 */
import type { ProbotOctokit } from "probot";

export type GitHub = InstanceType<typeof ProbotOctokit>;

export interface RequestCounts {
  rest: number;
  graphql: number;
  /** REST requests with If-None-Match / If-Modified-Since (a 304 costs no rate limit on GitHub). */
  conditional: number;
}

const counters = new WeakMap<object, RequestCounts>();

/**
 * The live request counts of one Octokit instance (Probot builds one per webhook event), counted once
 * per logical request by hooks on `request` (retries of plugin-retry happen inside it).
 */
export function requestCounter(octokit: GitHub): RequestCounts {
  let counts = counters.get(octokit);
  if (counts) return counts;
  const live: RequestCounts = { rest: 0, graphql: 0, conditional: 0 };
  counts = live;
  counters.set(octokit, live);
  octokit.hook.before("request", (options) => {
    const kind = requestKind(options);
    if (kind) live[kind] += 1;
  });
  return live;
}

export type RequestKind = keyof RequestCounts;

/** How a request counts (the audit's `githubRequests`, the metrics' `kind`); null when it is not API quota. */
export function requestKind(options: { url?: unknown; headers?: unknown }): RequestKind | null {
  const url = String(options.url);
  // Installation-token minting is the auth strategy's own request (JWT, cached ~1 h), not API quota.
  if (/\/app\/installations\/[^/]+\/access_tokens$/.test(url)) return null;
  const headers = (options.headers ?? {}) as Record<string, unknown>;
  if (/\/graphql$/.test(url)) return "graphql";
  if (headers["if-none-match"] !== undefined || headers["if-modified-since"] !== undefined) return "conditional";
  return "rest";
}

export function countsSince(now: RequestCounts, before: RequestCounts): RequestCounts {
  return { rest: now.rest - before.rest, graphql: now.graphql - before.graphql, conditional: now.conditional - before.conditional };
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
