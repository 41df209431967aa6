/**
 * Issue 12 point 1, through the app against the fake GitHub: on `action_required` the app requests
 * review from the unmet requirements' teams and users — once per head SHA (remembered in the check
 * run, not again when GitHub dropped the request), never from contributors, bots or agents, never on
 * a blocked PR, nobody when a requirement names neither — and the summary says who may approve.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { World } from "../fake-github/index.js";
import { POLICY, appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { checkRunRerequested, pullRequestEvent, reviewEvent } from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "reviewreq", collaborators: { alice: "write", bob: "write", carol: "maintain", dave: "write" } });
let w: World;
beforeAll(() => {
  ({ w } = e2e);
  w.addTeam("acme/platform", ["erin", "frank"]);
  w.addTeam("acme/everyone", Array.from({ length: 12 }, (_, i) => `member${i}`));
});

const policyFile = (approval: string, extra = "") => `version: 1\napproval:\n${approval}\n${extra}`;
const requestWrites = (repo: string) => e2e.writes().filter((r) => r.operationId === "pulls/request-reviewers" && r.path.includes(`/${repo}/`));
const plain = (s: string | null | undefined) => (s ?? "").replaceAll("\\", "").replaceAll("\u2060", "");

describe("review requests on action_required", () => {
  test("asks the requirement's users and teams once, not the contributor, and names who may approve", async () => {
    const repo = e2e.newRepo({ [POLICY]: policyFile("  users: [bob, dave, carol]\n  teams: [acme/platform]") }, { erin: "write", frank: "write" });
    // dave co-authored the agent's commit: a contributor, never asked.
    const pr = e2e.agentPull(repo, { "src/a.ts": "a\n" }, { commits: [{ message: "Change", files: { "src/a.ts": "a\n" }, coAuthors: ["dave"] }] });
    w.ensureUser("dave");
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = e2e.gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(requestWrites(repo)).toHaveLength(1);
    expect(w.pull(repo, pr.number).requestedReviewers).toEqual(["bob", "carol"]);
    expect(w.pull(repo, pr.number).requestedTeams).toEqual(["platform"]);
    const summary = plain(run.output.summary);
    expect(summary).toContain("Review requested from @bob, @carol and team `acme/platform` (once for this commit).");
    expect(summary).toContain("Who may approve: @bob, @carol, @erin and @frank.");

    // GitHub drops a request (a requested reviewer commented): a re-evaluation at the same SHA does not ask again.
    w.pull(repo, pr.number).requestedReviewers = [];
    await e2e.sendOk(checkRunRerequested(w, repo, run.id));
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "edited"));
    expect(requestWrites(repo)).toHaveLength(1);
    expect(w.pull(repo, pr.number).requestedReviewers).toEqual([]);
    expect(plain(e2e.gate(repo, pr.headSha).output.summary)).toContain("Review requested from @bob, @carol");

    // A new head SHA asks again; an approval that meets the requirement leaves nothing to ask.
    w.pushToPull(repo, pr.number, { message: "More", files: { "src/b.ts": "b\n" }, author: "copilot-swe-agent[bot]" });
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "synchronize"));
    expect(requestWrites(repo)).toHaveLength(2);
    const review = w.review(repo, pr.number, "bob", "APPROVED");
    await e2e.sendOk(reviewEvent(w, repo, pr.number, review.id));
    expect(e2e.gate(repo, w.pull(repo, pr.number).headSha).conclusion).toBe("success");
    expect(requestWrites(repo)).toHaveLength(2);
  });

  test("a team of more than 10 people is named as the team", async () => {
    const repo = e2e.newRepo({ [POLICY]: policyFile("  teams: [acme/everyone]") });
    const pr = e2e.agentPull(repo);
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "opened"));
    const summary = plain(e2e.gate(repo, pr.headSha).output.summary);
    expect(summary).toContain("Review requested from team `acme/everyone` (once for this commit).");
    expect(summary).not.toContain("Who may approve:");
    expect(w.pull(repo, pr.number).requestedTeams).toEqual(["everyone"]);
  });

  test("nobody is asked: no teams or users, request_reviews false, a blocked PR, a passing PR", async () => {
    const plainRepo = e2e.newRepo();
    const p1 = e2e.agentPull(plainRepo);
    await e2e.sendOk(pullRequestEvent(w, plainRepo, p1.number, "opened"));
    expect(e2e.gate(plainRepo, p1.headSha).conclusion).toBe("action_required");

    const off = e2e.newRepo({ [POLICY]: policyFile("  users: [bob]\n  request_reviews: false") });
    const p2 = e2e.agentPull(off);
    await e2e.sendOk(pullRequestEvent(w, off, p2.number, "opened"));
    expect(e2e.gate(off, p2.headSha).conclusion).toBe("action_required");
    expect(plain(e2e.gate(off, p2.headSha).output.summary)).not.toContain("Review requested");

    const blocked = e2e.newRepo({ [POLICY]: policyFile("  users: [bob]", "paths:\n  - match: ['.github/workflows/**']\n    action: block\n") });
    const p3 = e2e.agentPull(blocked, { ".github/workflows/ci.yml": "on: push\n", "src/a.ts": "a\n" });
    await e2e.sendOk(pullRequestEvent(w, blocked, p3.number, "opened"));
    expect(e2e.gate(blocked, p3.headSha).conclusion).toBe("failure");

    const allowed = e2e.newRepo({ [POLICY]: policyFile("  users: [bob]", "default: allow\n") });
    const p4 = e2e.agentPull(allowed);
    await e2e.sendOk(pullRequestEvent(w, allowed, p4.number, "opened"));
    expect(e2e.gate(allowed, p4.headSha).conclusion).toBe("success");

    for (const r of [plainRepo, off, blocked, allowed]) expect(requestWrites(r)).toEqual([]);
    expect(e2e.writes().filter((r) => r.operationId === "pulls/request-reviewers")).toEqual([]);
  });

  test("an agent login or a bot listed in users is never asked", async () => {
    // `users` forbids "[bot]" logins by schema; an agent identity that is a User account (Copilot) is refused here.
    const repo = e2e.newRepo({ [POLICY]: policyFile("  users: [Copilot, bob]") });
    const pr = e2e.agentPull(repo);
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(w.pull(repo, pr.number).requestedReviewers).toEqual(["bob"]);
  });

  test("a refused request is shown and not retried at the same SHA", async () => {
    const repo = e2e.newRepo({ [POLICY]: policyFile("  users: [outsider]") });
    const pr = e2e.agentPull(repo);
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "opened"));
    // GitHub refused the whole request (422); the one read says outsider is not a collaborator: no one is left to ask.
    expect(requestWrites(repo)).toHaveLength(1);
    expect(requestWrites(repo)[0]!.status).toBe(422);
    expect(plain(e2e.gate(repo, pr.headSha).output.summary)).toContain("Review could not be requested from @outsider: not a collaborator of this repository");
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "edited"));
    expect(requestWrites(repo)).toHaveLength(1);
  });
});

describe("review requests GitHub refuses (422 for the whole request)", () => {
  const reads = (repo: string, op: string) => e2e.apiRequests().filter((r) => r.operationId === op && r.path.includes(`/${repo}`));

  test("asks once more without the non-collaborator and the team without access; never a third time", async () => {
    w.addTeam("acme/outside", ["gina"], { repos: [] });
    const repo = e2e.newRepo({ [POLICY]: policyFile("  users: [bob, outsider]\n  teams: [acme/platform, acme/outside]") });
    const pr = e2e.agentPull(repo);
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = e2e.gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    // One refused write, one read per requested user and team, one retry that GitHub accepts.
    expect(requestWrites(repo).map((r) => r.status)).toEqual([422, 201]);
    expect(reads(repo, "repos/check-collaborator")).toHaveLength(2);
    expect(reads(repo, "teams/check-permissions-for-repo-in-org")).toHaveLength(2);
    expect(w.pull(repo, pr.number).requestedReviewers).toEqual(["bob"]);
    expect(w.pull(repo, pr.number).requestedTeams).toEqual(["platform"]);
    const summary = plain(run.output.summary);
    expect(summary).toContain("Review requested from @bob and team `acme/platform` (once for this commit).");
    expect(summary).toContain("Review could not be requested from @outsider and team `acme/outside`: not a collaborator of this repository");
    // Who may approve still names the people: outsider (no access) is not one of them; the teams' members are.
    expect(summary).toContain("Who may approve: @bob, @erin, @frank and @gina.");
    expect(summary).not.toContain("GitHub refused");

    // Re-evaluation at the same SHA: nothing is read or written for the request again.
    const before = e2e.apiRequests().length;
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "edited"));
    expect(requestWrites(repo)).toHaveLength(2);
    expect(reads(repo, "repos/check-collaborator")).toHaveLength(2);
    expect(e2e.apiRequests().slice(before).filter((r) => (r.operationId ?? "").startsWith("teams/") || r.operationId === "repos/check-collaborator")).toEqual([]);
    expect(plain(e2e.gate(repo, pr.headSha).output.summary)).toContain("Review could not be requested from @outsider and team `acme/outside`");
  });

  test("a refusal for another reason is not retried", async () => {
    // Only a user GitHub can request, but the write is refused anyway (a fault): the reads find no one to leave out, so no retry.
    const repo = e2e.newRepo({ [POLICY]: policyFile("  users: [bob]") });
    const pr = e2e.agentPull(repo);
    e2e.fake.faults.inject({ operationId: "pulls/request-reviewers", repo, status: 422, times: 1 });
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(requestWrites(repo)).toHaveLength(1);
    expect(plain(e2e.gate(repo, pr.headSha).output.summary)).toContain("Review could not be requested from @bob: GitHub refused the review request");
    expect(w.pull(repo, pr.number).requestedReviewers).toEqual([]);
  });

  test("the PR's author is never in the request (GitHub refuses the author), and the others are asked", async () => {
    // A human opened the agent's PR; exclude_contributors off makes them a candidate approver by policy.
    const repo = e2e.newRepo({ [POLICY]: policyFile("  users: [alice, bob]\n  exclude_contributors: false") });
    const pr = w.addPull(repo, { author: "alice", head: `copilot/change-${e2e.nextNumber()}`, commits: [{ message: "Change", files: { "src/a.ts": "a\n" }, author: "copilot-swe-agent[bot]" }] });
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "opened"));
    expect(e2e.gate(repo, pr.headSha).conclusion).toBe("action_required");
    expect(requestWrites(repo).map((r) => r.status)).toEqual([201]);
    expect(w.pull(repo, pr.number).requestedReviewers).toEqual(["bob"]);
  });

  test("when nobody can be requested, nobody is asked again and the decision is unchanged", async () => {
    const repo = e2e.newRepo({ [POLICY]: policyFile("  users: [outsider, stranger]\n  teams: [acme/nowhere]") });
    w.addTeam("acme/nowhere", ["hank"], { repos: [] });
    const pr = e2e.agentPull(repo);
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "opened"));
    const run = e2e.gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    expect(requestWrites(repo).map((r) => r.status)).toEqual([422]);
    const summary = plain(run.output.summary);
    expect(summary).toContain("Review could not be requested from @outsider, @stranger and team `acme/nowhere`: not a collaborator");
    expect(summary).not.toContain("Review requested from");
  });
});
