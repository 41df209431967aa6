/**
 * Small fidelity fixes, end to end against the fake GitHub: what the check says about reviewers whose
 * role GitHub's one read does not spell out, and Approve clicks overtaken by a push.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../fake-github/index.js";
import type { CheckRunState, World } from "../fake-github/index.js";
import { startApp, type AppProcess } from "../helpers/app-process.js";
import { checkRunRequestedAction, deliver, pullRequestEvent, reviewEvent } from "../helpers/webhooks.js";

let fake: FakeGitHub;
let app: AppProcess;
let w: World;
let repoCounter = 0;

beforeAll(async () => {
  fake = await startFakeGitHub();
  w = fake.state;
  app = await startApp(fake);
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
});
afterEach(() => {
  expect(fake.violations).toEqual([]);
  fake.clearLog();
});

const AGENT = "copilot-swe-agent[bot]";
const POLICY = ".github/agent-policy.yml";

function newRepo(files: Record<string, string> = {}): string {
  const name = `acme/fid${++repoCounter}`;
  w.addRepo(name, { files: { "README.md": "# r\n", ...files }, collaborators: { alice: "write", tess: "triage", rita: "read" } });
  return name;
}

function agentPull(repo: string) {
  return w.addPull(repo, { author: AGENT, head: `copilot/change-${repoCounter}`, commits: [{ message: "Change", author: AGENT, files: { "src/a.ts": "a\n" } }] });
}

async function send(delivery: [string, unknown]): Promise<void> {
  expect(await deliver(app.url, app.secret, delivery[0], delivery[1] as never)).toBe(200);
}

function gate(repo: string, sha: string): CheckRunState {
  const runs = w.checkRuns(repo, sha, "agent-gate");
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

const shown = (run: CheckRunState) => `${run.output.summary}\n${run.output.text ?? ""}`;
const permissionRequests = () => fake.requests.filter((r) => r.operationId === "repos/get-collaborator-permission-level").length;

describe("reviewers below write (GraphQL authorCanPushToRepository: false)", () => {
  test("triage and read reviewers: refused for write, without claiming a role the read did not give, and without another request", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    w.review(repo, pr.number, "tess", "APPROVED");
    const last = w.review(repo, pr.number, "rita", "APPROVED");
    await send(reviewEvent(w, repo, pr.number, last.id));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    const text = shown(run);
    expect(text).toMatch(/tess\S* \(review\) — cannot push to the repository \\\(read or triage permission\\\), needs write/);
    expect(text).toMatch(/rita\S* \(review\) — cannot push to the repository \\\(read or triage permission\\\), needs write/);
    expect(text).not.toMatch(/has (read|triage) permission/);
    expect(permissionRequests()).toBe(0);
  });

  test("min_permission: triage → the exact role is read (REST role_name): triage counts, read is named", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\napproval:\n  min_permission: triage\n  count: 1\n" });
    const pr = agentPull(repo);
    const review = w.review(repo, pr.number, "rita", "APPROVED");
    await send(reviewEvent(w, repo, pr.number, review.id));
    let run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(shown(run)).toMatch(/rita\S* \(review\) — has read permission, needs triage/);
    const approved = w.review(repo, pr.number, "tess", "APPROVED");
    await send(reviewEvent(w, repo, pr.number, approved.id));
    run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
  });
});

/** The app's stdout arrives through a pipe, possibly after the webhook's answer: wait for the line (bounded). */
async function waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = app.json().reverse().find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error("log line never arrived");
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        app.child.stdout?.off("data", done);
        resolve();
      };
      const timer = setTimeout(done, 500);
      app.child.stdout?.on("data", done);
    });
  }
}

describe("an Approve click overtaken by a push (SPEC §4: approvals count only at the current head)", () => {
  test("the click, sent for the old head, is answered as not counted and never lands on the new head", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const old = pr.headSha;
    // alice clicks on the old head's check; GitHub builds the delivery then (pull_requests: head = old) …
    const click = checkRunRequestedAction(w, repo, gate(repo, old).id, "approve", "alice");
    // … and the agent pushes before the app handles it.
    const moved = w.pushToPull(repo, pr.number, { message: "More", author: AGENT, files: { "src/b.ts": "b\n" } }).sha;
    await send(click);
    const line = await waitForLog((l) => l.msg === "agent-gate approve click" && (l.audit as { repo: string }).repo === repo);
    expect(line.audit).toMatchObject({ login: "alice", headSha: old, pulls: [pr.number], counted: false, reason: expect.stringContaining("only at the head") });
    const run = gate(repo, moved);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.text ?? "").not.toMatch(/agent-gate:approvals/);
    // Later events at the new head do not pick the click up either.
    await send(pullRequestEvent(w, repo, pr.number, "synchronize"));
    expect(gate(repo, moved).conclusion).toBe("action_required");
    expect(gate(repo, old).conclusion).toBe("action_required");
  });
});
