/**
 * The app end to end (SPEC §4, §5, §8): the real process (`node lib/app/main.js`) against the fake
 * GitHub over HTTP, webhooks signed and posted. Assertions are on the fake's state (check runs,
 * labels) and request log; every test ends with `fake.violations` empty.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { FakeGitHub, World } from "../fake-github/index.js";
import type { AppProcess } from "../helpers/app-process.js";
import { AGENT, POLICY, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import {
  checkRunRequestedAction,
  checkRunRerequested,
  checkSuiteRerequested,
  labeledEvent,
  mergeGroupChecksRequested,
  pullRequestEvent,
  pushEvent,
  reviewEvent,
} from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "r", collaborators: { alice: "write", bob: "write", carol: "read" } });
const { newRepo, agentPull, send, gate, waitForLog, writes, apiRequests } = e2e;
let fake: FakeGitHub, app: AppProcess, w: World;
beforeAll(() => ({ fake, app, w } = e2e));

describe("pull_request", () => {
  test("agent PR opened → action_required with the Approve button; labels created once; ≤ 1 read", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    expect(await send(pullRequestEvent(w, repo, pr.number, "opened"))).toBe(200);
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(run.actions).toEqual([expect.objectContaining({ identifier: "approve", label: "Approve" })]);
    expect(run.detailsUrl).toContain(`/pull/${pr.number}`);
    expect(w.labelsOn(repo, pr.number).sort()).toEqual(["agent-authored", "agent:copilot"]);
    expect(w.label(repo, "agent-authored")?.color).toMatch(/^[0-9a-f]{6}$/);
    expect(fake.countRequests({ kind: "graphql" })).toBe(1);
    expect(fake.countRequests({ operationId: "checks/create" })).toBe(1);
    expect(fake.countRequests({ operationId: "checks/update" })).toBe(0);
  });

  test("synchronize (new head SHA, labels already on) costs one read and one write (SPEC §8)", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    w.pushToPull(repo, pr.number, { message: "More", author: AGENT, files: { "src/z.ts": "z\n" } });
    fake.clearLog();
    await send(pullRequestEvent(w, repo, pr.number, "synchronize"));
    expect(apiRequests().map((r) => `${r.method} ${r.route ?? r.path}`)).toEqual(["POST graphql", "POST /repos/{owner}/{repo}/check-runs"]);
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });

  test("human PR → success, no labels", async () => {
    const repo = newRepo();
    const pr = w.addPull(repo, { author: "alice", head: "feature", commits: [{ message: "Docs", author: "alice", files: { "docs/x.md": "x\n" } }] });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    expect(w.labelsOn(repo, pr.number)).toEqual([]);
  });

  test("unchanged outcome costs 1 request (the read) and no write; redelivery converges", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    const opened = pullRequestEvent(w, repo, pr.number, "opened");
    await send(opened, { deliveryId: "same-id" });
    fake.clearLog();
    await send(opened, { deliveryId: "same-id" });
    expect(apiRequests().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /api/graphql"]);
    expect(w.checkRuns(repo, pr.headSha, "agent-gate")).toHaveLength(1);
    expect(w.labelsOn(repo, pr.number).sort()).toEqual(["agent-authored", "agent:copilot"]);
  });

  test("a label other than ours costs no request; ours re-evaluates", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    fake.clearLog();
    w.labelPull(repo, pr.number, "bug");
    await send(labeledEvent(w, repo, pr.number, "bug"));
    await send(labeledEvent(w, repo, pr.number, "bug", "unlabeled"));
    expect(apiRequests()).toEqual([]);
    await send(labeledEvent(w, repo, pr.number, "agent-authored", "unlabeled"));
    expect(fake.countRequests({ kind: "graphql" })).toBe(1);
  });

  test("manual label on a human PR gates it", async () => {
    const repo = newRepo();
    const pr = w.addPull(repo, { author: "alice", head: "feat", commits: [{ message: "x", author: "alice", files: { "src/x.ts": "x\n" } }] });
    w.labelPull(repo, pr.number, "agent-authored");
    await send(labeledEvent(w, repo, pr.number, "agent-authored"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });

  test("bad signature and malformed payload change nothing", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    const status = await send(pullRequestEvent(w, repo, pr.number, "opened"), { badSignature: true });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(w.checkRuns(repo, pr.headSha)).toEqual([]);
    expect(apiRequests()).toEqual([]);
  });
});

describe("approvals (SPEC §4 qualifying human)", () => {
  test("a write collaborator's approval at the head → success; at a stale SHA → not counted", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    const r = w.review(repo, pr.number, "alice", "APPROVED");
    await send(reviewEvent(w, repo, pr.number, r.id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    const old = pr.headSha;
    w.pushToPull(repo, pr.number, { message: "More", author: AGENT, files: { "src/b.ts": "b\n" } });
    await send(pullRequestEvent(w, repo, pr.number, "synchronize"));
    expect(pr.headSha).not.toBe(old);
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    expect(gate(repo, pr.headSha).output.summary).toMatch(/alice/);
  });

  test("CHANGES_REQUESTED after APPROVED withdraws the approval", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    w.review(repo, pr.number, "alice", "APPROVED");
    const r = w.review(repo, pr.number, "alice", "CHANGES_REQUESTED");
    await send(reviewEvent(w, repo, pr.number, r.id));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });

  test("PR author, commit author, co-author, a bot and a read-only user do not qualify", async () => {
    const repo = newRepo({}, { dave: "write", erin: "write" });
    w.addUser("helper[bot]", { type: "Bot" });
    w.setPermission(repo, "helper[bot]", "write");
    const pr = w.addPull(repo, {
      author: "erin",
      head: "copilot/x",
      commits: [{ message: "Change\n\nCo-authored-by: Claude <noreply@anthropic.com>", author: "dave", coAuthors: ["bob"], files: { "src/a.ts": "a\n" } }],
    });
    for (const who of ["erin", "dave", "bob", "helper[bot]", "carol"]) w.review(repo, pr.number, who, "APPROVED");
    const last = pr.reviews[pr.reviews.length - 1]!;
    await send(reviewEvent(w, repo, pr.number, last.id));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    const text = `${run.output.summary}\n${run.output.text ?? ""}`;
    for (const who of ["erin", "dave", "bob", "carol"]) expect(text).toContain(who);
  });

  test("Approve click: unqualified changes nothing and says why; qualified is recorded and survives re-evaluation", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const runId = gate(repo, pr.headSha).id;
    await send(checkRunRequestedAction(w, repo, runId, "approve", "carol"));
    let run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(`${run.output.summary}${run.output.text}`).toMatch(/carol/);
    expect(run.output.text ?? "").not.toMatch(/agent-gate:approvals/);
    await send(checkRunRequestedAction(w, repo, runId, "approve", "alice"));
    run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
    expect(run.output.text).toMatch(/agent-gate:approvals/);
    await send(pullRequestEvent(w, repo, pr.number, "edited"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    // A new head SHA needs a new approval.
    w.pushToPull(repo, pr.number, { message: "More", author: AGENT, files: { "src/c.ts": "c\n" } });
    await send(pullRequestEvent(w, repo, pr.number, "synchronize"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });

  test("another app's check_suite and an unknown action cost no request", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    w.addCheckRun(repo, { appId: 999, headSha: pr.headSha, name: "ci" });
    fake.clearLog();
    await send(checkSuiteRerequested(w, repo, pr.headSha, "alice", 999));
    expect(apiRequests()).toEqual([]);
  });

  test("check_run and check_suite rerequested re-evaluate our run", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    w.review(repo, pr.number, "alice", "APPROVED");
    await send(checkRunRerequested(w, repo, gate(repo, pr.headSha).id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    w.review(repo, pr.number, "alice", "CHANGES_REQUESTED");
    await send(checkSuiteRerequested(w, repo, pr.headSha));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });
});

describe("policy", () => {
  test("block rule → failure; renaming a workflow away is judged on its old name", async () => {
    const repo = newRepo({ ".github/workflows/ci.yml": "on: push\n" });
    const pr = agentPull(repo, { ".github/workflows/ci.yml": null, "ci/old-ci.yml": "on: push\n" });
    // A rename: same content under a new path.
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required"); // the built-in policy: approve
    const repo2 = newRepo({ [POLICY]: "version: 1\npaths:\n  - match: ['.github/workflows/**']\n    action: block\n    reason: Agents may not change CI.\n", ".github/workflows/ci.yml": "on: push\n" });
    const pr2 = w.addPull(repo2, { author: AGENT, head: "copilot/mv", commits: [{ message: "Move CI", renames: { ".github/workflows/ci.yml": "ci/ci.yml" } }] });
    await send(pullRequestEvent(w, repo2, pr2.number, "opened"));
    const run2 = gate(repo2, pr2.headSha);
    expect(run2.conclusion).toBe("failure");
    expect(run2.output.summary).toContain("ci.yml");
    expect(fake.countRequests({ route: "/repos/{owner}/{repo}/pulls/{pull_number}/files" })).toBeGreaterThan(0);
  });

  test("invalid policy on the default branch → failure on every PR, with line and column", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\naproval:\n  count: 2\n" });
    const pr = w.addPull(repo, { author: "alice", head: "feat", commits: [{ message: "x", author: "alice", files: { "src/x.ts": "x\n" } }] });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/2:1|line 2/);
  });

  test("enabled: false → neutral", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\nenabled: false\n" });
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("neutral");
  });

  test("allow-only PR → success; labels still applied; labels: false → none", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\nlabels:\n  agent: false\npaths:\n  - match: ['docs/**']\n    action: allow\n" });
    const pr = agentPull(repo, { "docs/a.md": "a\n" });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    expect(w.labelsOn(repo, pr.number)).toEqual([]);
  });

  test("policy edited in the PR: the head copy never applies, but is validated and shown", async () => {
    const strict = "version: 1\ndefault: block\n";
    const repo = newRepo({ [POLICY]: strict });
    const pr = agentPull(repo, { [POLICY]: "version: 1\ndefault: allow\n", "src/a.ts": "a\n" });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    const pr2 = agentPull(repo, { [POLICY]: "version: 1\ndefault: alow\n" });
    await send(pullRequestEvent(w, repo, pr2.number, "opened"));
    const run2 = gate(repo, pr2.headSha);
    expect(run2.conclusion).toBe("failure");
    expect(`${run2.output.summary}${run2.output.text}`).toMatch(/alow|expected/);
  });

  test("PR retargeted to another base: targets follow the new base, policy still from the default branch", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\npaths:\n  - match: ['**']\n    targets: ['release/**']\n    action: block\n" });
    w.pushCommit(repo, "main", { message: "base", files: { "x.txt": "x\n" } });
    w.repo(repo).branches.set("release/1", w.branchSha(repo, "main"));
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    pr.baseRef = "release/1";
    await send(pullRequestEvent(w, repo, pr.number, "edited"));
    expect(gate(repo, pr.headSha).conclusion).toBe("failure");
  });

  test("org-wide policy from the organization's .github repository, with _extends", async () => {
    w.addRepo("globex/.github", { files: { [POLICY]: "version: 1\n_extends: shared:base.yml\nenabled: true\n" } });
    w.addRepo("globex/shared", { files: { "base.yml": "version: 1\nenabled: false\n" } });
    w.addRepo("globex/app", { files: { "README.md": "x\n" } });
    const pr = w.addPull("globex/app", { author: AGENT, head: "copilot/y", commits: [{ message: "x", files: { "src/y.ts": "y\n" } }] });
    await send(pullRequestEvent(w, "globex/app", pr.number, "opened"));
    const run = gate("globex/app", pr.headSha);
    // The extending file's `enabled: true` replaces the extended `enabled: false`.
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain(".github");
  });
});

describe("one SHA, several PRs", () => {
  test("a harmless twin never clears the dangerous PR (strictest wins)", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\npaths:\n  - match: ['**']\n    targets: ['release/**']\n    action: block\n" });
    w.repo(repo).branches.set("release/2", w.branchSha(repo, "main"));
    const pr = agentPull(repo);
    const twin = w.addPull(repo, { author: AGENT, head: "copilot/twin", base: "release/2", commits: [{ message: "tmp", files: { "src/a.ts": "export const a = 1;\n" } }] });
    Object.assign(twin, { headSha: pr.headSha, headRef: pr.headRef, commits: [...pr.commits] });
    w.review(repo, pr.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toContain(`#${twin.number}`);
  });
});

describe("robustness", () => {
  test("concurrent review and push converge: one check per SHA, the right outcome", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    const first = pr.headSha;
    const r = w.review(repo, pr.number, "alice", "APPROVED");
    const review = reviewEvent(w, repo, pr.number, r.id);
    const opened = pullRequestEvent(w, repo, pr.number, "opened");
    await Promise.all([send(review), send(opened), send(review)]);
    expect(gate(repo, first).conclusion).toBe("success");
    w.pushToPull(repo, pr.number, { message: "More", author: AGENT, files: { "src/d.ts": "d\n" } });
    const sync = pullRequestEvent(w, repo, pr.number, "synchronize");
    await Promise.all([send(sync), send(review), send(sync)]);
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    expect(w.labelsOn(repo, pr.number).sort()).toEqual(["agent-authored", "agent:copilot"]);
  });

  test("GraphQL 502 after retries → not success, says what failed and how to re-run", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    const fault = fake.faults.inject({ repo, graphql: "AgentGatePull", status: 502, times: 10 });
    expect(await send(pullRequestEvent(w, repo, pr.number, "opened"))).toBe(200);
    fake.faults.clear();
    expect(fault.hits).toBeGreaterThan(1); // plugin-retry retried
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).not.toBe("success");
    expect(`${run.output.summary}`).toMatch(/502/);
    expect(`${run.output.summary}`).toMatch(/Re-run/i);
  });

  test("GraphQL secondary rate limit is retried", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    fake.faults.inject({ repo, graphql: "AgentGatePull", status: 403, secondaryRateLimit: true, times: 1 });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    fake.faults.clear();
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });

  // GitHub answers these two with HTTP 200 and an `errors` array: the plugins that retry them must see
  // the decoded answer (src/github/json-bodies.ts decodes inside the auth hook, under the plugins).
  /** A new agent PR opened while the PR read is answered once with HTTP 200 and `errors`; its check. */
  async function openedWithGraphqlErrors(body: unknown) {
    const repo = newRepo();
    const pr = agentPull(repo);
    const fault = fake.faults.inject({ repo, graphql: "AgentGatePull", status: 200, times: 1, body });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    fake.faults.clear();
    expect(fault.hits).toBe(1);
    return gate(repo, pr.headSha);
  }

  test("GraphQL RATE_LIMITED (HTTP 200) → not success, says what failed (GHES URLs: plugin-throttling does not retry it)", async () => {
    // plugin-throttling 11 recognises GraphQL by the path "/graphql" (github.com); on GitHub Enterprise
    // Server, which this fake GitHub stands in for, @octokit/graphql sends to ".../api/graphql", so the
    // plugin neither spaces nor retries it: the read fails and the check fails closed.
    const run = await openedWithGraphqlErrors({ errors: [{ type: "RATE_LIMITED", message: "API rate limit already exceeded for installation ID 1." }] });
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/API rate limit already exceeded/);
  });

  test("GraphQL 'Something went wrong while executing your query' (HTTP 200) is retried by plugin-retry", async () => {
    const run = await openedWithGraphqlErrors({ data: null, errors: [{ message: "Something went wrong while executing your query. Please include `ABCD:1234` when reporting this issue." }] });
    expect(run.conclusion).toBe("action_required");
  });

  test("past GitHub's 3,000-file cap → fails closed", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\ndefault: allow\n" });
    const files: Record<string, string> = {};
    for (let i = 0; i < 3001; i++) files[`docs/f${i}.md`] = `${i}\n`;
    const pr = agentPull(repo, files);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).not.toBe("success");
    expect(run.output.summary).toMatch(/3,?000/);
  });
});

describe("merge_group and push", () => {
  test("merge group: success only if every PR passes; unresolvable → failure", async () => {
    const repo = newRepo();
    const a = agentPull(repo, { "src/m1.ts": "1\n" });
    w.review(repo, a.number, "alice", "APPROVED");
    const b = w.addPull(repo, { author: "alice", head: "feat-b", commits: [{ message: "b", author: "alice", files: { "src/m2.ts": "2\n" } }] });
    const group = w.enqueue(repo, [a.number, b.number]);
    await send(mergeGroupChecksRequested(w, repo, group));
    expect(gate(repo, group.headSha).conclusion).toBe("success");
    const c = agentPull(repo, { "src/m3.ts": "3\n" });
    const group2 = w.enqueue(repo, [c.number]);
    fake.clearLog();
    await send(mergeGroupChecksRequested(w, repo, group2));
    // Issue 8 point 7: success or failure only (nobody can click in a queue), written in one request
    // GitHub accepts (the fake answers 422 to action_required without details_url), naming the PR.
    const queued = gate(repo, group2.headSha);
    expect(queued.conclusion).toBe("failure");
    expect(queued.actions).toEqual([]);
    expect(queued.output.title).toContain(`#${c.number}`);
    expect(queued.output.summary).toMatch(new RegExp(`- #${c.number} \\(action required\\)`));
    expect(e2e.writes().filter((r) => r.path.includes(`/repos/${repo}/check-runs`))).toHaveLength(1);
    const stray = { ...group2, headSha: w.pushCommit(repo, "main", { message: "unrelated" }).sha };
    await send(mergeGroupChecksRequested(w, repo, stray));
    expect(gate(repo, stray.headSha).conclusion).toBe("failure");
  });

  test("push of agent commits to the default branch → neutral check + audit; human push and other branches → no write", async () => {
    const repo = newRepo();
    const human = w.pushCommit(repo, "main", { message: "Human change", author: "alice" });
    await send(pushEvent(w, repo, { after: human.sha }));
    expect(w.checkRuns(repo, human.sha)).toEqual([]);
    expect(writes()).toEqual([]);
    const agent = w.pushCommit(repo, "main", { message: "Agent change\n\nCo-authored-by: Claude <noreply@anthropic.com>", author: "alice" });
    await send(pushEvent(w, repo, { after: agent.sha }));
    const run = gate(repo, agent.sha);
    expect(run.conclusion).toBe("neutral");
    expect(run.output.title).toMatch(/without a pull request/);
    await waitForLog((l) => l.msg === "agent-gate direct push" && (l.audit as { repo: string }).repo === repo);
    fake.clearLog();
    w.repo(repo).branches.set("other", agent.sha);
    await send(pushEvent(w, repo, { ref: "refs/heads/other", after: agent.sha }));
    expect(apiRequests()).toEqual([]);
  });

  test("audit log: one JSON line per decision with stable fields", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const line = await waitForLog((l) => l.msg === "agent-gate decision" && (l.audit as { repo: string }).repo === repo);
    expect(line.audit).toMatchObject({
      repo,
      pull: pr.number,
      headSha: pr.headSha,
      agents: ["copilot"],
      conclusion: "action_required",
      policySource: { kind: "builtin" },
      githubRequests: { graphql: 1 },
    });
    const logs = app.logs.join("\n");
    expect(logs).not.toContain(app.secret);
    expect(logs).not.toContain("BEGIN RSA");
  });
});
