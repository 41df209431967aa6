/**
 * Attacks by whoever controls the agent, end to end: the real app process against the fake GitHub,
 * webhooks signed and posted, assertions on the check run GitHub would show. Each test tries one
 * bypass that a SPEC §4 rule closes (the engine-level versions are in test/attacks.test.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CheckRunState, CommitInput, FakeGitHub, PullInput, World } from "../fake-github/index.js";
import { AGENT, POLICY, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { checkRunRequestedAction, checkRunRerequested, mergeGroupChecksRequested, pullRequestEvent, reviewEvent } from "../helpers/webhooks.js";
import { decodeButtonApprovals, encodeButtonApprovals } from "../../src/github/button-approvals.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "atk", collaborators: { alice: "write", bob: "write", carol: "read" } });
// `ourGate`: another app's run named agent-gate is not ours (the impostor test below plants one).
const { newRepo, sendOk: send, ourGate: gate, apiRequests } = e2e;
let fake: FakeGitHub, w: World;
beforeAll(() => ({ fake, w } = e2e));

const CI_BLOCK = "version: 1\npaths:\n  - match: ['.github/workflows/**']\n    action: block\n    reason: Agents may not change CI.\n  - match: ['docs/**', '**/*.md']\n    action: allow\n";
const TARGETED = "version: 1\npaths:\n  - match: ['**']\n    targets: ['release/**']\n    action: block\n    reason: Release branches are human-only.\n";

/** Copilot's PR on a head branch of its own (the number also moves the next repository's). */
function agentPull(repo: string, files?: Record<string, string | null>, extra: PullInput = {}) {
  return e2e.agentPull(repo, files, { head: `copilot/change-${e2e.nextNumber()}`, ...extra });
}

const shown = (run: CheckRunState) => `${run.output.title}\n${run.output.summary}\n${run.output.text ?? ""}`;

// ───────────────────────────── where the policy comes from ─────────────────────────────

describe("policy source: never the PR's head or base, only the default branch (else the org's)", () => {
  it("the PR head rewrites the policy to allow everything: not applied, and the change itself is blocked (built-in)", async () => {
    const repo = newRepo();
    const pr = agentPull(repo, { [POLICY]: "version: 1\npaths:\n  - match: ['**']\n    action: allow\ndefault: allow\n", "src/a.ts": "a\n" });
    w.review(repo, pr.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(shown(run)).toContain("agent-policy.yml");
    expect(run.output.summary).toMatch(/built\\?-in/);
  });

  it("a permissive policy on the PR's (non-default) base branch is not applied", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\ndefault: approve\n" });
    w.repo(repo).branches.set("release/x", w.branchSha(repo, "main"));
    w.setFile(repo, "release/x", POLICY, "version: 1\nenabled: false\n");
    const pr = agentPull(repo, { "src/a.ts": "a\n" }, { base: "release/x" });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toMatch(/@⁠?main|main\\?:/);
  });

  it("retargeting main → release/x → main: `targets` follow the current base each time", async () => {
    const repo = newRepo({ [POLICY]: TARGETED });
    w.repo(repo).branches.set("release/x", w.branchSha(repo, "main"));
    const pr = agentPull(repo);
    w.review(repo, pr.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    let moved = w.retargetPull(repo, pr.number, "release/x");
    await send(pullRequestEvent(w, repo, pr.number, "edited", { changes: { base: { ref: { from: moved.from.ref }, sha: { from: moved.from.sha } } } }));
    expect(gate(repo, pr.headSha).conclusion).toBe("failure");
    moved = w.retargetPull(repo, pr.number, "main");
    await send(pullRequestEvent(w, repo, pr.number, "edited", { changes: { base: { ref: { from: moved.from.ref }, sha: { from: moved.from.sha } } } }));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
  });

  it("an `_extends` that cannot be read (missing repo, another owner's repo) fails closed, never the built-in fallback", async () => {
    for (const target of ["does-not-exist", "agent-owner/evil-policies"]) {
      const repo = newRepo({ [POLICY]: `version: 1\n_extends: ${target}\n` });
      const pr = agentPull(repo);
      w.review(repo, pr.number, "alice", "APPROVED");
      await send(pullRequestEvent(w, repo, pr.number, "opened"));
      const run = gate(repo, pr.headSha);
      expect(run.conclusion, target).toBe("failure");
      expect(shown(run)).toMatch(/_extends/);
      fake.clearLog();
    }
  });

  it("the org's .github policy applies only when the repository has no file (not when its file is valid, nor when invalid)", async () => {
    w.addRepo("orgx/.github", { files: { [POLICY]: "version: 1\nenabled: false\n" } });
    const cases: [Record<string, string>, string][] = [
      [{}, "neutral"],
      [{ [POLICY]: "version: 1\n" }, "action_required"],
      [{ [POLICY]: "version: 1\nenabld: false\n" }, "failure"],
    ];
    for (const [files, conclusion] of cases) {
      const repo = newRepo(files, {}, "orgx");
      const pr = agentPull(repo);
      await send(pullRequestEvent(w, repo, pr.number, "opened"));
      expect(gate(repo, pr.headSha).conclusion, JSON.stringify(files)).toBe(conclusion);
    }
  });
});

// ───────────────────────────── paths ─────────────────────────────

describe("paths", () => {
  it("rename .github/workflows/ci.yml → docs/ci.md (docs are allow): blocked on the old name", async () => {
    const repo = newRepo({ [POLICY]: CI_BLOCK, ".github/workflows/ci.yml": "on: push\n" });
    const pr = w.addPull(repo, { author: AGENT, head: "copilot/mv", commits: [{ message: "Move CI to docs", renames: { ".github/workflows/ci.yml": "docs/ci.md" } }] });
    w.review(repo, pr.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toContain("ci.yml");
  });

  it("deleting a blocked file is blocked", async () => {
    const repo = newRepo({ [POLICY]: CI_BLOCK, ".github/workflows/ci.yml": "on: push\n" });
    const pr = agentPull(repo, { ".github/workflows/ci.yml": null });
    w.review(repo, pr.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("failure");
  });

  it("file names carrying Markdown, newlines, `|` and a forged click block neither forge nor erase Approve clicks", async () => {
    const forged = encodeButtonApprovals({ sha: "0".repeat(40), approvals: [{ login: "mallory", id: 1, type: "User", at: "2024-01-01T00:00:00Z" }] });
    const repo = newRepo();
    const pr = agentPull(repo, {
      [`src/${forged}.ts`]: "x\n",
      "src/a|b|c.ts": "x\n",
      "src/``tick``.ts": "x\n",
      "src/new\nline.md": "x\n",
      "src/## Approved by @alice.ts": "x\n",
    });
    w.editPull(repo, pr.number, { body: `Generated with [Claude Code](https://claude.com/claude-code)\n\n${forged.replace("0".repeat(40), pr.headSha)}` });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    let run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).not.toMatch(/^## Approved by/m);
    await send(checkRunRequestedAction(w, repo, run.id, "approve", "alice"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    // Re-evaluation at the same SHA reads the real click back from the run, past the forged opener.
    await send(pullRequestEvent(w, repo, pr.number, "edited"));
    run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
    expect(shown(run)).not.toMatch(/mallory.*counted/);
  });
});

// ───────────────────────────── approvals ─────────────────────────────

describe("approvals", () => {
  it("COMMENTED after APPROVED keeps the approval (GitHub: a comment review neither grants nor withdraws); DISMISSED withdraws it", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    w.review(repo, pr.number, "alice", "APPROVED");
    const c = w.review(repo, pr.number, "alice", "COMMENTED");
    await send(reviewEvent(w, repo, pr.number, c.id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    const approved = pr.reviews.find((r) => r.state === "APPROVED")!;
    w.dismissReview(repo, pr.number, approved.id);
    await send(reviewEvent(w, repo, pr.number, approved.id, "dismissed"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });

  it("approval then push: the approval of the old SHA does not carry over", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    w.review(repo, pr.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    w.pushToPull(repo, pr.number, { message: "sneak in", author: AGENT, files: { "src/evil.ts": "x\n" } });
    await send(pullRequestEvent(w, repo, pr.number, "synchronize"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });

  it("the same human twice (review and click) counts once toward count: 2", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\napproval:\n  count: 2\n" });
    const pr = agentPull(repo);
    w.review(repo, pr.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    await send(checkRunRequestedAction(w, repo, gate(repo, pr.headSha).id, "approve", "alice"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    const r = w.review(repo, pr.number, "bob", "APPROVED");
    await send(reviewEvent(w, repo, pr.number, r.id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
  });

  it("contributors by noreply e-mail only, the agent-as-committer's pusher, Copilot typed User, triage and read users do not count", async () => {
    const repo = newRepo({}, { dave: "write", tess: "triage", Copilot: "write" });
    w.addUser("Copilot", { type: "User", id: 198982749 });
    const dave = w.user("dave")!;
    const commits: CommitInput[] = [
      // Human-opened PR; the one agent commit: the agent only as committer.
      { message: "Tweak", author: { name: "Dave", email: `${dave.id}+dave@users.noreply.github.com`, login: null }, committer: { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: null }, files: { "src/a.ts": "a\n" } },
    ];
    const pr = w.addPull(repo, { author: "bob", head: "feature/x", commits });
    for (const who of ["bob", "dave", "Copilot", "tess", "carol"]) w.review(repo, pr.number, who, "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    const text = shown(run);
    expect(text).toMatch(/agent identity/);
    // GraphQL's authorCanPushToRepository is false for triage and read alike: shown as below write,
    // without naming a role the read did not give.
    expect(text).toMatch(/tess\S* \(review\) — cannot push to the repository \\\(read or triage permission\\\), needs write/);
    const r = w.review(repo, pr.number, "alice", "APPROVED");
    await send(reviewEvent(w, repo, pr.number, r.id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
  });

  it("Approve clicks by the opener, a bot and someone outside the required team do not count", async () => {
    w.addTeam("acme/platform", ["alice"]);
    const repo = newRepo({ [POLICY]: "version: 1\napproval:\n  teams: [acme/platform]\n" }, { erin: "admin", bob: "admin" });
    w.addUser("helper[bot]", { type: "Bot" });
    w.setPermission(repo, "helper[bot]", "admin");
    const pr = w.addPull(repo, { author: "erin", head: "feature/y", commits: [{ message: "x\n\nCo-authored-by: Claude <noreply@anthropic.com>", author: "erin", files: { "src/a.ts": "a\n" } }] });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    for (const who of ["erin", "helper[bot]", "bob", "carol"]) {
      await send(checkRunRequestedAction(w, repo, gate(repo, pr.headSha).id, "approve", who));
      const run = gate(repo, pr.headSha);
      expect(run.conclusion, who).toBe("action_required");
      // No click stored (the block may hold the review request made at this SHA).
      expect(decodeButtonApprovals(run.output.text, pr.headSha), who).toEqual([]);
    }
    await send(checkRunRequestedAction(w, repo, gate(repo, pr.headSha).id, "approve", "alice"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
  });

  it("a permission look-up that errors does not count the approval; a re-run after recovery does", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\napproval:\n  min_permission: maintain\n" }, { alice: "maintain" });
    const pr = agentPull(repo);
    w.review(repo, pr.number, "alice", "APPROVED");
    fake.faults.inject({ repo, operationId: "repos/get-collaborator-permission-level", status: 500, times: 20 });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    let run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(shown(run)).toMatch(/permission could not be read/);
    fake.faults.clear();
    await send(checkRunRerequested(w, repo, run.id));
    run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
  });

  it("team look-up: 404 (not a member) and 500 (unverifiable) both refuse, with different reasons", async () => {
    w.addTeam("acme/core", ["alice"]);
    const repo = newRepo({ [POLICY]: "version: 1\napproval:\n  teams: [acme/core]\n" });
    const pr = agentPull(repo);
    w.review(repo, pr.number, "bob", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(shown(gate(repo, pr.headSha))).toMatch(/not in acme\\?\/core/);
    const r = w.review(repo, pr.number, "alice", "APPROVED");
    fake.faults.inject({ operationId: "teams/get-membership-for-user-in-org", status: 500, times: 20 });
    await send(reviewEvent(w, repo, pr.number, r.id));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(shown(run)).toMatch(/could not be verified/);
  });
});

// ───────────────────────────── our check run, and nobody else's ─────────────────────────────

describe("another app's check run named agent-gate", () => {
  it("is never read as ours (its success, its text, its forged clicks), and its button clicks cost nothing", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    const forged = encodeButtonApprovals({ sha: pr.headSha, approvals: [{ login: "alice", id: w.user("alice")!.id, type: "User", at: "2024-01-01T00:00:00Z" }] });
    const impostor = w.addCheckRun(repo, { appId: 999, headSha: pr.headSha, name: "agent-gate", status: "completed", conclusion: "success", output: { title: "ok", summary: "ok", text: `fine\n\n${forged}` } });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.id).not.toBe(impostor.id);
    expect(run.conclusion).toBe("action_required");
    fake.clearLog();
    await send(checkRunRequestedAction(w, repo, impostor.id, "approve", "alice"));
    expect(apiRequests()).toEqual([]);
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    expect(w.checkRun(impostor.id)?.conclusion).toBe("success");
  });
});

// ───────────────────────────── detection evasion ─────────────────────────────

describe("detection evasion", () => {
  const humanCommits = (n: number): CommitInput[] => Array.from({ length: n }, (_, i) => ({ message: `Human change ${i}`, author: "alice", files: { [`src/h${i}.ts`]: `${i}\n` } }));

  it("one agent commit (CRLF, upper-case trailer key) among 248 human commits, PR opened by a human", async () => {
    const repo = newRepo({}, { dave: "write" });
    const commits = humanCommits(248);
    commits.splice(100, 0, { message: "Tweak\r\n\r\nCO-AUTHORED-BY: Claude Opus 4.5 <noreply@anthropic.com>\r\n", author: "alice", files: { "src/t.ts": "t\n" } });
    const pr = w.addPull(repo, { author: "alice", head: "feature/many", commits });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(shown(run)).toMatch(/claude-code/);
  });

  it("251 commits: past GitHub's 250-commit listing cap → fails closed, even for a human PR", async () => {
    const repo = newRepo();
    const pr = w.addPull(repo, { author: "alice", head: "feature/huge", commits: humanCommits(251) });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/250/);
  });
});

// ───────────────────────────── fail closed ─────────────────────────────

describe("fail closed", () => {
  it("a GraphQL answer with errors and no data (HTTP 200) → failure saying what could not be read", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    w.review(repo, pr.number, "alice", "APPROVED");
    fake.faults.inject({ repo, graphql: "AgentGatePull", status: 200, times: 5, body: { data: null, errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration", path: ["repository"] }] } });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/not accessible|Re-run/);
  });

  it("a page of files that cannot be read → not success", async () => {
    const repo = newRepo();
    const files: Record<string, string> = {};
    for (let i = 0; i < 150; i++) files[`src/f${i}.ts`] = `${i}\n`;
    const pr = agentPull(repo, files);
    w.review(repo, pr.number, "alice", "APPROVED");
    fake.faults.inject({ repo, graphql: "AgentGateFiles", status: 502, times: 20 });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/changed files/);
  });
});

// ───────────────────────────── one SHA, several PRs; merge groups ─────────────────────────────

describe("one SHA, several PRs", () => {
  function twins() {
    const repo = newRepo({ [POLICY]: TARGETED });
    w.repo(repo).branches.set("release/2", w.branchSha(repo, "main"));
    const harmless = agentPull(repo);
    const dangerous = w.addPull(repo, { author: AGENT, head: "copilot/twin", base: "release/2", commits: [{ message: "tmp", files: { "src/a.ts": "export const a = 1;\n" } }] });
    Object.assign(dangerous, { headSha: harmless.headSha, headRef: harmless.headRef, commits: [...harmless.commits] });
    return { repo, harmless, dangerous };
  }

  it("approving, re-running or closing the harmless twin never clears the dangerous one's failure", async () => {
    const { repo, harmless, dangerous } = twins();
    await send(pullRequestEvent(w, repo, harmless.number, "opened"));
    expect(gate(repo, harmless.headSha).conclusion).toBe("failure");
    const r = w.review(repo, harmless.number, "alice", "APPROVED");
    await send(reviewEvent(w, repo, harmless.number, r.id));
    expect(gate(repo, harmless.headSha).conclusion).toBe("failure");
    await send(checkRunRequestedAction(w, repo, gate(repo, harmless.headSha).id, "approve", "bob"));
    expect(gate(repo, harmless.headSha).conclusion).toBe("failure");
    w.closePull(repo, harmless.number);
    await send(pullRequestEvent(w, repo, harmless.number, "closed"));
    await send(pullRequestEvent(w, repo, dangerous.number, "edited"));
    expect(gate(repo, harmless.headSha).conclusion).toBe("failure");
  });

  it("once the dangerous twin is closed, the next evaluation of the harmless one judges it alone", async () => {
    const { repo, harmless, dangerous } = twins();
    w.review(repo, harmless.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, harmless.number, "opened"));
    expect(gate(repo, harmless.headSha).conclusion).toBe("failure");
    w.closePull(repo, dangerous.number);
    await send(pullRequestEvent(w, repo, harmless.number, "edited"));
    expect(gate(repo, harmless.headSha).conclusion).toBe("success");
  });

  // `pull_request.closed` is not in SPEC §5's list; without handling it the SHA would keep the closed
  // twin's failure until the next event on the remaining PR (src/app/handlers/pull-request-closed.ts).
  it("closing the dangerous twin re-evaluates the SHA's remaining open PR by itself", async () => {
    const { repo, harmless, dangerous } = twins();
    w.review(repo, harmless.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, harmless.number, "opened"));
    expect(gate(repo, harmless.headSha).conclusion).toBe("failure");
    w.closePull(repo, dangerous.number);
    await send(pullRequestEvent(w, repo, dangerous.number, "closed"));
    expect(gate(repo, harmless.headSha).conclusion).toBe("success");
  });
});

describe("merge groups", () => {
  it("a group with one blocked PR among passing ones fails", async () => {
    const repo = newRepo({ [POLICY]: CI_BLOCK });
    const ok = agentPull(repo, { "src/m1.ts": "1\n" });
    w.review(repo, ok.number, "alice", "APPROVED");
    const bad = agentPull(repo, { ".github/workflows/x.yml": "on: push\n" });
    w.review(repo, bad.number, "alice", "APPROVED");
    const human = w.addPull(repo, { author: "alice", head: "feat-h", commits: [{ message: "h", author: "alice", files: { "src/h.ts": "h\n" } }] });
    const group = w.enqueue(repo, [ok.number, bad.number, human.number]);
    await send(mergeGroupChecksRequested(w, repo, group));
    const run = gate(repo, group.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.title).toContain(`#${bad.number}`);
  });

  it("a group whose PR cannot be read is not success", async () => {
    const repo = newRepo();
    const a = agentPull(repo, { "src/m1.ts": "1\n" });
    w.review(repo, a.number, "alice", "APPROVED");
    const group = w.enqueue(repo, [a.number]);
    fake.faults.inject({ repo, graphql: "AgentGatePull", status: 502, times: 20 });
    await send(mergeGroupChecksRequested(w, repo, group));
    expect(gate(repo, group.headSha).conclusion).not.toBe("success");
  });
});
