/**
 * Review requests on `action_required` (issue 12 point 1, policy `approval.request_reviews`): ask the
 * unmet requirements' teams and users, once per PR and head SHA. "Once" is remembered in the check
 * run's stored block (src/github/button-approvals.ts) — no database, and not again at the same SHA
 * even when GitHub dropped the request (a reviewer who commented is no longer "requested").
 *
 * Cost (SPEC §8): one write (`POST …/requested_reviewers`), only when a request is made; when the
 * requirement names teams, one read per team (`GET /orgs/{org}/teams/{slug}/members`, first page) at
 * that moment only, to name the people who may approve. Re-evaluations at the same SHA cost nothing.
 *
 * GitHub refuses the WHOLE request (422, "Reviews may only be requested from collaborators …",
 * naming nobody) when one user or team cannot be requested, so nobody would be asked. Only then, the
 * app reads who can be (one read per requested user, `GET …/collaborators/{u}`, and per requested
 * team, `GET /orgs/{org}/teams/{slug}/repos/{owner}/{repo}`) and asks once more without the others:
 * at most one retry, never a loop, and only when the reads left someone out (a refusal for another
 * reason is not retried). The PR's author is never in the request (GitHub always refuses them).
 */
import type { Logger } from "probot";
import { mayApprovePeople, planReviewRequest, type ReviewRequestPlan } from "../../engine/decide/review-requests.js";
import type { Decision, Policy } from "../../engine/types.js";
import type { ReviewRequestRecord } from "../../github/button-approvals.js";
import { describeError } from "../../github/client.js";
import type { PullSnapshot } from "../../github/read-pull.js";
import type { Reader, Writer } from "../../github/reader.js";
import type { RepoRef } from "../../github/refs.js";
import { assertLeaseHeld } from "../runtime/sha-lock.js";

export interface ReviewRequestInput {
  /** The evaluation's reader (team members, who can be requested). */
  reader: Reader;
  /** The evaluation's writer: the request is a write (spaced per installation like the check write). */
  writer: Writer;
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

async function teamMembers(reader: Reader, plan: ReviewRequestPlan): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const slug of plan.teams) {
    try {
      const members = await reader.teamMembers(slug, TEAM_MEMBERS_PAGE);
      out.set(slug.toLowerCase(), members);
      if (members.length >= TEAM_MEMBERS_PAGE) break; // already more than 10 people: the teams are named
    } catch {
      break; // unknown members: the summary names the teams
    }
  }
  return out;
}

interface Requestable {
  users: string[];
  teams: string[];
  refused: { users: string[]; teams: string[] };
}

/**
 * Which of the refused request's users and teams GitHub can request: users who are collaborators of
 * the repository, teams with access to it (and visible to the installation). A read that fails for
 * another reason than 404 leaves that one out too: asking again with someone GitHub may refuse would
 * lose the whole retry, and the decision does not depend on who was asked.
 */
async function requestable(reader: Reader, users: readonly string[], teams: readonly string[]): Promise<Requestable> {
  const userOk = await Promise.all(users.map((username) => reader.isCollaborator(username)));
  const teamOk = await Promise.all(teams.map((slug) => reader.teamHasAccess(slug)));
  return {
    users: users.filter((_, i) => userOk[i]),
    teams: teams.filter((_, i) => teamOk[i]),
    refused: { users: users.filter((_, i) => !userOk[i]), teams: teams.filter((_, i) => !teamOk[i]) },
  };
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
    const author = s.facts.author?.login.toLowerCase();
    const planned = planReviewRequest(d, policy, repo.owner);
    // GitHub refuses a request naming the PR's author, whatever the rest: never ask them.
    const plan = { ...planned, users: planned.users.filter((u) => u.toLowerCase() !== author) };
    if (plan.users.length === 0 && plan.teams.length === 0) continue;
    const members = plan.teams.length > 0 ? await teamMembers(input.reader, plan) : new Map<string, string[]>();
    const record: ReviewRequestRecord = { pr: number, users: plan.users, teams: plan.teams.map((t) => `${repo.owner}/${t}`), people: mayApprovePeople(d, policy, plan, members) };
    const ask = async (users: readonly string[], teams: readonly string[]) => {
      assertLeaseHeld();
      await input.writer.requestReviewers(number, users, teams);
      input.log.info({ repo: `${repo.owner}/${repo.repo}`, pr: number, sha: input.sha, reviewers: users, teams: record.teams }, "agent-gate: review requested");
    };
    try {
      await ask(plan.users, plan.teams);
    } catch (error) {
      const refusal = `GitHub refused the review request (${describeError(error)})`;
      input.log.warn({ repo: `${repo.owner}/${repo.repo}`, pr: number, sha: input.sha, err: describeError(error) }, "agent-gate: review request refused");
      const can = (error as { status?: number }).status === 422 ? await requestable(input.reader, plan.users, plan.teams) : null;
      if (!can || can.refused.users.length + can.refused.teams.length === 0) record.failed = refusal;
      else {
        const left = { ...plan, users: can.users, teams: can.teams };
        record.users = left.users;
        record.teams = left.teams.map((t) => `${repo.owner}/${t}`);
        record.refused = { users: can.refused.users, teams: can.refused.teams.map((t) => `${repo.owner}/${t}`) };
        // The refused teams' members may still qualify on their own access: only refused users go.
        record.people = mayApprovePeople(d, policy, { ...plan, users: can.users }, members);
        if (left.users.length + left.teams.length > 0) {
          try {
            await ask(left.users, left.teams);
          } catch (again) {
            record.failed = `GitHub refused the review request (${describeError(again)})`;
            input.log.warn({ repo: `${repo.owner}/${repo.repo}`, pr: number, sha: input.sha, err: describeError(again) }, "agent-gate: review request refused again");
          }
        }
      }
    }
    records.push(record);
    d.reviewRequest = note(record);
  }
  return records;
}

function note(r: ReviewRequestRecord): NonNullable<Decision["reviewRequest"]> {
  return { users: r.users, teams: r.teams, people: r.people, ...(r.failed !== undefined ? { failed: r.failed } : {}), ...(r.refused !== undefined ? { refused: r.refused } : {}) };
}
