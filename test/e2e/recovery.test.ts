/**
 * Issue 8 point 14: accepted work is not lost when the process dies. The app is killed with SIGKILL in
 * the middle of a burst (the fake GitHub answers slowly, so evaluations are in flight); GitHub recorded
 * each delivery as it was answered (2xx: delivered; no answer: failed). A new process recovers the
 * recent deliveries from GitHub itself (`GET /app/hook/deliveries`, then each one's payload,
 * src/app/flows/recover.ts) and every PR ends right. The kill is deterministic: it happens while a proxy holds
 * one check write of the first process on the wire (so that evaluation, at least, is cut off). The fake serves both endpoints as GitHub does (JWT only,
 * cursor pagination, validated against the OpenAPI description). Nothing sleeps.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startFakeGitHub, type FakeGitHub, type World } from "../fake-github/index.js";
import { startApp, untilStdout, waitForLogLine, type AppProcess } from "../helpers/app-process.js";
import { CHECK_WRITE, startHoldingProxy, withGuard, type HoldingProxy } from "../helpers/holding-proxy.js";
import { deliver, pullRequestEvent, reviewEvent, type Delivery } from "../helpers/webhooks.js";

const AGENT = "copilot-swe-agent[bot]";
/** test/helpers/app-process.ts turns recovery off by default; on here, with the default window. */
const RECOVER = { AGENT_GATE_RECOVER_MINUTES: "60" };
let fake: FakeGitHub;
let w: World;
const apps: AppProcess[] = [];

let proxy: HoldingProxy;

beforeAll(async () => {
  // Slow answers keep more evaluations in flight when the kill comes.
  fake = await startFakeGitHub({ latencyMs: 50 });
  w = fake.state;
  proxy = await startHoldingProxy(fake);
});
/* eslint-disable @typescript-eslint/no-unnecessary-condition -- each is unset when beforeAll failed before starting it; its declared type cannot say so */
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await proxy?.close();
  await fake?.close();
});
/* eslint-enable @typescript-eslint/no-unnecessary-condition */

/** Deliver as GitHub does, and record the outcome GitHub would list (status 0: the connection failed). */
async function sendRecorded(app: AppProcess, d: Delivery): Promise<number> {
  const guid = randomUUID();
  let status = 0;
  try {
    status = await deliver(app.url, app.secret, d[0], d[1], { deliveryId: guid });
  } catch {
    status = 0;
  }
  w.recordDelivery({ guid, event: d[0], payload: d[1], statusCode: status });
  return status;
}

test("SIGKILL in the middle of a burst: after a restart every PR ends right (deliveries recovered from GitHub)", async () => {
  const first = await startApp(fake, { GHE_HOST: proxy.host, ...RECOVER });
  apps.push(first);
  const repo = "acme/recover";
  w.addRepo(repo, { files: { "README.md": "# r\n" }, collaborators: { alice: "write", bob: "write" } });
  const expected: { number: number; want: string }[] = [];
  const burst: Delivery[] = [];
  for (let i = 0; i < 8; i++) {
    const pr = w.addPull(repo, { author: AGENT, head: `copilot/r-${i}`, commits: [{ message: `Change ${i}`, files: { [`src/r${i}.ts`]: "r\n" } }] });
    burst.push(pullRequestEvent(w, repo, pr.number, "opened"));
    if (i % 2 === 0) {
      const review = w.review(repo, pr.number, "bob", "APPROVED");
      burst.push(reviewEvent(w, repo, pr.number, review.id));
      expected.push({ number: pr.number, want: "success" });
    } else expected.push({ number: pr.number, want: "action_required" });
  }
  const human = w.addPull(repo, { author: "alice", head: "h", commits: [{ message: "Docs", author: "alice", files: { "docs/h.md": "h\n" } }] });
  burst.push(pullRequestEvent(w, repo, human.number, "opened"));
  expected.push({ number: human.number, want: "success" });

  const conclusion = (n: number) => w.checkRuns(repo, w.pull(repo, n).headSha, "agent-gate")[0]?.conclusion ?? null;
  const wrong = () => expected.filter((e) => conclusion(e.number) !== e.want);

  // The burst: the human PR first (answered), then the rest; the process is killed while the first
  // check write of the rest is held on the wire.
  expect(await sendRecorded(first, burst.pop()!)).toBe(200);
  const held = proxy.hold(CHECK_WRITE);
  const sent = burst.map((d) => sendRecorded(first, d));
  await withGuard(held.arrived, "a check write of the burst");
  first.child.kill("SIGKILL");
  const statuses = await Promise.all(sent);
  burst.push(pullRequestEvent(w, repo, human.number, "opened"));
  // Work was cut off (else this test would prove nothing); the deliveries in flight failed.
  expect(wrong().length).toBeGreaterThan(0);
  expect(statuses.some((s) => s === 0)).toBe(true);
  expect(w.hookDeliveries).toHaveLength(burst.length);

  // A new process recovers them.
  const second = await startApp(fake, RECOVER);
  apps.push(second);
  await untilStdout(second, () => (wrong().length === 0 ? true : undefined), "every PR at its right conclusion", 60_000).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}: ${JSON.stringify(wrong().map((e) => ({ ...e, got: conclusion(e.number) })))}`);
  });
  const done = await waitForLogLine(second, (l) => l.msg === "agent-gate: delivery recovery done", 60_000);
  const report = done.recovery as { inWindow: number; handled: number; coalesced: number; failed: number };
  expect(report.inWindow).toBe(burst.length);
  expect(report.failed).toBe(0);
  // Opened + review of one PR lead to one evaluation: coalesced.
  expect(report.coalesced).toBeGreaterThan(0);
  expect(report.handled + report.coalesced).toBe(burst.length);
  // One check run per SHA, labels once.
  for (const e of expected) expect(w.checkRuns(repo, w.pull(repo, e.number).headSha, "agent-gate")).toHaveLength(1);
  for (const e of expected) if (e.number !== human.number) expect(w.labelsOn(repo, e.number).sort()).toEqual(["agent-authored", "agent:copilot"]);
  // The listing and payload reads went through the app's JWT, as GitHub requires.
  expect(fake.requests.filter((r) => r.operationId === "apps/list-webhook-deliveries" && r.auth === "jwt").length).toBeGreaterThan(0);
  expect(fake.requests.filter((r) => r.operationId === "apps/get-webhook-delivery" && r.auth === "jwt").length).toBe(burst.length);
  expect(fake.violations).toEqual([]);
}, 120_000);

test("recovery is idempotent and bounded: a second restart changes nothing, old deliveries are left alone", async () => {
  const repo = "acme/recover";
  const before = w.checkRuns(repo, w.pull(repo, 1).headSha, "agent-gate")[0]!.history.length;
  // A delivery far outside the window: never fetched.
  w.recordDelivery({ guid: randomUUID(), event: "pull_request", payload: pullRequestEvent(w, repo, 1, "edited")[1], statusCode: 200, deliveredAt: "2020-01-01T00:00:00Z" });
  const third = await startApp(fake, { ...RECOVER, AGENT_GATE_RECOVER_MAX: "5" });
  apps.push(third);
  const done = await waitForLogLine(third, (l) => l.msg === "agent-gate: delivery recovery done", 60_000);
  const report = done.recovery as { inWindow: number; handled: number };
  expect(report.inWindow).toBe(5);
  expect(w.checkRuns(repo, w.pull(repo, 1).headSha, "agent-gate")[0]!.history.length).toBe(before);
  expect(fake.violations).toEqual([]);
}, 60_000);
