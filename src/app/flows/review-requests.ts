/**
 * Review requests on `action_required` (issue 12 point 1, policy `approval.request_reviews`): ask the
 * unmet requirements' teams and users, once per PR and head SHA. "Once" is remembered in the check
 * run's stored block (src/github/button-approvals.ts) — no database, and not again at the same SHA
 * even when GitHub dropped the request (a reviewer who commented is no longer "requested").
 *
 * Cost (SPEC §8): one write (`POST …/requested_reviewers`), only when a request is made; when the
 * requirement names teams, one read per team (`GET /orgs/{org}/teams/{slug}/members`, first page) at
 * that moment only, to name the people who may approve. Re-evaluations at the same SHA cost nothing.
 */
import type { Logger } from "probot";
import { mayApprovePeople, planReviewRequest, type ReviewRequestPlan } from "../../engine/review-requests.js";
import type { Decision, Policy } from "../../engine/types.js";
import type { ReviewRequestRecord } from "../../github/button-approvals.js";
import { describeError, type GitHub } from "../../github/client.js";
import type { PullSnapshot, RepoRef } from "../../github/read-pull.js";
import { assertLeaseHeld } from "../runtime/sha-lock.js";

export interface ReviewRequestInput {
  /** The event's Octokit: the request is a write (spaced per installation like the check write). */
  gh: GitHub;
  /** The unspaced reading Octokit (team members). */
  reads: GitHub;
  log: Logger;
  repo: RepoRef;
  sha: string;
  snapshots: readonly PullSnapshot[];
  /** One per snapshot, same order; each gets its `reviewRequest` note. */
  decisions: Decision[];
  /** The requests already made at this SHA (read from the check run). */
  stored: readonly ReviewRequestRecord[];
}

/** Team members read per team: more than 10 people means the summary names the team instead. */
const TEAM_MEMBERS_PAGE = 11;

async function teamMembers(reads: GitHub, owner: string, plan: ReviewRequestPlan): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const slug of plan.teams) {
    try {
      const { data } = await reads.rest.teams.listMembersInOrg({ org: owner, team_slug: slug, per_page: TEAM_MEMBERS_PAGE });
      out.set(slug.toLowerCase(), data.map((m) => m.login));
      if (data.length >= TEAM_MEMBERS_PAGE) break; // already more than 10 people: the teams are named
    } catch {
      break; // unknown members: the summary names the teams
    }
  }
  return out;
}

/**
 * Make the review requests due at this SHA and note each on its decision. Returns every request to
 * store in the check run (the ones read back plus the new ones). Never throws for GitHub's answer:
 * a refused request is stored with GitHub's message (so it is not retried at this SHA) and shown.
 */
export async function requestReviewsOnce(input: ReviewRequestInput): Promise<ReviewRequestRecord[]> {
  const { repo } = input;
  const records = [...input.stored];
  for (const [i, s] of input.snapshots.entries()) {
    const d = input.decisions[i]!;
    const number = s.facts.number;
    if (number == null || s.state !== "OPEN" || s.policy.status !== "ok" || d.conclusion !== "action_required") continue;
    const done = records.find((r) => r.pr === number);
    if (done) {
      d.reviewRequest = note(done);
      continue;
    }
    const policy: Policy = s.policy.policy;
    const plan = planReviewRequest(d, policy, repo.owner);
    if (plan.users.length === 0 && plan.teams.length === 0) continue;
    const people = mayApprovePeople(d, policy, plan, plan.teams.length > 0 ? await teamMembers(input.reads, repo.owner, plan) : new Map());
    const record: ReviewRequestRecord = { pr: number, users: plan.users, teams: plan.teams.map((t) => `${repo.owner}/${t}`), people };
    assertLeaseHeld();
    try {
      await input.gh.rest.pulls.requestReviewers({
        owner: repo.owner,
        repo: repo.repo,
        pull_number: number,
        ...(plan.users.length > 0 ? { reviewers: plan.users } : {}),
        ...(plan.teams.length > 0 ? { team_reviewers: plan.teams } : {}),
      });
      input.log.info({ repo: `${repo.owner}/${repo.repo}`, pr: number, sha: input.sha, reviewers: plan.users, teams: record.teams }, "agent-gate: review requested");
    } catch (error) {
      record.failed = `GitHub refused the review request (${describeError(error)})`;
      input.log.warn({ repo: `${repo.owner}/${repo.repo}`, pr: number, sha: input.sha, err: describeError(error) }, "agent-gate: review request refused");
    }
    records.push(record);
    d.reviewRequest = note(record);
  }
  return records;
}

function note(r: ReviewRequestRecord): NonNullable<Decision["reviewRequest"]> {
  return { users: r.users, teams: r.teams, people: r.people, ...(r.failed !== undefined ? { failed: r.failed } : {}) };
}
