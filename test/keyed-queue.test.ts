/**
 * KeyedQueue (src/app/runtime/keyed-queue.ts): one job at a time per key, bursts coalesced into one follow-up
 * per kind, failures isolated, nothing left behind. Jobs are driven by hand-resolved promises, so the
 * tests control every interleaving without timers.
 */
import { describe, expect, test } from "vitest";
import { KeyedQueue } from "../src/app/runtime/keyed-queue.js";

interface Gate {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
}

function gate(): Gate {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued promise reaction run (a macrotask turn; not a sleep). */
const flush = () => new Promise<void>((r) => setImmediate(r));

/** A job that logs its start and end and finishes when its gate is opened. */
function recorder() {
  const log: string[] = [];
  const gates: Gate[] = [];
  const job = (name: string) => () => {
    log.push(`start ${name}`);
    const g = gate();
    gates.push(g);
    return g.promise.then(() => {
      log.push(`end ${name}`);
    });
  };
  return { log, gates, job };
}

describe("KeyedQueue", () => {
  test("a job on an idle key starts at once", () => {
    const q = new KeyedQueue();
    const r = recorder();
    void q.run("k", r.job("a"));
    expect(r.log).toEqual(["start a"]);
    expect(q.size).toBe(1);
  });

  test("jobs on one key never overlap; jobs on different keys do", async () => {
    const q = new KeyedQueue();
    const r = recorder();
    const a = q.run("k", r.job("a"), "pull");
    const b = q.run("k", r.job("b"), "push");
    const c = q.run("other", r.job("c"));
    await flush();
    expect(r.log).toEqual(["start a", "start c"]);
    r.gates[0]!.resolve();
    await a;
    await flush();
    expect(r.log).toEqual(["start a", "start c", "end a", "start b"]);
    r.gates[1]!.resolve();
    r.gates[2]!.resolve();
    await Promise.all([b, c]);
    expect(q.size).toBe(0);
  });

  test("a burst while a job runs costs one follow-up, which starts after the running job and settles every caller", async () => {
    const q = new KeyedQueue();
    const r = recorder();
    const first = q.run("k", r.job("first"));
    const burst = Array.from({ length: 50 }, (_, i) => q.run("k", r.job(`burst-${i}`)));
    await flush();
    expect(r.log).toEqual(["start first"]);
    // Every request of the burst is the same follow-up.
    expect(new Set(burst).size).toBe(1);
    r.gates[0]!.resolve();
    await first;
    await flush();
    expect(r.log).toEqual(["start first", "end first", "start burst-0"]);
    let settled = false;
    void burst[49]!.then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    r.gates[1]!.resolve();
    await Promise.all(burst);
    expect(r.log).toEqual(["start first", "end first", "start burst-0", "end burst-0"]);
    expect(q.size).toBe(0);
  });

  test("a request after the follow-up started gets a new follow-up (it must see what happened since)", async () => {
    const q = new KeyedQueue();
    const r = recorder();
    void q.run("k", r.job("a"));
    const b = q.run("k", r.job("b"));
    r.gates[0]!.resolve();
    await flush();
    expect(r.log.at(-1)).toBe("start b");
    const c = q.run("k", r.job("c"));
    expect(c).not.toBe(b);
    r.gates[1]!.resolve();
    await b;
    await flush();
    expect(r.log.at(-1)).toBe("start c");
    r.gates[2]!.resolve();
    await c;
    expect(r.log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  test("kinds are not coalesced into each other: a pull evaluation waiting behind a push report still runs", async () => {
    const q = new KeyedQueue();
    const r = recorder();
    void q.run("k", r.job("running"), "pull");
    const push = q.run("k", r.job("push"), "push");
    const pull = q.run("k", r.job("pull"), "pull");
    const pull2 = q.run("k", r.job("pull-again"), "pull");
    expect(pull2).toBe(pull);
    expect(pull).not.toBe(push);
    r.gates[0]!.resolve();
    await flush();
    r.gates[1]!.resolve();
    await push;
    await flush();
    r.gates[2]!.resolve();
    await pull;
    expect(r.log).toEqual(["start running", "end running", "start push", "end push", "start pull", "end pull"]);
  });

  test("a failing job rejects its own callers only; the follow-up runs and the key is not wedged", async () => {
    const q = new KeyedQueue();
    const r = recorder();
    const failing = q.run("k", r.job("failing"));
    const next = q.run("k", r.job("next"));
    r.gates[0]!.reject(new Error("GitHub said no"));
    await expect(failing).rejects.toThrow("GitHub said no");
    await flush();
    expect(r.log).toEqual(["start failing", "start next"]);
    r.gates[1]!.resolve();
    await expect(next).resolves.toBeUndefined();
    // And later work on the key runs normally.
    const later = q.run("k", r.job("later"));
    expect(r.log.at(-1)).toBe("start later");
    r.gates[2]!.resolve();
    await later;
    await flush();
    expect(q.size).toBe(0);
  });

  test("a job that throws before returning a promise fails like a rejected one", async () => {
    const q = new KeyedQueue();
    const sync = () => {
      throw new Error("sync boom");
    };
    await expect(q.run("k", sync)).rejects.toThrow("sync boom");
    const r = recorder();
    const blocker = q.run("k", r.job("blocker"));
    const queuedThrow = q.run("k", sync, "other");
    const after = q.run("k", r.job("after"), "third");
    r.gates[0]!.resolve();
    await blocker;
    await expect(queuedThrow).rejects.toThrow("sync boom");
    await flush();
    expect(r.log.at(-1)).toBe("start after");
    r.gates[1]!.resolve();
    await after;
    await flush();
    expect(q.size).toBe(0);
  });

  test("no unbounded growth: thousands of keys and bursts leave nothing behind, and each key runs at most two jobs per burst", async () => {
    const q = new KeyedQueue();
    const started = new Map<string, number>();
    const gates: Gate[] = [];
    const job = (key: string) => () => {
      started.set(key, (started.get(key) ?? 0) + 1);
      const g = gate();
      gates.push(g);
      return g.promise;
    };
    const all: Promise<void>[] = [];
    for (let k = 0; k < 2000; k++) for (let i = 0; i < 5; i++) all.push(q.run(`repo@${k}`, job(`repo@${k}`)));
    expect(q.size).toBe(2000);
    // Open gates until everything has settled (each opened gate may start one follow-up).
    while (gates.length > 0) {
      for (const g of gates.splice(0)) g.resolve();
      await flush();
    }
    await Promise.all(all);
    expect(q.size).toBe(0);
    expect(Math.max(...started.values())).toBe(2);
  });
});
