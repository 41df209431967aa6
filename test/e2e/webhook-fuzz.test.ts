/**
 * Webhook-handler fuzzer (issue 8, "Your own attacker pass"): mutated, correctly signed payloads of
 * every event the app handles (built from @octokit/webhooks-examples by test/helpers/webhooks.ts, then
 * mutated by test/fuzz/mutate-json.ts) are posted to the running app. Oracle, for every one: it is
 * answered (an HTTP status, not a dropped connection), the app stays alive (GET /healthz), and the
 * agent PR that no qualifying human approved never gets `success` — a malformed payload must not
 * pass a gate. Seeded and bounded: a short pass runs in the suite; `npm run fuzz:webhooks` runs a long
 * one (AGENT_GATE_FUZZ_RUNS, AGENT_GATE_FUZZ_SEED). A failure prints the seed, the iteration and the
 * mutations, so it replays exactly.
 */
import { beforeAll, expect, test } from "vitest";
import type { FakeGitHub, World } from "../fake-github/index.js";
import type { AppProcess } from "../helpers/app-process.js";
import { CHECK_NAME, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { mutator, type JsonValue } from "../fuzz/mutate-json.js";
import {
  checkRunRequestedAction,
  checkRunRerequested,
  checkSuiteRerequested,
  deliver,
  labeledEvent,
  mergeGroupChecksRequested,
  pullRequestEvent,
  pushEvent,
  reviewEvent,
  type Delivery,
} from "../helpers/webhooks.js";

const RUNS = Number(process.env.AGENT_GATE_FUZZ_RUNS ?? 50);
const SEED = Number(process.env.AGENT_GATE_FUZZ_SEED ?? 20268);

// carol has read access only: her review and her click never qualify.
const e2e = appAgainstFakeGitHub({ repoPrefix: "fz", collaborators: { alice: "write", bob: "write", carol: "read" } });
let fake: FakeGitHub, app: AppProcess, w: World;
beforeAll(() => ({ fake, app, w } = e2e));

test(`${RUNS} mutated, signed deliveries (seed ${SEED}): all answered, the app alive, the unapproved agent PR never success`, async () => {
  const repo = e2e.newRepo();
  const pr = e2e.agentPull(repo);
  const human = w.addPull(repo, { author: "alice", head: "feature", commits: [{ message: "Docs", author: "alice", files: { "docs/x.md": "x\n" } }] });
  await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "opened"));
  const gate = () => w.checkRuns(repo, pr.headSha, CHECK_NAME);
  expect(gate()[0]?.conclusion).toBe("action_required");
  const review = w.review(repo, pr.number, "carol", "APPROVED");
  w.labelPull(repo, pr.number, "agent-authored", "carol");
  const group = w.enqueue(repo, [pr.number]);
  const runId = gate()[0]!.id;
  const bases: Delivery[] = [
    pullRequestEvent(w, repo, pr.number, "opened"),
    pullRequestEvent(w, repo, pr.number, "synchronize"),
    pullRequestEvent(w, repo, pr.number, "edited", { changes: { title: { from: "x" } } }),
    pullRequestEvent(w, repo, pr.number, "ready_for_review"),
    labeledEvent(w, repo, pr.number, "agent-authored", "unlabeled", "carol"),
    pullRequestEvent(w, repo, human.number, "opened"),
    reviewEvent(w, repo, pr.number, review.id),
    checkRunRequestedAction(w, repo, runId, "approve", "carol"),
    checkRunRerequested(w, repo, runId, "carol"),
    checkSuiteRerequested(w, repo, pr.headSha, "carol"),
    mergeGroupChecksRequested(w, repo, group),
    pushEvent(w, repo),
  ];
  const m = mutator(SEED);
  const statuses = new Map<number, number>();
  for (let i = 0; i < RUNS; i++) {
    const [name, payload] = bases[m.int(bases.length)]!;
    const { doc, log } = m.mutate(payload as JsonValue);
    const where = `seed ${SEED}, iteration ${i}, ${name}: ${log.join("; ").slice(0, 400)}`;
    let status: number;
    try {
      status = await deliver(app.url, app.secret, name, doc as Record<string, unknown>);
    } catch (error) {
      throw new Error(`not answered (${(error as Error).message}) — ${where}`);
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    // Answered with an HTTP status: 200/202 (handled or ignored), 400 (not a webhook Probot can parse),
    // or an error status (a handler threw; Probot passes a failed GitHub request's status on).
    expect(status >= 200 && status <= 599, `${where}: status ${status}`).toBe(true);
    const runs = gate();
    expect(runs.length, where).toBeLessThanOrEqual(1);
    expect(runs[0]?.conclusion, where).not.toBe("success");
    if (i % 20 === 19) expect((await fetch(`${app.url}/healthz`)).status, where).toBe(200);
  }
  // Alive and still right: a fresh, well-formed evaluation of the PR is action_required, on one run.
  expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "synchronize"));
  expect(gate()).toHaveLength(1);
  expect(gate()[0]!.conclusion).toBe("action_required");
  // The pass did reach the handlers (not every delivery was refused at the door).
  expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 4);
  expect(app.child.exitCode).toBeNull();
  expect(fake.violations).toEqual([]);
}, Math.max(60_000, RUNS * 1_000));
