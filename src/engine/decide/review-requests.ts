/**
 * Who to ask for a review when a PR's check is `action_required` (issue 12 point 1, SPEC §3
 * `approval.request_reviews`). Pure: the app requests what this plans, once per head SHA, and
 * remembers that it did in the check run (src/github/button-approvals.ts).
 *
 * Only people who could qualify are asked: a request to a contributor, a bot or an agent identity
 * would send someone to approve who cannot count (and a request to the PR's author is refused by
 * GitHub). Blocked and passing PRs ask nobody; a requirement that names neither teams nor users asks
 * nobody (any writer may approve: there is no one in particular to ask).
 */
import { BUILTIN_DETECTION_CONFIG } from "./detection-config.js";
import { identifyAgentAccount, detectionConfigFromPolicy } from "../detect.js";
import { DEFAULT_REVIEW_FLOW } from "../policy/defaults.js";
import type { Decision, Policy } from "../types.js";

export interface ReviewRequestPlan {
  /** Logins to request (REST `reviewers`). */
  users: string[];
  /** Team slugs of the repository owner's organization (REST `team_reviewers`). */
  teams: string[];
  /** Teams of the unmet requirements that cannot be requested: not of the repository's organization. */
  otherTeams: string[];
}

/** Whether the policy asks for review requests (default true). */
export function requestsReviews(policy: Policy): boolean {
  return (policy.reviewFlow ?? DEFAULT_REVIEW_FLOW).request_reviews;
}

/**
 * The reviewers to request for one PR's decision (not a combined one: a review request belongs to a
 * PR). Empty when the decision is not `action_required` or the policy turned requests off.
 * `owner` is the repository owner: GitHub requests teams by slug within that organization.
 */
export function planReviewRequest(decision: Decision, policy: Policy, owner: string): ReviewRequestPlan {
  const plan: ReviewRequestPlan = { users: [], teams: [], otherTeams: [] };
  if (decision.conclusion !== "action_required" || !requestsReviews(policy) || decision.blocked.length > 0) return plan;
  const config = detectionConfigFromPolicy(policy);
  const contributors = new Set((decision.contributors ?? []).map((c) => c.toLowerCase()));
  const seenUsers = new Set<string>();
  const seenTeams = new Set<string>();
  for (const r of decision.requirements) {
    if (r.met) continue;
    const approved = new Set(r.approvedBy.map((a) => a.toLowerCase()));
    for (const login of r.requirement.users) {
      const key = login.toLowerCase();
      if (seenUsers.has(key) || approved.has(key)) continue;
      if (r.requirement.exclude_contributors && contributors.has(key)) continue;
      if (key.endsWith("[bot]")) continue;
      const account = { login, type: "User" };
      if (identifyAgentAccount(account, config) ?? identifyAgentAccount(account, BUILTIN_DETECTION_CONFIG)) continue;
      seenUsers.add(key);
      plan.users.push(login);
    }
    for (const team of r.requirement.teams) {
      const key = team.toLowerCase();
      if (seenTeams.has(key)) continue;
      seenTeams.add(key);
      const slash = team.indexOf("/");
      const org = team.slice(0, slash);
      if (org.toLowerCase() === owner.toLowerCase()) plan.teams.push(team.slice(slash + 1));
      else plan.otherTeams.push(team);
    }
  }
  return plan;
}

/**
 * The people the plan's users and team members come to, leaving out those who cannot qualify
 * (contributors, bots, agent identities), or null when they are more than `MAY_APPROVE_MAX_PEOPLE`
 * or a team's members are unknown (`teamMembers` lacks it): the summary then names the teams.
 */
export function mayApprovePeople(decision: Decision, policy: Policy, plan: ReviewRequestPlan, teamMembers: ReadonlyMap<string, readonly string[]>): string[] | null {
  if (plan.otherTeams.length > 0) return null;
  const config = detectionConfigFromPolicy(policy);
  const contributors = new Set((decision.contributors ?? []).map((c) => c.toLowerCase()));
  const people = new Map<string, string>();
  const add = (login: string) => {
    const key = login.toLowerCase();
    if (contributors.has(key) || key.endsWith("[bot]")) return;
    const account = { login, type: "User" };
    if (identifyAgentAccount(account, config) ?? identifyAgentAccount(account, BUILTIN_DETECTION_CONFIG)) return;
    if (!people.has(key)) people.set(key, login);
  };
  plan.users.forEach(add);
  for (const slug of plan.teams) {
    const members = teamMembers.get(slug.toLowerCase());
    if (!members) return null;
    members.forEach(add);
    if (people.size > MAY_APPROVE_MAX_PEOPLE) return null;
  }
  return people.size > MAY_APPROVE_MAX_PEOPLE ? null : [...people.values()];
}

/**
 * Who may approve, in people, when the requirement's teams and users come to at most this many:
 * the summary then names them instead of the teams (issue 12 point 1).
 */
export const MAY_APPROVE_MAX_PEOPLE = 10;
