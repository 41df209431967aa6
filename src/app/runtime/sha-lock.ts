/**
 * A lock per repository + head SHA shared by every replica through Redis (docs/app.md, "Serialisation
 * and several replicas").
 *
 * Why: GitHub's check-run update is not conditional (no ETag / If-Match on writes), so two replicas
 * evaluating one SHA at once can interleave read → decide → write and the LATER write can come from the
 * EARLIER read: a stale `success` written after a review withdrew the approval, a second `agent-gate`
 * run on a commit, an Approve click overwritten. The in-process KeyedQueue cannot see other processes.
 *
 * How (the single-instance Redis lock pattern of the Redis docs, "Distributed locks with Redis"):
 * - acquire: `SET lock token NX PX ttl` (token random per lease), retried with a capped, jittered
 *   back-off up to `waitMs` — never an unbounded wait;
 * - renew: every `renewMs` while the job runs, `PEXPIRE` only if the key still holds our token, so a
 *   slow evaluation (throttled writes, retries) keeps the lock but a dead process loses it after `ttlMs`;
 * - release: compare-and-delete in Lua, so a holder whose ttl expired can never delete another's lock;
 * - validity: a lease is trusted locally only until `last confirmed acquire/renew + ttl − drift`;
 *   `assertLeaseHeld()` is called right before the check write and refuses to write past that point.
 *
 * A waiter that gives up must not leave a stale result standing either. It cannot write (it has no
 * lock, and its write could land before the holder's), so it HANDS ITS EVENT TO THE HOLDER: it
 * increments a per-SHA "abandoned" counter; the holder's release is atomic with a look at that counter
 * and, when it moved, the holder keeps the lock and runs its job again (bounded by `maxReruns`), so a
 * read made after the waiter's event decides what stays on the check. See docs/app.md for the limits.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

export interface ShaLockLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ShaLockOptions {
  /** Lock lifetime without renewal (default 30 s): how long a crashed holder can block a SHA. */
  ttlMs?: number;
  /** Renewal period (default ttl / 3, so two renewals can fail before the lock expires). */
  renewMs?: number;
  /** Longest wait for the lock (default 60 s) before the event is handed to the holder. */
  waitMs?: number;
  /** Poll back-off bounds while waiting (default 5 ms doubling to 100 ms, ±50 % jitter). */
  pollMinMs?: number;
  pollMaxMs?: number;
  /** Re-runs of a holder's job for waiters that gave up (default 3). */
  maxReruns?: number;
  /** Prefix of the Redis keys (default "agent-gate:"). */
  prefix?: string;
  log?: ShaLockLog;
  /** Called after each renewal attempt (tests observe renewal without timing guesses). */
  onRenew?: (lease: Lease, held: boolean) => void;
  /** Told when Redis fails and answers again (GET /healthz, src/github/limiter.ts `SharedStateHealth`). */
  health?: { down(what: string, error: unknown): boolean; up(what: string): boolean };
}

const LOCK_HEALTH = "serialisation lock";

export interface Lease {
  readonly key: string;
  readonly token: string;
  /** performance.now() when the lease was acquired. */
  readonly acquiredAt: number;
  /** performance.now() until which the lease is trusted (last confirmed acquire/renew + ttl − drift). */
  validUntil: number;
  /** The abandoned counter this holder has covered so far. */
  abandoned: number;
  /** Set when a renewal found the key gone or held by another token. */
  lost: boolean;
  renewals: number;
}

export class ShaLockTimeoutError extends Error {
  readonly key: string;
  constructor(key: string, waitMs: number) {
    super(
      `agent-gate: another replica held the lock on ${key} for more than ${waitMs} ms, so this replica did not evaluate it ` +
        `(its result could have been stale). The holder was asked to evaluate the commit again; if the check still looks wrong, re-run it.`,
    );
    this.name = "ShaLockTimeoutError";
    this.key = key;
  }
}

export class ShaLockLostError extends Error {
  readonly key: string;
  constructor(key: string, when: string) {
    super(
      `agent-gate: the lock on ${key} expired ${when} (Redis unreachable or the process stalled past its ttl), so another replica ` +
        `may have evaluated the commit at the same time. Re-run the agent-gate check to be sure it shows the current state.`,
    );
    this.name = "ShaLockLostError";
    this.key = key;
  }
}

// KEYS[1] lock, KEYS[2] abandoned counter; ARGV[1] token, ARGV[2] ttl ms.
// Returns the abandoned counter (≥ 0) when acquired, -1 when held by someone else. Reading the counter
// in the same script means every waiter that gave up BEFORE this acquisition is covered by our read.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return tonumber(redis.call('GET', KEYS[2]) or '0')
end
return -1`;

// KEYS[1] lock; ARGV[1] token, ARGV[2] ttl ms. 1 renewed, 0 not ours any more.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

// KEYS[1] lock, KEYS[2] abandoned counter; ARGV[1] token, ARGV[2] counter covered, ARGV[3] "1" = may rerun.
// Returns -1 not ours (expired / taken), -2 released, -3 released although waiters gave up (no rerun
// allowed), n ≥ 0 kept because waiters gave up (n = the new counter to cover).
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local n = tonumber(redis.call('GET', KEYS[2]) or '0')
if n ~= tonumber(ARGV[2]) then
  if ARGV[3] == '1' then return n end
  redis.call('DEL', KEYS[1])
  return -3
end
redis.call('DEL', KEYS[1])
return -2`;

/** The abandoned counter only has to outlive any lease; refreshed on every increment. */
const ABANDONED_TTL_MS = 3_600_000;

/** "uncovered": released, but waiters gave up since the lease's last run (rerun not allowed). */
export type ReleaseOutcome = "released" | "uncovered" | "rerun" | "lost";

const leases = new AsyncLocalStorage<Lease>();

/** Throws ShaLockLostError when called inside a lease that can no longer be trusted; no-op outside any lease. */
export function assertLeaseHeld(): void {
  const lease = leases.getStore();
  if (lease && (lease.lost || performance.now() > lease.validUntil)) throw new ShaLockLostError(lease.key, "before the check was written");
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ShaLock {
  readonly ttlMs: number;
  readonly renewMs: number;
  readonly waitMs: number;
  readonly maxReruns: number;
  readonly #redis: Redis;
  readonly #pollMinMs: number;
  readonly #pollMaxMs: number;
  readonly #prefix: string;
  readonly #log: ShaLockLog | undefined;
  readonly #onRenew: ShaLockOptions["onRenew"];
  readonly #health: ShaLockOptions["health"];

  constructor(redis: Redis, options: ShaLockOptions = {}) {
    this.#redis = redis;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.renewMs = options.renewMs ?? Math.floor(this.ttlMs / 3);
    this.waitMs = options.waitMs ?? 60_000;
    this.maxReruns = options.maxReruns ?? 3;
    this.#pollMinMs = options.pollMinMs ?? 5;
    this.#pollMaxMs = options.pollMaxMs ?? 100;
    this.#prefix = options.prefix ?? "agent-gate:";
    this.#log = options.log;
    this.#onRenew = options.onRenew;
    this.#health = options.health;
    if (!(this.renewMs > 0 && this.renewMs < this.ttlMs)) throw new Error(`ShaLock: renewMs (${this.renewMs}) must be between 0 and ttlMs (${this.ttlMs})`);
  }

  /**
   * One script call, its outcome reported to `health`. A Redis that restarted empty needs nothing set
   * up again: the scripts are sent by EVAL (ioredis caches nothing server-side for them), and a lock
   * key that vanished reads as free (its holder's next renewal finds it gone: ShaLockLostError).
   */
  async #eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown> {
    try {
      const result = await this.#redis.eval(script, keys, ...args);
      this.#health?.up(LOCK_HEALTH);
      return result;
    } catch (error) {
      this.#health?.down(LOCK_HEALTH, error);
      throw error;
    }
  }

  /** Redis keys of a SHA key; the hash tag keeps both in one slot (Redis Cluster runs the scripts). */
  keys(key: string): [lock: string, abandoned: string] {
    return [`${this.#prefix}lock:{${key}}`, `${this.#prefix}abandoned:{${key}}`];
  }

  /** Redlock's clock-drift allowance: 1 % of the ttl plus 2 ms. */
  #validity(sentAt: number): number {
    return sentAt + this.ttlMs - (this.ttlMs * 0.01 + 2);
  }

  /** One attempt, no waiting. */
  async tryAcquire(key: string): Promise<Lease | null> {
    const token = randomBytes(16).toString("hex");
    const sentAt = performance.now();
    const counter = Number(await this.#eval(ACQUIRE, 2, ...this.keys(key), token, this.ttlMs));
    if (counter < 0) return null;
    return { key, token, acquiredAt: sentAt, validUntil: this.#validity(sentAt), abandoned: counter, lost: false, renewals: 0 };
  }

  /**
   * Wait for the lock, polling with a capped jittered back-off, at most `waitMs`. Past that, hand the
   * event to the holder (increment the abandoned counter), try once more, and throw ShaLockTimeoutError.
   */
  async acquire(key: string): Promise<Lease> {
    const deadline = performance.now() + this.waitMs;
    let backoff = this.#pollMinMs;
    for (let attempt = 0; ; attempt++) {
      const lease = await this.tryAcquire(key);
      if (lease) return lease;
      if (attempt === 0) this.#log?.info({ key }, "agent-gate: another replica is evaluating this commit; waiting for its lock");
      const left = deadline - performance.now();
      if (left <= 0) break;
      await sleep(Math.min(backoff * (0.5 + Math.random()), left));
      backoff = Math.min(backoff * 2, this.#pollMaxMs);
    }
    await this.abandon(key);
    // The holder may have released between our last attempt and the increment: then nobody would cover us.
    const lease = await this.tryAcquire(key);
    if (lease) return lease;
    const error = new ShaLockTimeoutError(key, this.waitMs);
    this.#log?.error({ key, err: error }, error.message);
    throw error;
  }

  /** Ask whoever holds the key's lock (now or next) to evaluate again after its current run. */
  async abandon(key: string): Promise<void> {
    const [, abandoned] = this.keys(key);
    await this.#redis.multi().incr(abandoned).pexpire(abandoned, ABANDONED_TTL_MS).exec();
  }

  /** Extend the lease if it is still ours; false once it is not (expired and maybe taken). */
  async renew(lease: Lease): Promise<boolean> {
    const sentAt = performance.now();
    const ok = Number(await this.#eval(RENEW, 1, this.keys(lease.key)[0], lease.token, this.ttlMs)) === 1;
    if (ok) {
      lease.validUntil = this.#validity(sentAt);
      lease.renewals++;
    } else lease.lost = true;
    return ok;
  }

  /**
   * Release only if the key still holds our token. With `allowRerun`, keep the lock and answer "rerun"
   * when a waiter gave up since this lease last covered the counter.
   */
  async release(lease: Lease, allowRerun = false): Promise<ReleaseOutcome> {
    const r = Number(await this.#eval(RELEASE, 2, ...this.keys(lease.key), lease.token, lease.abandoned, allowRerun ? "1" : "0"));
    if (r === -1) {
      lease.lost = true;
      return "lost";
    }
    if (r === -2) return "released";
    if (r === -3) return "uncovered";
    lease.abandoned = r;
    return "rerun";
  }

  /** Renew the lease every `renewMs` until the returned stop function is called. */
  #keepAlive(lease: Lease): () => void {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const tick = () => {
      this.renew(lease).then(
        (held) => {
          this.#onRenew?.(lease, held);
          if (!held) this.#log?.error({ key: lease.key }, "agent-gate: lost the serialisation lock while evaluating (expired)");
          else if (!stopped) schedule();
        },
        (error: unknown) => {
          // Not fatal by itself: the lease stays valid until validUntil, and assertLeaseHeld() checks that.
          this.#log?.warn({ key: lease.key, err: error }, "agent-gate: could not renew the serialisation lock");
          this.#onRenew?.(lease, false);
          if (!stopped) schedule();
        },
      );
    };
    const schedule = () => {
      timer = setTimeout(tick, this.renewMs);
      timer.unref();
    };
    schedule();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  /**
   * Close the Redis connection (at shutdown, after the jobs drained): QUIT lets pending replies arrive;
   * a connection never opened (ioredis `lazyConnect`, status "wait") is just dropped, since QUIT would
   * first connect.
   */
  async close(): Promise<void> {
    if (this.#redis.status === "wait" || this.#redis.status === "end") {
      this.#redis.disconnect();
      return;
    }
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  /**
   * Run `job` holding the SHA's lock (renewed while it runs). When waiters gave up meanwhile, run it
   * again before releasing (at most `maxReruns` times). Throws ShaLockTimeoutError when the lock could
   * not be had (the job did not run) and ShaLockLostError when it expired under the job.
   */
  async run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const lease = await this.acquire(key);
    const stop = this.#keepAlive(lease);
    let done = false;
    try {
      for (let round = 0; ; round++) {
        const result = await leases.run(lease, job);
        const outcome = await this.release(lease, round < this.maxReruns);
        if (outcome === "rerun") {
          this.#log?.info({ key, round: round + 1 }, "agent-gate: a replica gave up waiting for this commit; evaluating it again so its event is covered");
          continue;
        }
        done = true;
        if (outcome === "lost") throw new ShaLockLostError(key, "while the commit was evaluated");
        if (outcome === "uncovered") {
          this.#log?.error({ key, reruns: round }, "agent-gate: replicas kept giving up waiting for this commit; released after the re-run limit, so the check may miss their events — re-run it");
        }
        return result;
      }
    } finally {
      stop();
      if (!done) await this.release(lease).catch(() => undefined);
    }
  }
}

/** Build the lock on its own ioredis connection from REDIS_URL (the one Probot uses for throttling). */
export function createRedisShaLock(url: string, log: ShaLockLog, options: Omit<ShaLockOptions, "log"> = {}): ShaLock {
  const redis = new Redis(url, {
    // A command waits at most this long (incl. reconnecting) and then fails: the event then fails with
    // it (webhook 500) instead of hanging, and the check is left as it was.
    commandTimeout: 5_000,
    maxRetriesPerRequest: 3,
    lazyConnect: true,
  });
  redis.on("error", (err: Error) => log.warn({ err, source: "agent-gate-lock" }, "agent-gate: Redis connection error (serialisation lock)"));
  return new ShaLock(redis, { ...options, log });
}
