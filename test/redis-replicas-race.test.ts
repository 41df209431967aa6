/**
 * The replica race (docs/app.md, "Serialisation and several replicas"): two real app processes behind
 * one (fake) GitHub, each event delivered to a different replica, with the interleaving FORCED rather
 * than hoped for. Each replica talks to GitHub through its own holding proxy, which can keep one
 * check-run write of that replica on the wire until the test lets it go. So:
 *
 *   replica A reads (state S1) and decides; its check write is held;
 *   the state changes to S2 (a review withdrawn, or a click), replica B gets that event;
 *   A's write is released only once B has either written (no Redis) or said it waits for A's lock.
 *
 * With one REDIS_URL, B evaluates after A's write, so the check ends on S2's decision, on ONE run.
 * Without Redis the same schedule ends on S1's decision — a stale `success`, and a second run on the
 * commit — which is the bug the lock closes (asserted too: the schedule is deterministic, nothing races).
 *
 * Oracle: besides the expected conclusion, a fresh evaluation of the final state (check_suite
 * rerequested) must find the check already right, i.e. write nothing. Nothing sleeps: every wait is on
 * a request reaching a proxy, a log line of a replica, or a webhook answer (Probot answers after the
 * handler finished).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFakeGitHub, type FakeGitHub, type World } from "./fake-github/index.js";
import { startApp, untilStdout, type AppProcess } from "./helpers/app-process.js";
import { CHECK_WRITE, GUARD_MS, startHoldingProxy, type HoldingProxy } from "./helpers/holding-proxy.js";
import { redisServerAvailable, startRedisServer, type RedisServer } from "./helpers/redis-server.js";

/** False (one loud notice) only where no redis-server can be had; under CI it must run. */
const hasRedis = redisServerAvailable("test/redis-replicas-race.test.ts");
import { checkRunRequestedAction, checkSuiteRerequested, deliver, pullRequestEvent, reviewEvent, type Delivery } from "./helpers/webhooks.js";

const REPO = "acme/race";
const AGENT = "copilot-swe-agent[bot]";

// ─── replicas ───

interface Replica {
  app: AppProcess;
  proxy: HoldingProxy;
}

let redis: RedisServer;
let fake: FakeGitHub;
let w: World;
const started: Replica[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedisServer();
  fake = await startFakeGitHub();
  w = fake.state;
  w.addRepo(REPO, { files: { "README.md": "# race\n" }, collaborators: { alice: "write", bob: "write" } });
}, 60_000);

/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  await Promise.all(started.map((r) => r.app.stop()));
  await Promise.all(started.map((r) => r.proxy.close()));
  await fake?.close();
  await redis?.stop();
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

/** Two replicas of one app (same id, key and secret), each behind its own holding proxy; optionally one Redis. */
async function replicas(redisUrl: string | null): Promise<[Replica, Replica]> {
  const secret = randomBytes(16).toString("hex");
  const pair = await Promise.all(
    [0, 1].map(async () => {
      const proxy = await startHoldingProxy(fake);
      const app = await startApp(fake, { GHE_HOST: proxy.host, WEBHOOK_SECRET: secret, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) });
      const r = { app, proxy };
      started.push(r);
      return r;
    }),
  );
  return pair as [Replica, Replica];
}

async function send(r: Replica, d: Delivery): Promise<void> {
  expect(await deliver(r.app.url, r.app.secret, ...d)).toBe(200);
}

/** Resolves when the replica logs that it waits for another replica's lock on this SHA. */
function waitsForLock(r: Replica, sha: string): Promise<void> {
  const key = `${REPO}@${sha}`;
  const seen = () => r.app.json().some((l) => typeof l.msg === "string" && l.msg.includes("waiting for its lock") && l.key === key) || undefined;
  return untilStdout(r.app, seen, `replica :${r.app.port} waiting for the lock on ${key}`, GUARD_MS).then(() => undefined);
}

function runs(sha: string) {
  return w.checkRuns(REPO, sha, "agent-gate");
}

/** A fresh evaluation of the final state must find the check already right: no check write at all. */
async function assertConverged(r: Replica, sha: string): Promise<void> {
  const since = fake.lastSeq();
  await send(r, checkSuiteRerequested(w, REPO, sha));
  expect(fake.countRequests({ since, operationId: "checks/update" }) + fake.countRequests({ since, operationId: "checks/create" })).toBe(0);
}

let round = 0;
/** An agent PR at a new head SHA; with `evaluated`, replica `r` has already written its check (action_required). */
async function newHead(pr: number, r: Replica, evaluated: boolean): Promise<string> {
  round++;
  const c = w.pushToPull(REPO, pr, { message: `round ${round}`, author: AGENT, files: { [`src/r${round}.ts`]: `export const r = ${round};\n` } });
  if (evaluated) {
    await send(r, pullRequestEvent(w, REPO, pr, "synchronize"));
    expect(runs(c.sha).map((x) => x.conclusion)).toEqual(["action_required"]);
  }
  return c.sha;
}

/**
 * A approves-and-evaluates, its write held; alice then requests changes, delivered to B. Returns once
 * both deliveries are answered. `letGo` decides when A's write may go on.
 */
async function approvalThenWithdrawal(a: Replica, b: Replica, pr: number, sha: string, letGo: () => Promise<void>): Promise<void> {
  const approved = w.review(REPO, pr, "alice", "APPROVED");
  const held = a.proxy.hold(CHECK_WRITE);
  const first = send(a, reviewEvent(w, REPO, pr, approved.id));
  await held.arrived; // A has read "approved" and decided success; its write is on hold
  const withdrawn = w.review(REPO, pr, "alice", "CHANGES_REQUESTED");
  const second = send(b, reviewEvent(w, REPO, pr, withdrawn.id));
  await letGo();
  held.release();
  await Promise.all([first, second]);
}

describe.skipIf(!hasRedis)("two replicas, one commit, forced interleaving", () => {
  test("with one REDIS_URL: the later event's decision stands, one run per SHA, and Approve clicks survive", async () => {
    const [a, b] = await replicas(redis.url);
    const pr = w.addPull(REPO, { author: AGENT, head: "copilot/race", commits: [{ message: "start", author: AGENT, files: { "src/a.ts": "a\n" } }] }).number;

    for (let cycle = 0; cycle < 2; cycle++) {
      // 1. Approval read by A, withdrawn via B, on a SHA with no run yet: the two must not both create one.
      for (const evaluated of [false, true]) {
        const sha = await newHead(pr, a, evaluated);
        await approvalThenWithdrawal(a, b, pr, sha, () => waitsForLock(b, sha));
        expect(runs(sha).map((x) => x.conclusion)).toEqual(["action_required"]);
        await assertConverged(a, sha);
      }

      // 2. B's evaluation (approval withdrawn) holds the SHA, its write on hold; bob clicks Approve on A.
      //    Without the lock A's write (with bob's click) would be overwritten by B's older read.
      const sha = await newHead(pr, a, true);
      const approved = w.review(REPO, pr, "alice", "APPROVED");
      await send(a, reviewEvent(w, REPO, pr, approved.id));
      const [run] = runs(sha);
      expect(run?.conclusion).toBe("success");
      const withdrawn = w.review(REPO, pr, "alice", "CHANGES_REQUESTED");
      const held = b.proxy.hold(CHECK_WRITE);
      const first = send(b, reviewEvent(w, REPO, pr, withdrawn.id));
      await held.arrived;
      const click = send(a, checkRunRequestedAction(w, REPO, run!.id, "approve", "bob"));
      await waitsForLock(a, sha);
      held.release();
      await Promise.all([first, click]);
      expect(runs(sha)).toHaveLength(1);
      expect(runs(sha)[0]!.conclusion).toBe("success");
      expect(runs(sha)[0]!.output.text).toContain("bob");
      await assertConverged(b, sha);
    }
    expect(fake.violations).toEqual([]);
    for (const r of [a, b]) expect(r.app.json().filter((l) => Number(l.level) >= 50)).toEqual([]);
  });

  test("without Redis the same schedule leaves a stale success on a second run (the race the lock closes)", async () => {
    const [a, b] = await replicas(null);
    const pr = w.addPull(REPO, { author: AGENT, head: "copilot/race-no-redis", commits: [{ message: "start", author: AGENT, files: { "src/b.ts": "b\n" } }] }).number;
    const sha = await newHead(pr, a, false);
    // B does not wait for anything: A's write is let go once B's own write has been answered.
    await approvalThenWithdrawal(a, b, pr, sha, () => b.proxy.answered(CHECK_WRITE));
    const all = runs(sha);
    expect(all.map((x) => x.conclusion)).toEqual(["action_required", "success"]);
    // The state says changes requested: a fresh evaluation corrects the newest run, proving it was stale.
    const since = fake.lastSeq();
    await send(a, checkSuiteRerequested(w, REPO, sha));
    expect(fake.countRequests({ since, operationId: "checks/update" })).toBe(1);
    expect(runs(sha).map((x) => x.conclusion)).toEqual(["action_required", "action_required"]);
  });
});
