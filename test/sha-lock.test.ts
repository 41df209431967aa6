/**
 * The cross-replica lock per repository + SHA (src/app/runtime/sha-lock.ts), against a REAL redis-server
 * (test/helpers/redis-server.ts): mutual exclusion across connections, token-safe release, bounded
 * waiting that hands the event to the holder, renewal past the ttl, refusal to write once the lease is
 * lost, and the KeyedQueue guard with its follow-up outside the lock.
 *
 * Interleavings are driven by promises and by Redis itself (a job waits on another lock's outcome or on
 * a renewal callback), never by sleeping. The only clock the tests read is the bound itself: "gave up
 * after at least waitMs".
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { KeyedQueue } from "../src/app/runtime/keyed-queue.js";
import { assertLeaseHeld, ShaLock, ShaLockLostError, ShaLockTimeoutError, type Lease, type ShaLockLog, type ShaLockOptions } from "../src/app/runtime/sha-lock.js";
import { redisServerAvailable, startRedisServer, type RedisServer } from "./helpers/redis-server.js";

/** False (one loud notice) only where no redis-server can be had; under CI it must run. */
const hasRedis = redisServerAvailable("test/sha-lock.test.ts");

let redis: RedisServer;
const clients: Redis[] = [];
let admin: Redis;
let keyCounter = 0;

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedisServer();
  admin = connect();
}, 30_000);

/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis?.stop();
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

function connect(): Redis {
  const c = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  clients.push(c);
  return c;
}

interface Logged {
  level: string;
  msg: string;
}

/** A lock on its own connection (one per simulated replica), with its log captured. */
function replica(options: ShaLockOptions = {}): { lock: ShaLock; logs: Logged[] } {
  const logs: Logged[] = [];
  const log: ShaLockLog = {
    info: (_o, msg) => logs.push({ level: "info", msg }),
    warn: (_o, msg) => logs.push({ level: "warn", msg }),
    error: (_o, msg) => logs.push({ level: "error", msg }),
  };
  return { lock: new ShaLock(connect(), { log, ...options }), logs };
}

const newKey = () => `acme/repo@${String(++keyCounter).padStart(40, "0")}`;

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe.skipIf(!hasRedis)("ShaLock against a real redis-server", () => {
  test("mutual exclusion: two replicas' jobs on one SHA never overlap; other SHAs are not blocked", async () => {
    const [a, b] = [replica(), replica()];
    const key = newKey();
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    const job = (i: number) => async () => {
      inside++;
      most = Math.max(most, inside);
      // Two Redis round trips inside the critical section give the other replica every chance to enter.
      await admin.incr("probe");
      await admin.incr("probe");
      order.push(i);
      inside--;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).lock.run(key, job(i))));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(1);
    expect(order.sort((x, y) => x - y)).toEqual(results);
    expect(await admin.exists(a.lock.keys(key)[0])).toBe(0);
    // Contention was real: some runs had to wait, and said so.
    expect([...a.logs, ...b.logs].some((l) => l.msg.includes("waiting for its lock"))).toBe(true);

    // A held lock on one SHA does not block another SHA.
    const held = deferred();
    const holding = a.lock.run(key, () => held.promise);
    await expect(b.lock.run(newKey(), () => Promise.resolve("other sha"))).resolves.toBe("other sha");
    held.resolve();
    await holding;
  });

  test("token-safe release: a holder whose lock expired can neither release nor renew the next holder's lock", async () => {
    const [a, b] = [replica(), replica()];
    const key = newKey();
    const [lockKey] = a.lock.keys(key);
    const first = await a.lock.tryAcquire(key);
    expect(first).not.toBeNull();
    expect(await b.lock.tryAcquire(key)).toBeNull();
    // What the ttl's expiry does to the key, without waiting for it.
    await admin.del(lockKey);
    const second = await b.lock.tryAcquire(key);
    expect(second).not.toBeNull();
    expect(second!.token).not.toBe(first!.token);

    expect(await a.lock.release(first!)).toBe("lost");
    expect(first!.lost).toBe(true);
    expect(await a.lock.renew(first!)).toBe(false);
    expect(await admin.get(lockKey)).toBe(second!.token);
    expect(await admin.pttl(lockKey)).toBeGreaterThan(0);

    expect(await b.lock.release(second!)).toBe("released");
    expect(await admin.exists(lockKey)).toBe(0);
  });

  test("bounded wait: a waiter gives up after waitMs, hands its event to the holder, and the holder's release says rerun", async () => {
    const [a, b] = [replica(), replica({ waitMs: 150 })];
    const key = newKey();
    const lease = (await a.lock.tryAcquire(key))!;
    const started = performance.now();
    const ran: string[] = [];
    await expect(b.lock.run(key, () => Promise.resolve(ran.push("waiter")))).rejects.toBeInstanceOf(ShaLockTimeoutError);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(5_000);
    expect(ran).toEqual([]);
    expect(await admin.get(a.lock.keys(key)[1])).toBe("1");
    expect(b.logs.map((l) => l.level)).toEqual(["info", "error"]);

    // The holder may not just leave: the waiter's event is not covered by its read.
    expect(await a.lock.release(lease, true)).toBe("rerun");
    expect(lease.abandoned).toBe(1);
    expect(await admin.exists(a.lock.keys(key)[0])).toBe(1);
    expect(await a.lock.release(lease, true)).toBe("released");
    // Without a rerun allowed, the release says the counter moved but frees the key.
    const again = (await a.lock.tryAcquire(key))!;
    expect(again.abandoned).toBe(1);
    await a.lock.abandon(key);
    expect(await a.lock.release(again, false)).toBe("uncovered");
    expect(await admin.exists(a.lock.keys(key)[0])).toBe(0);
  });

  test("run() evaluates again for a waiter that gave up meanwhile, then releases", async () => {
    const [a, b] = [replica(), replica({ waitMs: 100 })];
    const key = newKey();
    let rounds = 0;
    const result = await a.lock.run(key, async () => {
      rounds++;
      // In the first round another replica's event arrives, waits and gives up while we hold the lock.
      if (rounds === 1) await expect(b.lock.run(key, () => Promise.resolve("never"))).rejects.toBeInstanceOf(ShaLockTimeoutError);
      return rounds;
    });
    expect(result).toBe(2);
    expect(a.logs.some((l) => l.msg.includes("evaluating it again"))).toBe(true);
    expect(await admin.exists(a.lock.keys(key)[0])).toBe(0);
  });

  test("the re-runs are bounded: past maxReruns the holder releases and logs an error", async () => {
    const [a, b] = [replica({ maxReruns: 1 }), replica({ waitMs: 50 })];
    const key = newKey();
    let rounds = 0;
    await a.lock.run(key, async () => {
      rounds++;
      await expect(b.lock.run(key, () => Promise.resolve())).rejects.toBeInstanceOf(ShaLockTimeoutError);
    });
    expect(rounds).toBe(2);
    expect(a.logs.filter((l) => l.level === "error").map((l) => l.msg)).toEqual([expect.stringContaining("re-run limit")]);
    expect(await admin.exists(a.lock.keys(key)[0])).toBe(0);
  });

  test("renewal: a job running past the ttl keeps the lock; the key expires on its own when nobody renews it", async () => {
    const renewed = deferred<Lease>();
    const ttlMs = 300;
    const a = replica({
      ttlMs,
      renewMs: 60,
      onRenew: (lease, held) => {
        if (held && lease.renewals >= 7) renewed.resolve(lease);
      },
    });
    const b = replica();
    const key = newKey();
    const [lockKey] = a.lock.keys(key);
    await a.lock.run(key, async () => {
      const lease = await renewed.promise;
      // Longer than the ttl since acquisition, yet still ours and trusted.
      expect(performance.now() - lease.acquiredAt).toBeGreaterThan(ttlMs);
      expect(await admin.get(lockKey)).toBe(lease.token);
      expect(await admin.pttl(lockKey)).toBeGreaterThan(0);
      expect(await b.lock.tryAcquire(key)).toBeNull();
      expect(() => assertLeaseHeld()).not.toThrow();
    });
    expect(await admin.exists(lockKey)).toBe(0);

    // A lease nobody renews (a crashed holder) is gone after its ttl: the key carries PX ttl.
    const orphan = (await a.lock.tryAcquire(key))!;
    const pttl = await admin.pttl(lockKey);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(ttlMs);
    await admin.del(lockKey);
    expect(await a.lock.release(orphan)).toBe("lost");
  });

  test("lost under the job: the write guard refuses, and run() rejects with ShaLockLostError", async () => {
    const lostSeen = deferred();
    const a = replica({ ttlMs: 300, renewMs: 30, onRenew: (_l, held) => (held ? undefined : lostSeen.resolve()) });
    const b = replica();
    const key = newKey();
    const [lockKey] = a.lock.keys(key);
    let thief: Lease | null = null;
    let guard: unknown;
    await expect(
      a.lock.run(key, async () => {
        expect(() => assertLeaseHeld()).not.toThrow();
        await admin.del(lockKey); // the ttl ran out (e.g. Redis unreachable for longer than the ttl)
        thief = await b.lock.tryAcquire(key);
        await lostSeen.promise; // our next renewal finds another token
        try {
          assertLeaseHeld();
        } catch (error) {
          guard = error;
        }
      }),
    ).rejects.toBeInstanceOf(ShaLockLostError);
    expect(guard).toBeInstanceOf(ShaLockLostError);
    expect(await admin.get(lockKey)).toBe(thief!.token);
    expect(a.logs.some((l) => l.level === "error" && l.msg.includes("lost the serialisation lock"))).toBe(true);
    // Outside any lease the guard is a no-op (one process, no REDIS_URL).
    expect(() => assertLeaseHeld()).not.toThrow();
  });

  test("KeyedQueue with the lock as guard: two 'replicas' serialise per SHA; a follow-up runs after the lock is released", async () => {
    const [a, b] = [replica(), replica()];
    const queues = [new KeyedQueue((k, job) => a.lock.run(k, job)), new KeyedQueue((k, job) => b.lock.run(k, job))];
    const key = newKey();
    const [lockKey] = a.lock.keys(key);
    let inside = 0;
    let most = 0;
    const job = (_kind: string) => async () => {
      inside++;
      most = Math.max(most, inside);
      expect(await admin.exists(lockKey)).toBe(1);
      await admin.incr("probe");
      inside--;
    };
    await Promise.all([queues[0]!.run(key, job("a1")), queues[1]!.run(key, job("b1")), queues[0]!.run(key, job("a2"), "push"), queues[1]!.run(key, job("b2"), "push")]);
    expect(most).toBe(1);

    let lockDuringFollowUp = -1;
    await queues[0]!.run(key, async () => {
      expect(await admin.exists(lockKey)).toBe(1);
      return async () => {
        lockDuringFollowUp = await admin.exists(lockKey);
      };
    });
    expect(lockDuringFollowUp).toBe(0);
    expect(queues[0]!.size + queues[1]!.size).toBe(0);
  });
});
