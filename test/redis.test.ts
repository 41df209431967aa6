/**
 * Replicas share GitHub throttling through Redis (docs/deploy.md "Several replicas").
 *
 * With `REDIS_URL`, the write limiter our Octokit class gives plugin-throttling (src/github/limiter.ts)
 * reserves each write's slot in Redis, keyed by installation (`throttle.id`): `maxConcurrent: 1,
 * minTime: 1000` per process, and ≥ 1 s between the starts of all replicas' writes together.
 * Claim: two real app processes with the same REDIS_URL space their writes for one installation ≥ 1 s
 * apart AS A WHOLE; without Redis, each process only spaces its own. GraphQL queries (the reads) are
 * not held 1 s apart (`withUnspacedQueries`: GitHub asks for the pause between mutative requests).
 *
 * Throttling is ON here (AGENT_GATE_TEST_NO_THROTTLE=0), so the test takes a few seconds by nature.
 * Timings are read from the wire (test/helpers/recording-proxy.ts records when each request reached
 * GitHub and with which installation token — each replica mints its own, which tells them apart),
 * with generous margins; nothing sleeps.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFakeGitHub, type FakeGitHub, type World } from "./fake-github/index.js";
import { startApp, type AppProcess } from "./helpers/app-process.js";
import { startRecordingProxy, type ProxiedRequest, type RecordingProxy } from "./helpers/recording-proxy.js";
import { redisServerAvailable, startRedisServer, type RedisServer } from "./helpers/redis-server.js";

/** False (one loud notice) only where no redis-server can be had; under CI it must run. */
const hasRedis = redisServerAvailable("test/redis.test.ts");
import { deliver, pullRequestEvent, pushEvent } from "./helpers/webhooks.js";

/** Margin for scheduling between the limiter's release and the request reaching the wire. */
const SPACED_MS = 800;

let redis: RedisServer;
let fake: FakeGitHub;
let w: World;
let proxy: RecordingProxy;
const apps: AppProcess[] = [];
let client: Redis | undefined;
let prCounter = 0;

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedisServer();
  fake = await startFakeGitHub();
  w = fake.state;
  proxy = await startRecordingProxy(fake);
  w.addRepo("acme/shared", { files: { "README.md": "# shared\n" }, collaborators: { alice: "write" } });
  client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
}, 60_000);

/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  client?.disconnect();
  await proxy?.close();
  await fake?.close();
  await redis?.stop();
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

/** Two replicas of one app: same APP_ID, key and webhook secret, throttling on; optionally one Redis. */
async function replicas(redisUrl: string | null): Promise<[AppProcess, AppProcess]> {
  const secret = randomBytes(16).toString("hex");
  const env: Record<string, string> = { GHE_HOST: proxy.host, WEBHOOK_SECRET: secret, AGENT_GATE_TEST_NO_THROTTLE: "0", ...(redisUrl ? { REDIS_URL: redisUrl } : {}) };
  const pair = await Promise.all([startApp(fake, env), startApp(fake, env)]);
  apps.push(...pair);
  return pair;
}

/** A human PR: its evaluation makes one GraphQL read and one write (the check-run POST). */
function humanPull(): number {
  prCounter += 1;
  return w.addPull("acme/shared", { author: "alice", head: `feature-${prCounter}`, commits: [{ message: `change ${prCounter}`, author: "alice", files: { [`src/f${prCounter}.ts`]: "x\n" } }] }).number;
}

const isQuery = (r: ProxiedRequest) => r.path.endsWith("/graphql");

/** Requests that go through plugin-throttling's write limiter: non-GET REST (not token minting, not GraphQL queries). */
function writeLimited(since: number): ProxiedRequest[] {
  return proxy.requests.slice(since).filter((r) => r.method !== "GET" && !isQuery(r) && !r.path.endsWith("/access_tokens"));
}

function gaps(rs: ProxiedRequest[]): number[] {
  const at = rs.map((r) => r.at).sort((a, b) => a - b);
  return at.slice(1).map((t, i) => t - at[i]!);
}

/**
 * Bring each replica to steady state: its installation token minted and its limiters created (in
 * Redis, when clustered). A human push costs one GraphQL read and no write. Without this, the first
 * request of a process reaches the wire late (token minting and limiter set-up happen AFTER the write
 * limiter let it go: plugin-throttling wraps the auth hook), which would blur the spacing measured below.
 */
async function warmUp([a, b]: [AppProcess, AppProcess]): Promise<void> {
  const commit = w.pushCommit("acme/shared", "main", { message: `warm-up ${++prCounter}`, author: "alice" });
  const push = pushEvent(w, "acme/shared", { after: commit.sha });
  expect(await Promise.all([deliver(a.url, a.secret, ...push), deliver(b.url, b.secret, ...push)])).toEqual([200, 200]);
}

/**
 * Each replica gets two PRs opened at the same moment; returns the write-limited requests (all, and by
 * replica token), every request by replica, and the GraphQL queries.
 */
async function concurrentEvaluations([a, b]: [AppProcess, AppProcess]): Promise<{ all: ProxiedRequest[]; byReplica: ProxiedRequest[][]; requestsByReplica: ProxiedRequest[][]; queries: ProxiedRequest[] }> {
  await warmUp([a, b]);
  const since = proxy.requests.length;
  const prs = [humanPull(), humanPull(), humanPull(), humanPull()];
  const statuses = await Promise.all(prs.map((n, i) => (i % 2 === 0 ? a : b)).map((app, i) => deliver(app.url, app.secret, ...pullRequestEvent(w, "acme/shared", prs[i]!, "opened"))));
  expect(statuses).toEqual([200, 200, 200, 200]);
  for (const n of prs) expect(w.checkRuns("acme/shared", w.pull("acme/shared", n).headSha, "agent-gate")[0]?.conclusion).toBe("success");
  const all = writeLimited(since);
  const tokens = [...new Set(all.map((r) => r.credential))];
  // Two replicas, two installation tokens (each process mints its own), each with its two reads and two writes.
  expect(tokens).toHaveLength(2);
  const byReplica = tokens.map((t) => all.filter((r) => r.credential === t));
  const requestsByReplica = tokens.map((t) => proxy.requests.slice(since).filter((r) => r.credential === t));
  for (const rs of requestsByReplica) {
    expect(rs.map((r) => `${r.method} ${r.path}`).sort()).toEqual(["POST /api/graphql", "POST /api/graphql", "POST /api/v3/repos/acme/shared/check-runs", "POST /api/v3/repos/acme/shared/check-runs"]);
  }
  return { all, byReplica, requestsByReplica, queries: proxy.requests.slice(since).filter(isQuery) };
}

describe.skipIf(!hasRedis)("replicas and Redis", () => {
  test("with one REDIS_URL, two replicas share the installation's write limiter: all their writes ≥ 1 s apart", async () => {
    const pair = await replicas(redis.url);
    const { all, requestsByReplica, queries } = await concurrentEvaluations(pair);
    // The replicas' requests interleave in time (neither waited for the other to finish entirely)…
    const spans = requestsByReplica.map((rs) => [Math.min(...rs.map((r) => r.at)), Math.max(...rs.map((r) => r.at))] as const);
    expect(spans[0]![0] < spans[1]![1] && spans[1]![0] < spans[0]![1]).toBe(true);
    // …yet, taken together, every write-limited request is spaced by the shared minTime.
    expect(gaps(all).every((g) => g >= SPACED_MS), `gaps ${JSON.stringify(gaps(all))} ms`).toBe(true);
    // …while the four reads, sent at once, were not held 1 s apart (in the write group, they would be).
    expect(Math.min(...gaps(queries)), `query gaps ${JSON.stringify(gaps(queries))} ms`).toBeLessThan(SPACED_MS);

    // Redis holds the shared write slot, keyed by installation (our throttle.id): src/github/limiter.ts,
    // no Bottleneck key at all (its clustering did not survive a Redis restart).
    const installation = w.installationFor("acme").id;
    const slot = Number(await client!.get(`agent-gate:space:write:installation-${installation}`));
    expect(slot).toBeGreaterThan(0);
    expect(await client!.keys("b_*")).toEqual([]);
  });

  test("without Redis, each replica spaces only its own writes: the two interleave closer than 1 s", async () => {
    const before = await client!.dbsize();
    const pair = await replicas(null);
    const { all, byReplica } = await concurrentEvaluations(pair);
    // Throttling is on in each process…
    for (const rs of byReplica) expect(gaps(rs).every((g) => g >= SPACED_MS), `own gaps ${JSON.stringify(gaps(rs))} ms`).toBe(true);
    // …but not across them: with 2 + 2 writes each ≥ 1 s apart per replica, some cross-replica gap is < 1 s.
    expect(Math.min(...gaps(all)), `gaps ${JSON.stringify(gaps(all))} ms`).toBeLessThan(SPACED_MS);
    expect(await client!.dbsize()).toBe(before);
  });
});
