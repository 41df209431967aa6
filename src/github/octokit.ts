/**
 * The Octokit class the app runs with: Probot's own (`ProbotOctokit`: plugin-retry, plugin-throttling,
 * pagination, REST methods) with six changes.
 *
 * 1. One write limiter PER INSTALLATION. What Probot 14.3.2 does as shipped:
 *    - `@octokit/plugin-throttling` 11.0.5 (`dist-src/index.js`, `createGroups`) keeps its Bottleneck groups
 *      (`global`, `write`, `search`, `notifications`) in a MODULE-LEVEL `groups` object shared by every
 *      Octokit instance of the process, and keys each group by `throttle.id`, which defaults to "no-id".
 *      `dist-src/wrap-request.js` sends every non-GET request AND every GraphQL request through
 *      `state.write.key(state.id)` (`maxConcurrent: 1, minTime: 1000`).
 *    - Webhook handlers get their Octokit from `octokit-auth-probot` (`dist-src/auth.js`, type
 *      "event-octokit"), which builds it from the app Octokit's options with only `auth.installationId`
 *      added: no `throttle.id`. (Only `app.auth(id)` — `probot/lib/octokit/get-authenticated-octokit.js`
 *      — sets `throttle.id = String(installationId)`; the webhook path does not.)
 *    So as shipped, every webhook request that writes or uses GraphQL, across ALL installations of the
 *    process, queues behind one limiter: ≥ 1 s apart process-wide. GitHub's secondary-limit guidance
 *    ("wait at least one second between each request" for mutative requests) is per user/installation,
 *    so the key must be the installation: the class below sets `throttle.id = "installation-<id>"`.
 * 2. Secondary rate limits are retried (Probot's `getOctokitThrottleOptions` only logs them), at most
 *    `MAX_RATE_LIMIT_RETRIES` times, so a burst costs a delay, not a lost check.
 * 3. Requests go through `httpFetch` (./http-fetch.ts: a thin adapter over undici's `request()`) instead
 *    of Node's built-in fetch, which cost ≈ 0.5 ms more CPU per request (scripts/bench-app.js).
 * 4. Under test (`AGENT_GATE_TEST_NO_THROTTLE=1`, set by test/helpers/app-process.ts) nothing sleeps, but
 *    every retry still happens (fault tests count them): plugin-retry with a zero back-off, and
 *    plugin-throttling kept on (it is what retries 403 secondary limits) with zero retry-after and
 *    limiter groups without `minTime`.
 * 7. The limiter groups are ours (./limiter.ts), not Bottleneck's: with REDIS_URL, Bottleneck's
 *    clustering failed for good with SETTINGS_KEY_NOT_FOUND once Redis restarted empty.
 * 5. Success answers are decoded with `JSON.parse` inside Probot's own auth strategy's hook, not with
 *    `@octokit/request`'s json-with-bigint parser (≈ 9× slower on Node 20): ./json-bodies.ts.
 * 6. The Octokit Probot builds for each webhook delivery is built once per installation and reused
 *    (`reuseEventOctokits` below).
 *
 * And GraphQL QUERIES are not spaced 1 s apart (`withUnspacedQueries` below). plugin-throttling sends
 * every GraphQL request, queries too, through the `write` group (`isWrite || isGraphQL`), which would
 * cap one busy installation at ≈ 0.5 evaluations/s (one query + one check write each). GitHub asks for
 * the pause between MUTATIVE requests only: "If you are making a large number of POST, PATCH, PUT, or
 * DELETE requests, wait at least one second between each request"
 * (https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api, "Pause between mutative
 * requests"). The reader sends queries only; REST writes (and any GraphQL mutation) keep the spacing.
 */
import { createProbotAuth } from "octokit-auth-probot";
import { ProbotOctokit } from "probot";
import { countingOctokit, type GitHub, type RequestCounts } from "./client.js";
import { httpFetch } from "./http-fetch.js";
import { withNativeJson, type AuthStrategy } from "./json-bodies.js";
import { LocalGroup, throttleGroups, type SharedLimiters } from "./limiter.js";

export type { AuthStrategy as AuthStrategyForTests };

/** Retries after a primary or secondary rate limit before the request fails (and the check fails closed). */
export const MAX_RATE_LIMIT_RETRIES = 2;

/** True when retries and throttling must not wait (tests, benchmarks). */
export function noWaitMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.AGENT_GATE_TEST_NO_THROTTLE === "1";
}

interface RateLimitOptions {
  method: string;
  url: string;
  request: { retryCount: number };
}
interface LoggingOctokit {
  log: { warn: (msg: string) => void };
}

function onLimit(kind: string) {
  return (retryAfter: number, options: RateLimitOptions, octokit: LoggingOctokit): boolean => {
    const retry = options.request.retryCount < MAX_RATE_LIMIT_RETRIES;
    octokit.log.warn(
      `${kind} rate limit on ${options.method} ${options.url}: ` +
        (retry ? `retrying in ${retryAfter} s (retry ${options.request.retryCount + 1} of ${MAX_RATE_LIMIT_RETRIES})` : "giving up"),
    );
    return retry;
  };
}

type InstanceOptions = Record<string, unknown> & {
  authStrategy?: AuthStrategy;
  auth?: { installationId?: number | string } & Record<string, unknown>;
  throttle?: Record<string, unknown>;
  retry?: Record<string, unknown>;
  request?: Record<string, unknown>;
};

/**
 * Event Octokits kept per app Octokit (so per Probot app), at most this many installations each. An
 * Octokit with its plugins' state is ≈ 35 kB of heap: 1,000 of them (with the query Octokits below)
 * made the app hold ≈ 130 kB of RSS per installation seen (SPEC §8: ≤ 50 kB, flat past the caches;
 * `npm run bench`, section `memory`). An installation beyond the 100 most recent rebuilds its Octokit
 * on its next delivery (≈ 0.7 ms of CPU).
 */
export const MAX_EVENT_OCTOKITS = 100;

interface EventAuthOptions {
  type?: string;
  event?: { name?: string; payload?: { installation?: { id?: number } } };
}

/**
 * `strategy`, with the Octokit Probot builds for each webhook delivery reused per installation.
 *
 * Probot's webhook transform asks the app Octokit's auth for `{ type: "event-octokit", event }` on every
 * delivery, relevant or not; octokit-auth-probot (`dist-node/index.js`, `auth`) answers with a NEW
 * Octokit each time — a fresh auth-app + oauth-app auth state, the REST method tree, plugin-throttling's
 * per-instance retry limiter — ≈ 0.7 ms of CPU per delivery (`npm run bench`, section `app`). The
 * Octokits of one installation are built from the same options and share the app's token cache
 * (tokens are looked up and renewed per request by @octokit/auth-app), so the first one is kept, in a
 * least-recently-used map bounded by MAX_EVENT_OCTOKITS, and answers that installation's later
 * deliveries. What is per evaluation is not on the Octokit: request counts ride in each evaluation's
 * own view of it (`countingOctokit`, src/github/client.ts), metrics hooks are installed once per
 * instance (src/app/runtime/metrics.ts).
 * Deliveries without an installation and `installation` events (Probot answers those with an
 * unauthenticated Octokit when the app was uninstalled or suspended) still get Probot's own answer.
 */
export function reuseEventOctokits<S extends AuthStrategy>(strategy: S, max = MAX_EVENT_OCTOKITS): S {
  return ((options: never) => {
    const auth = strategy(options);
    let lru: Map<number, Promise<unknown>> | null = null; // only the app Octokit's auth is ever asked
    const wrapped = (...args: unknown[]): Promise<unknown> => {
      const o = args[0] as EventAuthOptions | undefined;
      const id = o?.type === "event-octokit" && o.event?.name !== "installation" ? o.event?.payload?.installation?.id : undefined;
      if (typeof id !== "number") return auth(...args);
      lru ??= new Map();
      const hit = lru.get(id);
      if (hit) {
        lru.delete(id); // most recently used last
        lru.set(id, hit);
        return hit;
      }
      const made = auth(...args);
      lru.set(id, made);
      if (lru.size > max) lru.delete(lru.keys().next().value!);
      made.catch(() => {
        if (lru?.get(id) === made) lru.delete(id); // a failed build is not kept: the next delivery retries
      });
      return made;
    };
    return Object.assign(wrapped, auth);
  }) as S;
}

/**
 * Probot's own auth strategy (what `ProbotOctokit` sets), with event Octokits reused per installation
 * and answers decoded with JSON.parse (./json-bodies.ts).
 */
const probotAuth = withNativeJson(reuseEventOctokits(createProbotAuth as unknown as AuthStrategy));

/**
 * Build the Octokit class; `env` is read once, when the class is made. Its limiter groups are ours
 * (./limiter.ts), made once here and shared by every Octokit of the class; with `shared` (REDIS_URL),
 * writes are also spaced across replicas.
 */
export function createAppOctokit(env: NodeJS.ProcessEnv = process.env, shared: SharedLimiters | null = null): typeof ProbotOctokit {
  const noWait = noWaitMode(env);
  const groups = throttleGroups({ noWait, shared });
  const noWaitRetries = noWait ? { retryAfterBaseValue: 0, fallbackSecondaryRateRetryAfter: 0 } : {};
  return ProbotOctokit.defaults<typeof ProbotOctokit>((instanceOptions: InstanceOptions) => {
    const installationId = instanceOptions.auth?.installationId;
    const throttle = {
      // Our groups instead of plugin-throttling's module-level Bottleneck ones; a group the instance
      // options already name (the query Octokits' unspaced `write`) wins.
      ...groups,
      ...instanceOptions.throttle,
      onRateLimit: onLimit("Primary"),
      onSecondaryRateLimit: onLimit("Secondary"),
      ...(installationId !== undefined ? { id: `installation-${installationId}` } : {}),
      // Never Bottleneck's clustering (no `connection`).
      connection: undefined,
      ...noWaitRetries,
    };
    const retry = noWait ? { ...instanceOptions.retry, retryAfterBaseValue: 0 } : instanceOptions.retry;
    const request = { fetch: httpFetch, ...instanceOptions.request };
    // A strategy the caller chose (Probot's unauthenticated Octokits for uninstalled apps and for
    // deliveries without an installation) is kept; only its answers are decoded with JSON.parse.
    const authStrategy = instanceOptions.authStrategy ? withNativeJson(instanceOptions.authStrategy) : probotAuth;
    return { ...instanceOptions, authStrategy, throttle, request, ...(retry ? { retry } : {}) };
  });
}

/** Installation Octokits for GraphQL queries, per app Octokit (so per Probot app), at most this many each (see MAX_EVENT_OCTOKITS). */
export const MAX_QUERY_OCTOKITS = 100;

/**
 * The query Octokits (`withUnspacedQueries`) and their `write` group: explicit state, owned by the
 * app instance (AppState) and passed in. The group has no spacing and no concurrency cap of its own;
 * it is a local group even with REDIS_URL: it imposes nothing to share across replicas, while
 * plugin-throttling's clustered groups still apply to queries (`global`: at most 10 concurrent
 * requests per installation). The Octokits are kept per app Octokit (WeakMap: they go with it), in a
 * least-recently-used map of at most `max` installations each.
 */
export class QueryOctokits {
  readonly group = new LocalGroup({ maxConcurrent: null, minTime: 0 });
  private readonly byApp = new WeakMap<object, Map<number, GitHub>>();

  constructor(private readonly max = MAX_QUERY_OCTOKITS) {}

  /** The installation's query Octokit, built by `build` on first use; most recently used last. */
  get(appOctokit: object, installationId: number, build: () => GitHub): GitHub {
    let lru = this.byApp.get(appOctokit);
    if (!lru) this.byApp.set(appOctokit, (lru = new Map<number, GitHub>()));
    const hit = lru.get(installationId);
    if (hit) {
      lru.delete(installationId);
      lru.set(installationId, hit);
      return hit;
    }
    const made = build();
    lru.set(installationId, made);
    if (lru.size > this.max) lru.delete(lru.keys().next().value!);
    return made;
  }
}

interface FactoryOptions {
  // Optional: @octokit/auth-app calls the factory with whatever its caller passed.
  octokit?: GitHub;
  octokitOptions: InstanceOptions & { log?: unknown };
  installationId?: number;
}

/**
 * The installation's Octokit for GraphQL queries, built once per installation with Probot's own
 * machinery — the auth strategy's installation `factory`, as `app.auth(installationId)` does
 * (`probot/lib/octokit/get-authenticated-octokit.js`): same class, options, token cache (shared with
 * every other Octokit of the app, refreshed by @octokit/auth-app), retries and rate-limit handling —
 * with a `write` group without `minTime`. Kept in a bounded LRU. Null when `gh` is not an installation
 * Octokit of a GitHub App (token auth, unauthenticated).
 */
async function queryOctokitFor(queries: QueryOctokits, gh: GitHub, onCreate: (octokit: GitHub, installationId: number) => void): Promise<GitHub | null> {
  const auth = gh.auth as (options: Record<string, unknown>) => Promise<unknown>;
  const result = await auth({
    type: "installation",
    factory: ({ octokit, octokitOptions, installationId }: FactoryOptions): GitHub | null => {
      if (!octokit || !installationId) return null;
      return queries.get(octokit, installationId, () => {
        const Octokit = octokit.constructor as new (options: Record<string, unknown>) => GitHub;
        const made = new Octokit({
          ...octokitOptions,
          throttle: { ...octokitOptions.throttle, write: queries.group },
          auth: { ...octokitOptions.auth, installationId },
        });
        onCreate(made, installationId);
        return made;
      });
    },
  });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- `result` is what the factory above returned: an instance of octokit.constructor
  return result && typeof (result as Partial<GitHub>).graphql === "function" ? (result as GitHub) : null;
}

const MUTATION = /^\s*mutation\b/;

/**
 * `gh` (Probot's per-event Octokit) for the reads of one evaluation: everything as `gh`, except that
 * GraphQL queries go through the installation's query Octokit, not spaced 1 s apart (see the module
 * comment). Each query counts in `counter` (the evaluation's counts: `countingOctokit` in
 * src/github/client.ts, which concurrent evaluations of the installation each have their own of).
 * A mutation still goes through `gh`.
 * `queries` keeps the query Octokits (the app's, in AppState); `onCreate` sees each query Octokit once,
 * when it is built (e.g. to instrument it for metrics).
 */
export async function withUnspacedQueries(
  queries: QueryOctokits,
  gh: GitHub,
  counter: RequestCounts,
  onCreate: (octokit: GitHub, installationId: number) => void = () => {},
): Promise<GitHub> {
  const shared = await queryOctokitFor(queries, gh, onCreate);
  if (!shared) return gh;
  const counted = countingOctokit(shared, counter).graphql;
  const graphql = Object.assign(
    (query: string | { query: string }, parameters?: Record<string, unknown>) =>
      MUTATION.test(typeof query === "string" ? query : query.query) ? gh.graphql(query as string, parameters) : counted(query as string, parameters),
    { defaults: counted.defaults, endpoint: counted.endpoint },
  );
  return Object.create(gh, { graphql: { value: graphql } }) as GitHub;
}
