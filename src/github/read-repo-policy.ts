/**
 * The policy as the reader sees it: from the one GraphQL read (the default branch as GitHub names it
 * now, and the organisation's `.github`), and alone for direct pushes, which have no PR. What cannot
 * be read becomes `PolicyState.unreadable`, never a throw.
 */
import type { PolicyState } from "../engine/types.js";
import { POLICY_PATH } from "../engine/names.js";
import { describeError, type GitHub } from "./client.js";
import type { PolicyCache } from "./policy-cache.js";
import { readPolicy } from "./read-policy.js";
import { POLICY_QUERY, type GqlBlob, type GqlDefaultBranch, type PolicyQueryResult } from "./queries.js";
import type { RepoRef } from "./refs.js";

/** The advice that ends every "could not read" message. */
export const RERUN = "Re-run the agent-gate check (\"Re-run\" on the check) once GitHub answers again.";

/**
 * @octokit/graphql throws on any `errors` entry, with the partial `data` attached. A missing org
 * `.github` repository is such an error (type NOT_FOUND at path ["orgPolicy"]) and means "no org
 * policy", not a failure; any other error is a failure.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape of its own query's partial data
export function partialData<T extends { orgPolicy: unknown }>(error: unknown): T | null {
  const e = error as { errors?: { type?: string; path?: (string | number)[] }[]; data?: T } | null | undefined;
  if (!e?.data || !Array.isArray(e.errors) || e.errors.length === 0) return null;
  const onlyOrgMissing = e.errors.every((x) => x.type === "NOT_FOUND" && x.path?.[0] === "orgPolicy");
  return onlyOrgMissing ? e.data : null;
}

/** What reading a policy needs besides the Octokit: the parsed-policy cache, and how to word a missing org `.github`. */
export interface PolicyReadContext {
  policies: PolicyCache;
  /** Says why the org's `.github` could not be read (see `OrgAccess`); none: the generic wording. */
  orgAccess?: OrgAccess;
}

/** The policy alone (one GraphQL request, plus `_extends`): for direct pushes, which have no PR. */
export async function readRepoPolicy(gh: GitHub, repo: RepoRef, defaultBranch: string, context: PolicyReadContext): Promise<{ policy: PolicyState; defaultBranch: string | null }> {
  let result: PolicyQueryResult;
  let orgNotFound = false;
  try {
    result = await gh.graphql<PolicyQueryResult>(POLICY_QUERY, { owner: repo.owner, name: repo.repo, policyPath: POLICY_PATH, orgExpression: `HEAD:${POLICY_PATH}` });
  } catch (error) {
    const partial = partialData<PolicyQueryResult>(error);
    if (!partial) return { policy: { status: "unreadable", reason: `Could not read the policy (${describeError(error)}).`, source: { kind: "repository", description: `${repo.owner}/${repo.repo}@${defaultBranch}:${POLICY_PATH}` } }, defaultBranch: null };
    result = partial;
    orgNotFound = true;
  }
  const branch = result.repository?.defaultBranchRef ?? null;
  return { policy: await policyFromRead(gh, { ...repo, defaultBranch }, branch, result.orgPolicy, orgNotFound, context), defaultBranch: branch?.name ?? null };
}

/**
 * How the installation reaches the organisation's repositories (`repository_selection` of "List
 * repositories accessible to the app installation": `all` or `selected`), or null when unknown. Only
 * used to say WHY `<org>/.github` could not be read; a stale answer changes words, never a decision.
 */
export type OrgAccess = (gh: GitHub, owner: string) => Promise<"all" | "selected" | null>;

/** One request, cached by the caller (AppState) per owner: see `OrgAccess`. */
export async function repositorySelection(gh: GitHub): Promise<"all" | "selected" | null> {
  try {
    const { data } = await gh.rest.apps.listReposAccessibleToInstallation({ per_page: 1 });
    const selection = (data as { repository_selection?: string }).repository_selection;
    return selection === "all" || selection === "selected" ? selection : null;
  } catch {
    return null;
  }
}

/**
 * GitHub answers NOT_FOUND for `<org>/.github` both when it does not exist and when it is private and
 * not in this installation (an installation token cannot tell them apart: docs "Authenticating as a
 * GitHub App installation" — a token reaches only the installation's repositories). The installation's
 * `repository_selection` can: with `all`, every repository of the owner is in the installation, so the
 * repository is missing; with `selected`, it is missing or was not selected.
 */
async function orgNotFoundReason(gh: GitHub, owner: string, orgAccess?: OrgAccess): Promise<string> {
  const selection = orgAccess ? await orgAccess(gh, owner) : null;
  const repo = `${owner}/.github`;
  if (selection === "all") return `${repo} does not exist (the app is installed on all of ${owner}'s repositories, so it would see it)`;
  if (selection === "selected")
    return `${repo} is missing, or not among the repositories selected for this installation (add it to the installation so that the organization's policy applies)`;
  return `${repo} is missing, or not in this installation (add it to the installation so that the organization's policy applies)`;
}

/** The policy state from the one read: the default branch as GitHub names it now, and its file. */
export async function policyFromRead(
  gh: GitHub,
  target: RepoRef & { defaultBranch: string },
  branch: GqlDefaultBranch | null,
  org: { object: GqlBlob | null } | null,
  orgNotFound: boolean,
  context: PolicyReadContext,
): Promise<PolicyState> {
  if (!branch || branch.target?.__typename !== "Commit") {
    return {
      status: "unreadable",
      reason: `GitHub did not name the default branch of ${target.owner}/${target.repo}, where the policy is read. ${RERUN}`,
      source: { kind: "repository", description: `${target.owner}/${target.repo}:${POLICY_PATH}` },
    };
  }
  const orgBlob =
    target.repo === ".github"
      ? null
      : { owner: target.owner, repo: ".github", ref: "HEAD", blob: org?.object ?? null, ...(orgNotFound ? { notFound: await orgNotFoundReason(gh, target.owner, context.orgAccess) } : {}) };
  return readPolicy(gh, { owner: target.owner, repo: target.repo, ref: branch.name, blob: branch.target.policyFile?.object ?? null }, orgBlob, context.policies);
}
