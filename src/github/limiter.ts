/**
 * The request limiters the app's Octokits run with, in place of Bottleneck (issue 8 point 16,
 * docs/deploy.md "Several replicas").
 *
 * @octokit/plugin-throttling takes its limiter groups from the `throttle` options (`global`, `auth`,
 * `search`, `write`, `notifications`; `dist-src/index.js`, `state.write = state.write ?? groups.write`)
 * and only ever calls `group.key(id).schedule(jobOptions, fn, ...args)` on them
 * (`dist-src/wrap-request.js`). So the groups are ours:
 *
 * - `LocalGroup`: per key, at most `maxConcurrent` jobs at once and job starts at least `minTime` apart,
 *   in this process. What Bottleneck did without Redis.
 * - `SharedSpacing` (with REDIS_URL): the same local limits, plus a cross-replica slot per key reserved
 *   in Redis before the job starts, so the replicas' requests of one installation are `minTime` apart
 *   taken together. One Lua script, stateless apart from the key it writes: a Redis that restarts
 *   empty needs nothing set up again (Bottleneck's clustering kept its group settings in Redis and
 *   failed with `SETTINGS_KEY_NOT_FOUND` after such a restart, for good). While Redis cannot be
 *   reached the spacing falls back to this process's own (never a global limiter, never no limit), the
 *   outage is reported (`SharedStateHealth`, GET /healthz), and each later request tries Redis again
 *   after a short pause, so it recovers by itself.
 *
 * Why per key = per installation and `minTime` 1 s for writes: GitHub's guidance "If you are making a
 * large number of POST, PATCH, PUT, or DELETE requests, wait at least one second between each request"
 * (https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api), whose secondary limits
 * count per installation; a process-wide limiter would make every installation wait for the others.
 *
 * What remains Bottleneck inside Probot's own dependencies: plugin-throttling's per-Octokit
 * `retryLimiter` (it schedules the retries after a rate limit) and plugin-retry's per-request limiter,
 * both `bottleneck/light` in memory only — no Redis, nothing to lose on a restart.
 */
import type { Redis } from "ioredis";

/** What plugin-throttling calls on a group (`group.key(id).schedule(options, fn, ...args)`). */
export interface Limiter {
  schedule<A extends unknown[], T>(options: object, fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>;
}
export interface LimiterGroup {
  key(id: string): Limiter;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Keys kept per group at most (installations): the least recently used idle one is dropped. */
export const MAX_LIMITER_KEYS = 10_000;

export interface LocalLimits {
  /** null: no cap. */
  maxConcurrent: number | null;
  /** Milliseconds between job starts (0: none). */
  minTime: number;
}

/** One key's limits in this process: FIFO, `maxConcurrent` at once, starts `minTime` apart. */
export class LocalLimiter implements Limiter {
  readonly #limits: LocalLimits;
  readonly #before: ((id: string) => Promise<void>) | undefined;
  readonly #id: string;
  #running = 0;
  #nextStart = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(id: string, limits: LocalLimits, before?: (id: string) => Promise<void>) {
    this.#id = id;
    this.#limits = limits;
    this.#before = before;
  }

  get idle(): boolean {
    return this.#running === 0 && this.#waiting.length === 0;
  }

  async schedule<A extends unknown[], T>(_options: object, fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T> {
    const { maxConcurrent } = this.#limits;
    if (maxConcurrent !== null && this.#running >= maxConcurrent) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      if (this.#limits.minTime > 0) {
        const now = performance.now();
        const start = Math.max(now, this.#nextStart);
        this.#nextStart = start + this.#limits.minTime;
        if (start > now) await sleep(start - now);
      }
      if (this.#before) await this.#before(this.#id);
      return await fn(...args);
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}

/** A group of LocalLimiters by key (bounded, least recently used dropped when idle). */
export class LocalGroup implements LimiterGroup {
  readonly #limits: LocalLimits;
  readonly #before: ((id: string) => Promise<void>) | undefined;
  readonly #keys = new Map<string, LocalLimiter>();

  constructor(limits: LocalLimits, before?: (id: string) => Promise<void>) {
    this.#limits = limits;
    this.#before = before;
  }

  key(id: string): LocalLimiter {
    let limiter = this.#keys.get(id);
    if (limiter) {
      this.#keys.delete(id);
      this.#keys.set(id, limiter);
      return limiter;
    }
    limiter = new LocalLimiter(id, this.#limits, this.#before);
    this.#keys.set(id, limiter);
    if (this.#keys.size > MAX_LIMITER_KEYS) {
      for (const [k, l] of this.#keys) {
        if (l.idle) {
          this.#keys.delete(k);
          break;
        }
      }
    }
    return limiter;
  }

  get size(): number {
    return this.#keys.size;
  }
}

// KEYS[1] the key's next free slot (ms, Redis clock); ARGV[1] minTime ms. Returns how long to wait.
// Redis' own clock (TIME) orders every replica alike, whatever their clocks say.
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, nxt)
local gap = tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(start + gap), 'PX', math.floor(start - now + gap + 60000))
return start - now`;

/** A reserved slot further out than this is not waited for (a clock jump, a flooded key): start now. */
export const MAX_SHARED_WAIT_MS = 120_000;
/** After a Redis failure, requests use local spacing only for this long before trying Redis again. */
export const SHARED_RETRY_PAUSE_MS = 1_000;

export interface SharedStateProblem {
  /** Which shared state ("write limiter", "serialisation lock"). */
  what: string;
  since: string;
  error: string;
}

/** Whether the shared state in Redis is reachable, as the parts using it last saw it (GET /healthz). */
export class SharedStateHealth {
  readonly #problems = new Map<string, SharedStateProblem>();
  #onChange: ((up: boolean) => void) | undefined;

  onChange(listener: (up: boolean) => void): void {
    this.#onChange = listener;
  }

  down(what: string, error: unknown): boolean {
    const first = !this.#problems.has(what);
    if (first) {
      this.#problems.set(what, { what, since: new Date().toISOString(), error: error instanceof Error ? error.message : String(error) });
      this.#onChange?.(false);
    }
    return first;
  }

  up(what: string): boolean {
    const was = this.#problems.delete(what);
    if (was && this.#problems.size === 0) this.#onChange?.(true);
    return was;
  }

  problems(): SharedStateProblem[] {
    return [...this.#problems.values()];
  }
}

export interface SharedLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * Cross-replica spacing of job starts per key through Redis, with local spacing as the floor and the
 * fallback. `reserve(id)` waits for the key's next shared slot.
 */
export class SharedSpacing {
  readonly #redis: Redis;
  readonly #minTime: number;
  readonly #prefix: string;
  readonly #health: SharedStateHealth;
  readonly #log: SharedLog;
  readonly #what: string;
  #pausedUntil = 0;

  constructor(opts: { redis: Redis; minTime: number; prefix: string; health: SharedStateHealth; log: SharedLog; what: string }) {
    this.#redis = opts.redis;
    this.#minTime = opts.minTime;
    this.#prefix = opts.prefix;
    this.#health = opts.health;
    this.#log = opts.log;
    this.#what = opts.what;
  }

  /** Wait for the key's shared slot; on a Redis failure, return at once (local spacing applies). */
  readonly reserve = async (id: string): Promise<void> => {
    if (performance.now() < this.#pausedUntil) return;
    let wait: number;
    try {
      wait = Number(await this.#redis.eval(RESERVE, 1, `${this.#prefix}${id}`, this.#minTime));
    } catch (error) {
      this.#pausedUntil = performance.now() + SHARED_RETRY_PAUSE_MS;
      if (this.#health.down(this.#what, error)) {
        this.#log.warn({ err: error, source: "agent-gate-limiter" }, `agent-gate: Redis unreachable: the ${this.#what} spaces this replica's requests only, until Redis answers again`);
      }
      return;
    }
    if (this.#health.up(this.#what)) this.#log.info({ source: "agent-gate-limiter" }, `agent-gate: Redis answers again: the ${this.#what} is shared across replicas again`);
    if (wait > 0 && wait <= MAX_SHARED_WAIT_MS) await sleep(wait);
  };

  async close(): Promise<void> {
    if (this.#redis.status === "wait" || this.#redis.status === "end") {
      this.#redis.disconnect();
      return;
    }
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}

/** plugin-throttling's group settings (`dist-src/index.js`, `createGroups`), as ours. */
export const THROTTLE_LIMITS = {
  global: { maxConcurrent: 10, minTime: 0 },
  auth: { maxConcurrent: 1, minTime: 0 },
  search: { maxConcurrent: 1, minTime: 2_000 },
  write: { maxConcurrent: 1, minTime: 1_000 },
  notifications: { maxConcurrent: 1, minTime: 3_000 },
} as const satisfies Record<string, LocalLimits>;

export type ThrottleGroups = Record<keyof typeof THROTTLE_LIMITS, LimiterGroup>;

/**
 * The five groups for plugin-throttling. With `shared`, the write and notification groups (the
 * spaced, mutative ones) also reserve their slot across replicas. `noWait`: the same groups without
 * any spacing or cap (tests, benchmarks).
 */
export function throttleGroups(opts: { noWait?: boolean; shared?: { write: SharedSpacing; notifications: SharedSpacing } | null } = {}): ThrottleGroups {
  if (opts.noWait) {
    const free = { maxConcurrent: null, minTime: 0 };
    return { global: new LocalGroup(free), auth: new LocalGroup(free), search: new LocalGroup(free), write: new LocalGroup(free), notifications: new LocalGroup(free) };
  }
  return {
    global: new LocalGroup(THROTTLE_LIMITS.global),
    auth: new LocalGroup(THROTTLE_LIMITS.auth),
    search: new LocalGroup(THROTTLE_LIMITS.search),
    write: new LocalGroup(THROTTLE_LIMITS.write, opts.shared?.write.reserve),
    notifications: new LocalGroup(THROTTLE_LIMITS.notifications, opts.shared?.notifications.reserve),
  };
}

export interface SharedLimiters {
  write: SharedSpacing;
  notifications: SharedSpacing;
  close(): Promise<void>;
}

/**
 * The shared spacing of writes and notifications over one ioredis connection of their own. Commands
 * are not queued while disconnected (`enableOfflineQueue: false`) and time out after 1 s: a request
 * never waits on a dead Redis longer than that, it falls back to local spacing at once.
 */
export async function createSharedLimiters(url: string, health: SharedStateHealth, log: SharedLog): Promise<SharedLimiters> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, { commandTimeout: 1_000, maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: false });
  // ioredis reconnects by itself (its default retryStrategy); errors are reported through `health`.
  redis.on("error", () => undefined);
  const write = new SharedSpacing({ redis, minTime: THROTTLE_LIMITS.write.minTime, prefix: "agent-gate:space:write:", health, log, what: "write limiter" });
  const notifications = new SharedSpacing({ redis, minTime: THROTTLE_LIMITS.notifications.minTime, prefix: "agent-gate:space:notifications:", health, log, what: "write limiter" });
  return { write, notifications, close: () => write.close() };
}
