/**
 * Issue 12 point 4 (policy preview), through the app: a PR that edits `.github/agent-policy.yml`
 * gets, in its own check, how many of the other open agent PRs the edited file would block, unblock
 * or leave — computed once per head commit, bounded to the first 50, writing nothing on the others.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { World } from "../fake-github/index.js";
import { AGENT, POLICY, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { pullRequestEvent, reviewEvent } from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "preview", collaborators: { alice: "write", bob: "write", carol: "write" } });
let w: World;
beforeAll(() => ({ w } = e2e));

const plain = (s: string | null | undefined) => (s ?? "").replaceAll("\\", "").replaceAll("\u2060", "");

async function repoWithOpenPulls() {
  const repo = e2e.newRepo({ [POLICY]: "version: 1\napproval:\n  request_reviews: false\n" });
  const approved = w.addPull(repo, { author: AGENT, head: "copilot/one", commits: [{ message: "one", files: { "src/one.ts": "1\n" } }] });
  const waiting = w.addPull(repo, { author: AGENT, head: "copilot/two", commits: [{ message: "two", files: { "docs/two.md": "2\n" } }] });
  const human = w.addPull(repo, { author: "bob", head: "feature/three", commits: [{ message: "three", author: "bob", files: { "src/three.ts": "3\n" } }] });
  for (const p of [approved, waiting, human]) await e2e.sendOk(pullRequestEvent(w, repo, p.number, "opened"));
  const review = w.review(repo, approved.number, "alice", "APPROVED");
  await e2e.sendOk(reviewEvent(w, repo, approved.number, review.id));
  expect(e2e.gate(repo, approved.headSha).conclusion).toBe("success");
  expect(e2e.gate(repo, waiting.headSha).conclusion).toBe("action_required");
  return { repo, approved, waiting, human };
}

describe("policy preview on a PR that edits the policy", () => {
  test("counts what the edited file would block, unblock and leave; once per head commit; no write elsewhere", async () => {
    const { repo, approved, waiting, human } = await repoWithOpenPulls();
    const edit = w.addPull(repo, { author: "carol", head: "policy/strict", commits: [{ message: "Stricter", author: "carol", files: { [POLICY]: "version: 1\npaths:\n  - match: ['src/**']\n    action: block\n" } }] });
    const writesBefore = e2e.writes().length;
    await e2e.sendOk(pullRequestEvent(w, repo, edit.number, "opened"));
    const run = e2e.gate(repo, edit.headSha);
    expect(run.conclusion).toBe("success");
    const summary = plain(run.output.summary);
    expect(summary).toContain("#### Preview of this pull request's `.github/agent-policy.yml`");
    expect(summary).toContain("On the 3 other open pull requests (most recently updated first), it would **block** 1 agent pull request (`success` → not), **unblock** 0 and leave 1 as they are.");
    // Only the policy PR's own check was written.
    expect(e2e.writes().slice(writesBefore).map((r) => r.operationId)).toEqual(["checks/create"]);
    for (const p of [approved, waiting, human]) expect(w.checkRuns(repo, p.headSha, "agent-gate")).toHaveLength(1);
    expect(e2e.gate(repo, approved.headSha).conclusion).toBe("success");

    // Re-evaluated at the same SHA: the stored preview, no listing, no re-read of the others.
    e2e.fake.clearLog();
    await e2e.sendOk(pullRequestEvent(w, repo, edit.number, "edited"));
    expect(e2e.apiRequests().filter((r) => r.operationId === "pulls/list")).toEqual([]);
    expect(e2e.apiRequests()).toHaveLength(1);
    expect(plain(e2e.gate(repo, edit.headSha).output.summary)).toContain("would **block** 1 agent pull request");
  });

  test("a lenient edit unblocks the waiting agent PR", async () => {
    const { repo } = await repoWithOpenPulls();
    const edit = w.addPull(repo, { author: "carol", head: "policy/lenient", commits: [{ message: "Lenient", author: "carol", files: { [POLICY]: "version: 1\ndefault: allow\n" } }] });
    await e2e.sendOk(pullRequestEvent(w, repo, edit.number, "opened"));
    expect(plain(e2e.gate(repo, edit.headSha).output.summary)).toContain("**unblock** 1 and leave 1 as they are.");
  });

  test("an invalid edit shows its errors and no preview", async () => {
    const { repo } = await repoWithOpenPulls();
    const edit = w.addPull(repo, { author: "carol", head: "policy/broken", commits: [{ message: "Broken", author: "carol", files: { [POLICY]: "version: 1\naproval: {}\n" } }] });
    await e2e.sendOk(pullRequestEvent(w, repo, edit.number, "opened"));
    const summary = plain(e2e.gate(repo, edit.headSha).output.summary);
    expect(summary).toContain("is invalid");
    expect(summary).not.toContain("Preview of this pull request");
    expect(e2e.apiRequests().filter((r) => r.operationId === "pulls/list")).toEqual([]);
  });
});
