/**
 * Fault injection: make the next N matching requests fail the way GitHub fails (5xx, a primary or
 * secondary rate limit, or a dropped connection), to test retries and fail-closed behaviour.
 */

export interface FaultSpec {
  /** HTTP method, e.g. "GET" (REST only). */
  method?: string;
  /** OpenAPI path template, e.g. "/repos/{owner}/{repo}/pulls/{pull_number}". */
  route?: string;
  operationId?: string;
  /** true: any GraphQL request; a string: GraphQL requests with that operation name. */
  graphql?: boolean | string;
  /**
   * Only requests about this repository ("owner/name"): REST by its `{owner}`/`{repo}` path
   * parameters, GraphQL by its `owner`/`name` variables. Lets a test's fault not be taken by
   * another test's work still in flight in the same app.
   */
  repo?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Status to answer (default 500). */
  status?: number;
  /** GitHub's secondary rate limit: 403 with its message and `retry-after`. */
  secondaryRateLimit?: boolean;
  /** GitHub's primary rate limit: 403 with `x-ratelimit-remaining: 0`. */
  rateLimit?: boolean;
  /** Seconds for `retry-after` (secondary limit; default 1). */
  retryAfter?: number;
  /** Destroy the connection instead of answering (the client sees ECONNRESET / "socket hang up"). */
  reset?: boolean;
  /** Custom JSON body. */
  body?: unknown;
}

export interface Fault extends FaultSpec {
  /** Requests failed so far. */
  hits: number;
  remaining: number;
}

export interface FaultTarget {
  method: string;
  route: string | null;
  operationId: string | null;
  graphqlOperation: string | null;
  isGraphql: boolean;
  /** "owner/name" the request is about, when it says (see FaultSpec.repo). */
  repo?: string | null;
}

export type FaultAction =
  | { kind: "reset" }
  | { kind: "respond"; status: number; headers: Record<string, string>; body: unknown };

/** Random faults: each matching request fails with probability `rate`, in one of GitHub's ways. */
export interface RandomFaultSpec {
  rate: number;
  /** Seed of the PRNG (mulberry32), so a run's sequence of faults is reproducible given its order of requests. */
  seed: number;
  /** Requests never to fail (e.g. the access-token route). */
  skip?: (t: FaultTarget) => boolean;
}

/** mulberry32: a small seeded PRNG, good enough for test schedules. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The ways a random fault fails: GitHub's 5xx, its rate limits, a reset, and (GraphQL) 200 with errors. */
const RANDOM_KINDS: FaultSpec[] = [
  { status: 500 },
  { status: 502 },
  { secondaryRateLimit: true, retryAfter: 1 },
  { status: 429 },
  { reset: true },
];
const GRAPHQL_ERROR_BODY = {
  data: null,
  errors: [{ message: "Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug." }],
};

export class Faults {
  private faults: Fault[] = [];
  private randomSpec: (RandomFaultSpec & { next: () => number }) | null = null;
  /** Requests failed by `random` so far. */
  randomHits = 0;

  /** From now on fail each request with probability `spec.rate` (until `clear` or `random(null)`). */
  random(spec: RandomFaultSpec | null): void {
    this.randomSpec = spec ? { ...spec, next: seededRandom(spec.seed) } : null;
  }

  inject(spec: FaultSpec): Fault {
    if (spec.graphql === undefined && !spec.method && !spec.route && !spec.operationId) {
      throw new Error("fake-github: a fault needs a match: method, route, operationId or graphql");
    }
    const fault: Fault = { ...spec, hits: 0, remaining: spec.times ?? 1 };
    this.faults.push(fault);
    return fault;
  }

  pending(): Fault[] {
    return this.faults.filter((f) => f.remaining > 0);
  }

  clear(): void {
    this.faults = [];
    this.randomSpec = null;
  }

  /** Consumes a matching fault, if any, and says what to do instead of answering. */
  take(t: FaultTarget): FaultAction | null {
    const found = this.faults.find((x) => x.remaining > 0 && matches(x, t));
    let f: Fault | undefined = found;
    const r = this.randomSpec;
    if (!f && r && !r.skip?.(t) && r.next() < r.rate) {
      this.randomHits++;
      const kinds = t.isGraphql ? RANDOM_KINDS.length + 1 : RANDOM_KINDS.length;
      const pick = Math.floor(r.next() * kinds);
      const spec = pick < RANDOM_KINDS.length ? RANDOM_KINDS[pick]! : { status: 200, body: GRAPHQL_ERROR_BODY };
      f = { ...spec, hits: 0, remaining: 1 };
    }
    if (!f) return null;
    f.remaining--;
    f.hits++;
    if (f.reset) return { kind: "reset" };
    if (f.secondaryRateLimit) {
      return {
        kind: "respond",
        status: f.status ?? 403,
        headers: { "retry-after": String(f.retryAfter ?? 1) },
        body: f.body ?? {
          message:
            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
          documentation_url: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits",
          status: String(f.status ?? 403),
        },
      };
    }
    if (f.rateLimit) {
      const reset = Math.floor(Date.now() / 1000) + (f.retryAfter ?? 1);
      return {
        kind: "respond",
        status: f.status ?? 403,
        headers: { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-used": "5000", "x-ratelimit-reset": String(reset) },
        body: f.body ?? {
          message: "API rate limit exceeded for installation.",
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
          status: String(f.status ?? 403),
        },
      };
    }
    const status = f.status ?? 500;
    return {
      kind: "respond",
      status,
      headers: {},
      body: f.body ?? { message: status >= 500 ? "Server Error" : "Injected fault", status: String(status) },
    };
  }
}

function matches(f: Fault, t: FaultTarget): boolean {
  if (f.repo !== undefined && f.repo.toLowerCase() !== (t.repo ?? "").toLowerCase()) return false;
  if (f.graphql !== undefined) {
    if (!t.isGraphql) return false;
    if (typeof f.graphql === "string" && f.graphql !== t.graphqlOperation) return false;
    return true;
  }
  if (t.isGraphql) return false;
  if (f.method && f.method.toUpperCase() !== t.method) return false;
  if (f.route && f.route !== t.route) return false;
  if (f.operationId && f.operationId !== t.operationId) return false;
  return true;
}
