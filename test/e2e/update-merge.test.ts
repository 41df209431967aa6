/**
 * Issue 12 point 2, through the app: `approval.keep_on_update_merge` carries approvals (reviews and
 * Approve clicks) from the approved head to an "Update branch" merge of it with the base tip — only
 * when the merge changes none of the PR's files, never when it resolves a conflict, slips a change
 * in, is made by an agent, or hides an agent's commit; the merge's author is not a contributor.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { World } from "../fake-github/index.js";
import { AGENT, POLICY, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { checkRunRequestedAction, pullRequestEvent, reviewEvent } from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "updmerge", collaborators: { alice: "write", bob: "write" } });
let w: World;
beforeAll(() => ({ w } = e2e));

const KEEP = "version: 1\napproval:\n  keep_on_update_merge: true\n  request_reviews: false\n";
const plain = (s: string | null | undefined) => (s ?? "").replaceAll("\\", "").replaceAll("\u2060", "");

/** An agent PR approved by alice at its head A, then a commit on main (the base moves on). */
async function approvedThenBaseMoves(policy = KEEP, how: "review" | "click" = "review") {
  const repo = e2e.newRepo({ [POLICY]: policy, "src/a.ts": "export const a = 0;\n" });
  const pr = e2e.agentPull(repo, { "src/a.ts": "export const a = 1;\n" });
  await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "opened"));
  const approvedHead = pr.headSha;
  if (how === "review") {
    const review = w.review(repo, pr.number, "alice", "APPROVED");
    await e2e.sendOk(reviewEvent(w, repo, pr.number, review.id));
  } else {
    await e2e.sendOk(checkRunRequestedAction(w, repo, e2e.gate(repo, approvedHead).id, "approve", "alice"));
  }
  // One approval: success (the policies here ask for one), or still action_required (count: 2).
  expect(["success", "action_required"]).toContain(e2e.gate(repo, approvedHead).conclusion);
  w.setFile(repo, "main", "docs/guide.md", "# guide\n", "Docs");
  return { repo, pr, approvedHead };
}

async function synchronize(repo: string, number: number) {
  await e2e.sendOk(pullRequestEvent(w, repo, number, "synchronize"));
  const head = w.pull(repo, number).headSha;
  return { head, run: e2e.gate(repo, head) };
}

const decisionAt = (repo: string, sha: string) =>
  e2e.waitForLog((l) => l.msg === "agent-gate decision" && (l.audit as { repo: string; headSha: string }).repo === repo && (l.audit as { headSha: string }).headSha === sha);

describe("approvals that survive an Update branch merge", () => {
  test("a merge that brings only the base tip keeps the review, says from which SHA, and costs one extra read (the compare)", async () => {
    const { repo, pr, approvedHead } = await approvedThenBaseMoves();
    expect(e2e.gate(repo, approvedHead).conclusion).toBe("success");
    const before = e2e.fake.lastSeq();
    w.updateBranchMerge(repo, pr.number, { author: "bob" });
    const { head, run } = await synchronize(repo, pr.number);
    expect(run.conclusion).toBe("success");
    expect(plain(run.output.summary)).toContain(`Approvals given at \`${approvedHead.slice(0, 7)}\` were **carried over**`);
    const audit = (await decisionAt(repo, head)).audit as { carriedFrom?: string; approvers: { login: string; counted: boolean }[] };
    expect(audit.carriedFrom).toBe(approvedHead);
    expect(audit.approvers).toContainEqual(expect.objectContaining({ login: "alice", counted: true }));
    const reads = e2e.fake.requests.filter((r) => r.seq > before && !r.path.includes("access_tokens") && (r.method === "GET" || r.kind === "graphql"));
    expect(reads.map((r) => (r.kind === "graphql" ? "graphql" : r.operationId)).sort()).toEqual(["graphql", "repos/compare-commits-with-basehead"]);
  });

  test("an Approve click at the approved head carries too; the merge's author (who clicked Update branch) may approve", async () => {
    const { repo, pr } = await approvedThenBaseMoves("version: 1\napproval:\n  count: 2\n  keep_on_update_merge: true\n  request_reviews: false\n", "click");
    expect(e2e.gate(repo, pr.headSha).conclusion).toBe("action_required");
    w.updateBranchMerge(repo, pr.number, { author: "bob" });
    const { head, run } = await synchronize(repo, pr.number);
    expect(run.conclusion).toBe("action_required");
    expect(plain(run.output.summary)).toContain("@alice (Approve button)");
    // bob authored the merge commit: without the carry-over rule he would be a contributor.
    const review = w.review(repo, pr.number, "bob", "APPROVED");
    await e2e.sendOk(reviewEvent(w, repo, pr.number, review.id));
    expect(e2e.gate(repo, head).conclusion).toBe("success");
  });

  test("off by default: the same merge needs a new approval", async () => {
    const { repo, pr } = await approvedThenBaseMoves("version: 1\napproval:\n  request_reviews: false\n");
    w.updateBranchMerge(repo, pr.number, { author: "bob" });
    const { run } = await synchronize(repo, pr.number);
    expect(run.conclusion).toBe("action_required");
    expect(plain(run.output.summary)).not.toContain("carried over");
    expect(e2e.apiRequests().filter((r) => r.operationId === "repos/compare-commits-with-basehead")).toEqual([]);
  });

  test("conflict-editor bypass: a line added to a PR file inside the merge never carries", async () => {
    const { repo, pr } = await approvedThenBaseMoves();
    w.updateBranchMerge(repo, pr.number, { author: "bob", files: { "src/a.ts": "export const a = 1;\nexport const evil = true;\n" } });
    const { run } = await synchronize(repo, pr.number);
    expect(run.conclusion).toBe("action_required");
    expect(plain(run.output.summary)).toMatch(/were \*\*not carried over\*\* to this "Update branch" merge: the merge changes a file of the pull request \(`src\/a.ts`\)/);
  });

  test("a change slipped into the merge outside the PR's files never carries (that file becomes the PR's)", async () => {
    const { repo, pr } = await approvedThenBaseMoves();
    w.updateBranchMerge(repo, pr.number, { author: "bob", files: { "src/backdoor.ts": "export const b = 1;\n" } });
    const { head, run } = await synchronize(repo, pr.number);
    expect(run.conclusion).toBe("action_required");
    const audit = (await decisionAt(repo, head)).audit as { notCarried?: { reason: string } };
    expect(audit.notCarried?.reason).toMatch(/src\/backdoor\.ts/);
  });

  test("a merge made by an agent identity never carries", async () => {
    const { repo, pr } = await approvedThenBaseMoves();
    w.updateBranchMerge(repo, pr.number, { author: AGENT });
    const { run } = await synchronize(repo, pr.number);
    expect(run.conclusion).toBe("action_required");
    expect(plain(run.output.summary)).toMatch(/not carried over.*made by an agent identity \(copilot\)/);
  });

  test("an agent commit hidden inside a merge (second parent is not the base tip) never carries and is detected", async () => {
    const { repo, pr } = await approvedThenBaseMoves();
    const tip = w.branchSha(repo, "main");
    const hidden = w.commitOn(repo, tip, { message: "sneak", author: "devin-ai-integration[bot]", files: { "src/sneak.ts": "export const s = 1;\n" } });
    w.updateBranchMerge(repo, pr.number, { author: "bob", otherParent: hidden.sha });
    const { run } = await synchronize(repo, pr.number);
    expect(run.conclusion).toBe("action_required");
    expect(plain(run.output.summary)).not.toContain("carried over");
    expect(plain(run.output.summary)).toContain("devin");
  });
});
