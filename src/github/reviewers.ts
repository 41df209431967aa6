/**
 * Reviewer qualification: which approvals (reviews and Approve clicks) could count, and the
 * permission and team look-ups that qualify their authors against the requirements the decision
 * will apply to this PR (SPEC §4, §8: look-ups only for approvals that could count, cached per
 * evaluation).
 */
import { PERMISSIONS } from "../engine/types.js";
import type { Account, ApprovalFacts, ChangedFile, Permission, PolicyState, Requirement } from "../engine/types.js";
import { requirementsForFiles } from "../engine/decide/requirements.js";
import type { ButtonApproval } from "./button-approvals.js";
import type { GitHub } from "./client.js";
import type { GqlReview } from "./queries.js";
import type { RepoRef } from "./refs.js";

/** Per-evaluation cache of permission and team look-ups (one evaluation may judge several PRs). */
export interface LookupCache {
  permissions: Map<string, Promise<Permission | "none" | null>>;
  teams: Map<string, Promise<boolean | null>>;
}
export function newLookupCache(): LookupCache {
  return { permissions: new Map(), teams: new Map() };
}

/** Each user's latest opinionated review (GitHub's rule: a COMMENTED review neither grants nor withdraws). */
export function latestReviews(reviews: GqlReview[]): GqlReview[] {
  const byUser = new Map<string, GqlReview>();
  for (const r of reviews) {
    if (!r.author || r.state === "PENDING") continue;
    const key = r.author.login.toLowerCase();
    const prev = byUser.get(key);
    if (r.state === "COMMENTED" && prev) continue;
    byUser.set(key, r);
  }
  return [...byUser.values()];
}

/**
 * The requirements the decision will apply to this PR's files (the engine's own grouping): reviewers
 * are looked up only against these. A requirement elsewhere in the policy (say, maintainers for
 * `infra/**`) cannot count an approval on a PR that does not touch its paths, so it must not cost a
 * permission or team request here.
 */
export function applicableRequirements(policy: PolicyState, files: readonly ChangedFile[], baseRef: string): Requirement[] {
  return policy.status === "ok" ? requirementsForFiles(policy.policy, files, baseRef) : [];
}

const rank = (p: Permission | "none") => (p === "none" ? -1 : PERMISSIONS.indexOf(p));

async function lookUpPermission(gh: GitHub, repo: RepoRef, login: string, cache: LookupCache): Promise<Permission | "none" | null> {
  const key = `${repo.owner}/${repo.repo}#${login.toLowerCase()}`;
  let p = cache.permissions.get(key);
  if (!p) {
    p = gh.rest.repos
      .getCollaboratorPermissionLevel({ owner: repo.owner, repo: repo.repo, username: login })
      .then(({ data }) => {
        // `role_name` carries triage/maintain and custom roles' base; `permission` only admin/write/read/none.
        const role = data.role_name;
        if ((PERMISSIONS as readonly string[]).includes(role)) return role as Permission;
        return (PERMISSIONS as readonly string[]).includes(data.permission) ? (data.permission as Permission) : "none";
      })
      .catch((error: unknown) => ((error as { status?: unknown } | null)?.status === 404 ? "none" : null));
    cache.permissions.set(key, p);
  }
  return p;
}

async function isTeamMember(gh: GitHub, team: string, login: string, cache: LookupCache): Promise<boolean | null> {
  const key = `${team.toLowerCase()}#${login.toLowerCase()}`;
  let p = cache.teams.get(key);
  if (!p) {
    const [org = "", slug = ""] = team.split("/");
    p = gh.rest.teams
      .getMembershipForUserInOrg({ org, team_slug: slug, username: login })
      .then(({ data }) => data.state === "active")
      .catch((error: unknown) => ((error as { status?: unknown } | null)?.status === 404 ? false : null));
    cache.teams.set(key, p);
  }
  return p;
}

export interface Candidate {
  account: Account;
  source: "review" | "button";
  commitSha: string;
  state?: string;
  canPush: boolean | null;
  reviewId?: number | null;
  seenReview?: { id: number; state: string } | null;
}

/** A pending click with the clicker's latest review as GitHub lists it now (see ButtonApproval.seenReview). */
export function stampClick(click: ButtonApproval, latest: readonly GqlReview[]): ButtonApproval {
  const mine = latest.find((r) => r.author?.login.toLowerCase() === click.login.toLowerCase());
  const seenReview = mine && typeof mine.databaseId === "number" ? { id: mine.databaseId, state: mine.state } : null;
  return { ...click, seenReview };
}

/**
 * Fill permission and teams of each candidate against `requirements()`, the requirements the decision applies to
 * this PR. Look-ups happen only for approvals that could count (a User's APPROVED review or click, at
 * the head SHA unless some requirement accepts stale ones, and only when some requirement applies);
 * the others get `null` (unknown) — the engine refuses them for their state, or needs no approval.
 */
export async function qualify(gh: GitHub, repo: RepoRef, requirements: () => readonly Requirement[], headSha: string, candidates: Candidate[], cache: LookupCache): Promise<ApprovalFacts[]> {
  const plausible = (c: Candidate) => c.account.type === "User" && (c.source === "button" || c.state === "APPROVED");
  // Matching the files to find the requirements costs a pass over them: only when some approval could count.
  const reqs = candidates.some(plausible) ? requirements() : [];
  const minRank = Math.min(...reqs.map((r) => rank(r.min_permission)));
  const maxRank = Math.max(...reqs.map((r) => rank(r.min_permission)));
  const teams = [...new Set(reqs.flatMap((r) => r.teams))];
  const acceptsStale = reqs.some((r) => !r.dismiss_on_push);
  return Promise.all(
    candidates.map(async (c): Promise<ApprovalFacts> => {
      const base = {
        account: c.account,
        source: c.source,
        commitSha: c.commitSha,
        ...(c.state ? { state: c.state } : {}),
        ...(c.reviewId !== undefined ? { reviewId: c.reviewId } : {}),
        ...(c.seenReview !== undefined ? { seenReview: c.seenReview } : {}),
      };
      const couldCount = reqs.length > 0 && plausible(c) && (c.commitSha === headSha || acceptsStale);
      if (!couldCount) return { ...base, permission: null, teams: null };
      let permission: Permission | "none" | null;
      let permissionNote: string | undefined;
      // `authorCanPushToRepository` = write or more (GraphQL PullRequestReview): enough when no
      // requirement asks for more than write, and no requirement accepts less than write that
      // a non-pusher could still meet. `false` is only "below write" (read or triage; the REST
      // permission endpoint would tell which, for a request that cannot change the outcome):
      // the bound is passed with words that do not claim a role we did not read.
      if (c.canPush === true && maxRank <= rank("write")) permission = "write";
      else if (c.canPush === false && minRank >= rank("write")) {
        permission = "triage";
        permissionNote = "cannot push to the repository (read or triage permission)";
      } else permission = await lookUpPermission(gh, repo, c.account.login, cache);
      let memberOf: string[] | null = [];
      for (const team of teams) {
        const member = await isTeamMember(gh, team, c.account.login, cache);
        if (member === null) {
          memberOf = null;
          break;
        }
        if (member) memberOf.push(team);
      }
      return { ...base, permission, ...(permissionNote ? { permissionNote } : {}), teams: memberOf };
    }),
  );
}
