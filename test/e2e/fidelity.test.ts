/**
 * Small fidelity fixes, end to end against the fake GitHub: what the check says about reviewers whose
 * role GitHub's one read does not spell out, and Approve clicks overtaken by a push.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { CheckRunState, FakeGitHub, World } from "../fake-github/index.js";
import { AGENT, POLICY, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { checkRunRequestedAction, pullRequestEvent, reviewEvent } from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "fid", collaborators: { alice: "write", tess: "triage", rita: "read", mona: "maintain" } });
const { newRepo, sendOk: send, gate, waitForLog } = e2e;
let fake: FakeGitHub, w: World;
beforeAll(() => ({ fake, w } = e2e));

/** Copilot's PR whose one commit Copilot authored too. */
function agentPull(repo: string) {
  return w.addPull(repo, { author: AGENT, head: `copilot/change-${e2e.repoCount}`, commits: [{ message: "Change", author: AGENT, files: { "src/a.ts": "a\n" } }] });
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

describe("a stricter rule elsewhere in the policy (SPEC §8: one read and one write per evaluation)", () => {
  const policy = [
    "version: 1",
    "approval: { count: 1, min_permission: write }",
    "paths:",
    '  - match: ["infra/**"]',
    "    action: approve",
    "    approval: { count: 1, min_permission: maintain }",
    '  - match: ["src/**"]',
    "    action: approve",
    "",
  ].join("\n");

  test("a PR that does not touch the maintain-level paths: a write reviewer counts from the one read, no permission request", async () => {
    const repo = newRepo({ [POLICY]: policy });
    const pr = agentPull(repo);
    const before = permissionRequests();
    const review = w.review(repo, pr.number, "alice", "APPROVED");
    await send(reviewEvent(w, repo, pr.number, review.id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    expect(permissionRequests()).toBe(before);
  });

  test("a PR that touches them: the exact role is read; write is refused for maintain, a maintainer counts", async () => {
    const repo = newRepo({ [POLICY]: policy });
    const pr = w.addPull(repo, { author: AGENT, head: `copilot/infra-${e2e.repoCount}`, commits: [{ message: "Infra", author: AGENT, files: { "src/a.ts": "a\n", "infra/main.tf": "x\n" } }] });
    const before = permissionRequests();
    const review = w.review(repo, pr.number, "alice", "APPROVED");
    await send(reviewEvent(w, repo, pr.number, review.id));
    let run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(shown(run)).toMatch(/alice\S* \(review\) — .*has write permission, needs maintain/);
    expect(permissionRequests()).toBe(before + 1);
    const approved = w.review(repo, pr.number, "mona", "APPROVED");
    await send(reviewEvent(w, repo, pr.number, approved.id));
    run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
  });
});

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
