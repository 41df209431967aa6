/**
 * Issue 8, the GitHub-reading and app-flow bypasses, each tried through the running app against the
 * fake GitHub (webhooks signed and posted, assertions on the check GitHub would show), plus the
 * attacker pass over SPEC §4's rules and §5's events (docs/security.md lists what stops each).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CheckRunState, CommitInput, World } from "../fake-github/index.js";
import { AGENT, POLICY, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { checkRunRequestedAction, checkRunRerequested, labeledEvent, pullRequestEvent, pushEvent, reviewEvent } from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "byp", collaborators: { alice: "write", bob: "write", carol: "read" } });
const { newRepo, agentPull, sendOk: send, ourGate: gate } = e2e;
let w: World;
beforeAll(() => {
  w = e2e.w;
});

/** What the check shows, with the renderer's Markdown escapes and word joiners taken out. */
const plain = (s: string) => s.replace(/\\(.)/g, "$1").replaceAll("\u2060", "");
const shown = (run: CheckRunState) => plain(`${run.output.title}\n${run.output.summary}\n${run.output.text ?? ""}`);
const humanCommits = (n: number): CommitInput[] => Array.from({ length: n }, (_, i) => ({ message: `Human change ${i}`, author: "alice", files: { [`src/h${i}.ts`]: `${i}\n` } }));

describe("point 2: every co-author is a contributor", () => {
  it("nine co-authors, then `Co-authored-by: Bob <bob@acme.example>` (an e-mail GitHub resolves to bob): bob's approval does not count", async () => {
    const repo = newRepo();
    w.addUser("bob", { email: "bob@acme.example" });
    const coAuthors = [...Array.from({ length: 9 }, (_, i) => ({ name: `Helper ${i}`, email: `helper${i}@example.com` })), { name: "Bob", email: "bob@acme.example" }];
    const pr = agentPull(repo, undefined, { commits: [{ message: "Change things", files: { "src/a.ts": "a\n" }, coAuthors }] });
    w.review(repo, pr.number, "bob", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.title).not.toMatch(/Approved by @bob/);
    expect(shown(run)).toMatch(/co-authored commit/);
    // A qualifying human who did not co-author still counts.
    await send(reviewEvent(w, repo, pr.number, w.review(repo, pr.number, "alice", "APPROVED").id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
  });

  it("a commit naming more co-authors than GitHub lists on one page fails closed, saying why", async () => {
    const repo = newRepo();
    const coAuthors = Array.from({ length: 101 }, (_, i) => ({ name: `Helper ${i}`, email: `many${i}@example.com` }));
    const pr = agentPull(repo, undefined, { commits: [{ message: "Change things", files: { "src/a.ts": "a\n" }, coAuthors }] });
    w.review(repo, pr.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(shown(run)).toMatch(/names 102 authors and co-authors; GitHub listed only 100/);
  });
});

describe("point 8: exact listing caps", () => {
  it("exactly 3,000 files, listed completely, is judged; 3,001 fails closed", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\ndefault: allow\n" });
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`docs/f${i}.md`] = `${i}\n`;
    const pr = agentPull(repo, files);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("success");
    expect(run.output.summary).not.toMatch(/lists at most/);
  });

  it("exactly 250 commits is judged; 251 fails closed", async () => {
    const repo = newRepo();
    const at = w.addPull(repo, { author: "alice", head: "feature/250", commits: humanCommits(250) });
    await send(pullRequestEvent(w, repo, at.number, "opened"));
    expect(gate(repo, at.headSha).conclusion).toBe("success");
    const over = w.addPull(repo, { author: "alice", head: "feature/251", commits: humanCommits(251) });
    await send(pullRequestEvent(w, repo, over.number, "opened"));
    const run = gate(repo, over.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/251 commits; GitHub lists at most 250/);
  });
});

describe("point 5: a skip never rests on a stale policy", () => {
  it("a push renames labels.agent; a human then adds the new label to a human PR → evaluated and gated", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\n" });
    const pr = w.addPull(repo, { author: "alice", head: "feature/x", commits: [{ message: "x", author: "alice", files: { "src/x.ts": "x\n" } }] });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    const before = w.branchSha(repo, "main");
    w.setFile(repo, "main", POLICY, "version: 1\nlabels:\n  agent: ai-made\n");
    await send(pushEvent(w, repo, { before }, "alice"));
    w.labelPull(repo, pr.number, "ai-made", "alice");
    await send(labeledEvent(w, repo, pr.number, "ai-made"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(shown(run)).toMatch(/ai-made/);
  });

  it("the same through the organisation's .github policy", async () => {
    const org = "orgpol";
    const dotgithub = `${org}/.github`;
    w.addRepo(dotgithub, { files: { "README.md": "#\n", [POLICY]: "version: 1\n" }, collaborators: { alice: "admin" } });
    const repo = newRepo({}, {}, org);
    const pr = w.addPull(repo, { author: "alice", head: "feature/y", commits: [{ message: "y", author: "alice", files: { "src/y.ts": "y\n" } }] });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    const before = w.branchSha(dotgithub, "main");
    w.setFile(dotgithub, "main", POLICY, "version: 1\nlabels:\n  agent: org-ai\n");
    await send(pushEvent(w, dotgithub, { before }, "alice"));
    w.labelPull(repo, pr.number, "org-ai", "alice");
    await send(labeledEvent(w, repo, pr.number, "org-ai"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });
});

describe("point 6: a direct-push report never weakens a PR's check", () => {
  it("an agent PR into release/1 is `failure`; its head pushed to the unprotected default branch stays `failure`", async () => {
    const repo = newRepo({ [POLICY]: 'version: 1\npaths:\n  - match: ["**"]\n    targets: ["release/**"]\n    action: block\n    reason: "No agent work on release branches."\n' });
    w.repo(repo).branches.set("release/1", w.branchSha(repo, "main"));
    const pr = agentPull(repo, { "src/r.ts": "r\n" }, { base: "release/1", commits: [{ message: "Change\n\nCo-authored-by: Claude <noreply@anthropic.com>", author: "alice", files: { "src/r.ts": "r\n" } }] });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("failure");
    const before = w.branchSha(repo, "main");
    w.repo(repo).branches.set("main", pr.headSha);
    await send(pushEvent(w, repo, { before, after: pr.headSha }, "alice"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/release/);
    // The push is still in the audit trail, with no check written for it.
    const line = await e2e.waitForLog((l) => (l.audit as { type?: string; headSha?: string } | undefined)?.headSha === pr.headSha && (l.audit as { type?: string }).type === "direct_push");
    expect((line.audit as { conclusion: unknown }).conclusion).toBeNull();
  });
});

describe("point 9: an unreadable organisation .github is said, not silently replaced", () => {
  it("missing, with the app on all repositories: the check and the audit line say it does not exist", async () => {
    const repo = newRepo({}, {}, "noorg");
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(shown(run)).toMatch(/no organization policy could be read: noorg\/\.github does not exist/);
    const line = await e2e.waitForLog((l) => (l.audit as { headSha?: string } | undefined)?.headSha === pr.headSha);
    expect(JSON.stringify(line.audit)).toMatch(/no organization policy could be read: noorg\/.github does not exist/);
  });

  it("present but not selected for the installation: the org's block rule is not silently dropped", async () => {
    const org = "selorg";
    w.addRepo(`${org}/.github`, { files: { "README.md": "#\n", [POLICY]: 'version: 1\npaths:\n  - match: ["**"]\n    action: block\n' }, collaborators: {} });
    const repo = newRepo({}, {}, org);
    w.selectRepositories(org, [repo]);
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(shown(run)).toMatch(/not among the repositories selected for this installation/);
  });
});

describe("point 15: the default branch comes from GitHub, not the payload", () => {
  it("a redelivered old payload naming the former default branch: the policy is read from the current one", async () => {
    const repo = newRepo({ [POLICY]: "version: 1\nenabled: false\n" });
    const pr = agentPull(repo);
    const stale = pullRequestEvent(w, repo, pr.number, "opened");
    w.repo(repo).branches.set("trunk", w.branchSha(repo, "main"));
    w.setFile(repo, "trunk", POLICY, 'version: 1\npaths:\n  - match: ["src/**"]\n    action: block\n');
    w.repo(repo).defaultBranch = "trunk";
    await send(stale);
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/trunk/);
  });
});

describe("point 17: a malformed payload never freezes a SHA's check", () => {
  it("a click whose sender has no login is refused; bob's approval and then CHANGES_REQUESTED still evaluate", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    const click = checkRunRequestedAction(w, repo, run.id, "approve", "bob");
    delete (click[1].sender as Record<string, unknown>).login;
    await send(click);
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    await send(reviewEvent(w, repo, pr.number, w.review(repo, pr.number, "bob", "APPROVED").id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    await send(reviewEvent(w, repo, pr.number, w.review(repo, pr.number, "bob", "CHANGES_REQUESTED").id));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    await send(checkRunRerequested(w, repo, run.id));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });
});

describe("point 17: an evaluation that throws never leaves a stale passing check", () => {
  it("approved (`success`), then CHANGES_REQUESTED whose check write GitHub refuses: the check is not left `success`", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(reviewEvent(w, repo, pr.number, w.review(repo, pr.number, "alice", "APPROVED").id));
    expect(gate(repo, pr.headSha).conclusion).toBe("success");
    const withdrawn = reviewEvent(w, repo, pr.number, w.review(repo, pr.number, "alice", "CHANGES_REQUESTED").id);
    // 422 is not retried by Octokit: the evaluation's own write fails once and the evaluation throws.
    e2e.fake.faults.inject({ repo, operationId: "checks/update", status: 422, times: 1 });
    expect(await e2e.send(withdrawn)).not.toBe(200);
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).not.toBe("success");
    // The failure saying why was written right away (a retry may since have rewritten the real decision).
    expect(run.history.some((h) => (h.body as { conclusion?: string; output?: { title?: string } }).output?.title === "agent-gate could not evaluate this commit")).toBe(true);
    expect(shown(run)).toMatch(/could not evaluate this commit|Needs 1 more approval/);
  });
});

describe("point 17: malformed pull request payloads", () => {
  it("a head SHA that is no SHA, or no number: answered, nothing written; the real event after it is judged", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    const badSha = pullRequestEvent(w, repo, pr.number, "opened");
    (badSha[1].pull_request as { head: { sha: string } }).head.sha = "../../x";
    const noNumber = pullRequestEvent(w, repo, pr.number, "opened");
    delete (noNumber[1].pull_request as Record<string, unknown>).number;
    e2e.fake.clearLog();
    for (const d of [badSha, noNumber]) expect(await e2e.send(d)).toBe(200);
    expect(e2e.writes().filter((r) => r.path.includes(`/repos/${repo}/`))).toEqual([]);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });
});

describe("point 18: a policy the loader cannot judge still gives `failure`", () => {
  it("one flow sequence of 130,000 items: failure on a human PR, quoting the file, and the delivery is answered", async () => {
    const huge = `version: 1\nagents:\n  ignore: [${Array.from({ length: 130_000 }, () => "a").join(", ")}]\n`;
    const repo = newRepo({ [POLICY]: huge });
    const pr = w.addPull(repo, { author: "alice", head: "feature/h", commits: [{ message: "h", author: "alice", files: { "src/h.ts": "h\n" } }] });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = gate(repo, pr.headSha);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).toMatch(/agent-policy\\?\.yml/);
  });
});

// ───────────────────────────── attacker pass ─────────────────────────────

describe("attacker pass: events out of order, stale payloads, requeues", () => {
  it("an older synchronize delivered after the newer one writes nothing on the old SHA and leaves the new head right", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const oldSha = pr.headSha;
    const oldSync = pullRequestEvent(w, repo, pr.number, "synchronize");
    w.pushToPull(repo, pr.number, { message: "More", author: AGENT, files: { "src/b.ts": "b\n" } });
    const newSha = w.pull(repo, pr.number).headSha;
    w.review(repo, pr.number, "alice", "APPROVED");
    await send(pullRequestEvent(w, repo, pr.number, "synchronize"));
    expect(gate(repo, newSha).conclusion).toBe("success");
    const oldRun = structuredClone(gate(repo, oldSha));
    await send(oldSync);
    // The stale event is evaluated at the PR's current head, in that SHA's slot: one run there, and the old SHA's run untouched.
    expect(gate(repo, newSha).conclusion).toBe("success");
    expect(gate(repo, oldSha).history).toEqual(oldRun.history);
  });

  it("a stale review payload (old head) after a push: the old approval never lands on the new head", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const staleReview = reviewEvent(w, repo, pr.number, w.review(repo, pr.number, "alice", "APPROVED").id);
    w.pushToPull(repo, pr.number, { message: "More", author: AGENT, files: { "src/c.ts": "c\n" } });
    const newSha = w.pull(repo, pr.number).headSha;
    await send(staleReview);
    expect(gate(repo, newSha).conclusion).toBe("action_required");
  });

  it("a click sent for a run of an older head never approves the new head", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    const oldRun = gate(repo, pr.headSha);
    w.pushToPull(repo, pr.number, { message: "More", author: AGENT, files: { "src/d.ts": "d\n" } });
    const newSha = w.pull(repo, pr.number).headSha;
    await send(pullRequestEvent(w, repo, pr.number, "synchronize"));
    await send(checkRunRequestedAction(w, repo, oldRun.id, "approve", "alice"));
    expect(gate(repo, newSha).conclusion).toBe("action_required");
  });

  it("retargeted to a blocked base, then a stale `opened` for the old base arrives: the current base decides", async () => {
    const repo = newRepo({ [POLICY]: 'version: 1\npaths:\n  - match: ["**"]\n    targets: ["release/**"]\n    action: block\n' });
    w.repo(repo).branches.set("release/2", w.branchSha(repo, "main"));
    const pr = agentPull(repo);
    w.review(repo, pr.number, "alice", "APPROVED");
    const stale = pullRequestEvent(w, repo, pr.number, "opened");
    const moved = w.retargetPull(repo, pr.number, "release/2");
    await send(pullRequestEvent(w, repo, pr.number, "edited", { changes: { base: { ref: { from: moved.from.ref }, sha: { from: moved.from.sha } } } }));
    expect(gate(repo, pr.headSha).conclusion).toBe("failure");
    await send(stale);
    expect(gate(repo, pr.headSha).conclusion).toBe("failure");
  });
});

describe("attacker pass: labels, drafts", () => {
  it("the agent takes our labels off: still gated (detection does not rest on our label), and they are not put back", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(w.labelsOn(repo, pr.number)).toContain("agent-authored");
    w.unlabelPull(repo, pr.number, "agent-authored", AGENT);
    await send(labeledEvent(w, repo, pr.number, "agent-authored", "unlabeled"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });

  it("draft → ready for review: gated both times, an approval given on the draft at the same head counts", async () => {
    const repo = newRepo();
    const pr = agentPull(repo, undefined, { draft: true });
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
    w.editPull(repo, pr.number, { draft: false });
    await send(pullRequestEvent(w, repo, pr.number, "ready_for_review"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });

  it("a read-only user's Approve click and review change nothing", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    await send(checkRunRequestedAction(w, repo, gate(repo, pr.headSha).id, "approve", "carol"));
    await send(reviewEvent(w, repo, pr.number, w.review(repo, pr.number, "carol", "APPROVED").id));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });
});

describe("attacker pass: webhooks the app does not know", () => {
  it("a repository not in the installation: answered, nothing written", async () => {
    const org = "hidden";
    const repo = newRepo({}, {}, org);
    const other = newRepo({}, {}, org);
    w.selectRepositories(org, [other]);
    const pr = agentPull(repo);
    e2e.fake.clearLog();
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(w.checkRuns(repo, pr.headSha, "agent-gate")).toEqual([]);
    expect(e2e.writes().filter((r) => r.path.includes(`/repos/${repo}/`))).toEqual([]);
  });

  it("an installation id GitHub does not know: the delivery is answered and nothing is written", async () => {
    const repo = newRepo();
    const pr = agentPull(repo);
    const delivery = pullRequestEvent(w, repo, pr.number, "opened");
    (delivery[1].installation as { id: number }).id = 987_654_321;
    e2e.fake.clearLog();
    const status = await e2e.send(delivery);
    expect(status).toBeGreaterThanOrEqual(200);
    expect(w.checkRuns(repo, pr.headSha, "agent-gate")).toEqual([]);
    expect(e2e.writes().filter((r) => r.path.includes(`/repos/${repo}/`))).toEqual([]);
    // The app is still alive and judges the next, real delivery.
    await send(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(gate(repo, pr.headSha).conclusion).toBe("action_required");
  });
});
