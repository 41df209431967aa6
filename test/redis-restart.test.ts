/**
 * Issue 8 point 16: two replicas with one REDIS_URL survive a Redis restart. Redis is killed (SIGKILL)
 * in the middle of a burst and restarted EMPTY on the same port. A Redis loss must cost nothing but
 * time: the shared write limiter (src/github/limiter.ts) falls back to local spacing and shares again
 * once Redis answers (no settings to restore, unlike Bottleneck's clustering: SETTINGS_KEY_NOT_FOUND),
 * the per-SHA lock (src/app/runtime/sha-lock.ts) fails closed while Redis is away and the evaluations it
 * stopped are re-evaluated by themselves (src/app/flows/retry.ts), and GET /healthz says `degraded` during
 * the outage. Throttling is on (writes ≥ 1 s apart per installation), so the burst spans several
 * installations. Nothing sleeps: waits are on webhook answers, the fake's state and /healthz.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startFakeGitHub, type FakeGitHub, type World } from "./fake-github/index.js";
import { startApp, type AppProcess } from "./helpers/app-process.js";
import { redisServerAvailable, startRedisServer, type RedisServer } from "./helpers/redis-server.js";
import { deliver, pullRequestEvent, reviewEvent, type Delivery } from "./helpers/webhooks.js";

const hasRedis = redisServerAvailable("test/redis-restart.test.ts");
const AGENT = "copilot-swe-agent[bot]";
const ORGS = ["acme", "globex", "initech", "umbrella"];

let redis: RedisServer;
let fake: FakeGitHub;
let w: World;
const apps: AppProcess[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedisServer();
  fake = await startFakeGitHub();
  w = fake.state;
  for (const org of ORGS) w.addRepo(`${org}/rr`, { files: { "README.md": "# rr\n" }, collaborators: { alice: "write", bob: "write" } });
  const env = {
    WEBHOOK_SECRET: randomBytes(16).toString("hex"),
    REDIS_URL: redis.url,
    AGENT_GATE_TEST_NO_THROTTLE: "0",
    AGENT_GATE_RETRY_BASE_MS: "250",
    AGENT_GATE_RETRY_ATTEMPTS: "9",
  };
  apps.push(...(await Promise.all([startApp(fake, env), startApp(fake, env)])));
}, 60_000);

/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await fake?.close();
  await redis?.stop();
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

async function health(app: AppProcess): Promise<{ status: number; body: string }> {
  const res = await fetch(`${app.url}/healthz`);
  return { status: res.status, body: await res.text() };
}

/** Resolves once `check` holds, re-checked whenever either replica logs, at least every 200 ms (bounded). */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        for (const a of apps) a.child.stdout?.off("data", done);
        resolve();
      };
      const timer = setTimeout(done, 200);
      for (const a of apps) a.child.stdout?.on("data", done);
    });
  }
}

test.skipIf(!hasRedis)("Redis killed mid-burst and restarted empty: every PR ends right, health reports the outage", async () => {
  const [a, b] = apps as [AppProcess, AppProcess];
  const send = (i: number, d: Delivery) => (i % 2 === 0 ? deliver(a.url, a.secret, ...d) : deliver(b.url, b.secret, ...d));
  expect((await health(a)).body).toBe("ok\n");

  const expected: { repo: string; number: number; want: string }[] = [];
  const first: Delivery[] = [];
  const later: Delivery[] = [];
  for (const org of ORGS) {
    const repo = `${org}/rr`;
    const human = w.addPull(repo, { author: "alice", head: `h-${org}`, commits: [{ message: "Docs", author: "alice", files: { "docs/a.md": "a\n" } }] });
    const agent = w.addPull(repo, { author: AGENT, head: `copilot/${org}`, commits: [{ message: "Change", files: { "src/a.ts": "a\n" } }] });
    const approved = w.addPull(repo, { author: AGENT, head: `copilot/${org}-2`, commits: [{ message: "Change 2", files: { "src/b.ts": "b\n" } }] });
    first.push(pullRequestEvent(w, repo, human.number, "opened"), pullRequestEvent(w, repo, agent.number, "opened"), pullRequestEvent(w, repo, approved.number, "opened"));
    const review = w.review(repo, approved.number, "bob", "APPROVED");
    later.push(reviewEvent(w, repo, approved.number, review.id));
    expected.push({ repo, number: human.number, want: "success" }, { repo, number: agent.number, want: "action_required" }, { repo, number: approved.number, want: "success" });
  }

  // The burst: half of it answered with Redis up, then Redis dies under the other half.
  const half = Math.floor(first.length / 2);
  const statuses = await Promise.all(first.slice(0, half).map((d, i) => send(i, d)));
  await redis.kill();
  statuses.push(...(await Promise.all(first.slice(half).map((d, i) => send(i, d)))));
  // Answered, all of them: 200, 202 (Probot's "still processing" after 9 s of throttled writes), or
  // 500 where the lock could not be had (the evaluation is re-run by itself).
  for (const s of statuses) expect([200, 202, 500]).toContain(s);
  // Both replicas used Redis meanwhile (limiter or lock) and say so.
  for (const app of apps) {
    const h = await health(app);
    expect(h.status).toBe(200);
    expect(h.body).toMatch(/^degraded: shared state \(Redis\) unavailable\n/);
  }
  expect((/^agent_gate_shared_state_up (\d)/m.exec((await (await fetch(`${a.url}/metrics`)).text())))?.[1]).toBe("0");

  // Restarted on the same port, empty (no persistence).
  redis = await startRedisServer(10_000, redis.port);
  for (const [i, d] of later.entries()) expect([200, 202, 500]).toContain(await send(i, d));

  const conclusion = (e: (typeof expected)[number]) => w.checkRuns(e.repo, w.pull(e.repo, e.number).headSha, "agent-gate");
  const wrong = () => expected.filter((e) => conclusion(e).length !== 1 || conclusion(e)[0]!.conclusion !== e.want);
  await until(() => wrong().length === 0, "every PR at its right conclusion").catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}: ${JSON.stringify(wrong().map((e) => ({ ...e, got: conclusion(e).map((r) => r.conclusion) })))}`);
  });
  // Agent PRs labelled, once.
  for (const e of expected) if (e.want !== "success" || e.number % 3 === 0) expect(new Set(w.labelsOn(e.repo, e.number)).size).toBe(w.labelsOn(e.repo, e.number).length);
  // Health comes back by itself once both the limiter and the lock have talked to the new Redis.
  await until(async () => (await health(a)).body === "ok\n" && (await health(b)).body === "ok\n", "both replicas healthy again", 30_000);
  // No Bottleneck clustering anywhere, so none of its errors.
  for (const app of apps) expect([...app.logs, ...app.stderr].join("\n")).not.toMatch(/SETTINGS_KEY_NOT_FOUND/);
  // Nothing gave up.
  const gaveUp = apps.flatMap((app) => app.json()).filter((l) => (l.audit as { outcome?: string } | undefined)?.outcome === "gave_up");
  expect(gaveUp).toEqual([]);
  expect(fake.violations).toEqual([]);
}, 120_000);
