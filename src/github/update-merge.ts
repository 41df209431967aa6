/**
 * Approvals that survive an "Update branch" merge (issue 12 point 2, policy
 * `approval.keep_on_update_merge`). policy-bot's `ignore_update_merges` was bypassed by resolving a
 * conflict inside such a merge (palantir/policy-bot#120); here the test is on CONTENT, not on who
 * made the merge or what its message says:
 *
 * 1. the head H is a merge commit whose two parents are an earlier head A of the PR and the base
 *    branch's current tip (free: `parents` comes with the PR query);
 * 2. H is not by an agent identity (author or committer; the built-in catalogue and the policy's);
 * 3. no file differs between A and H that the PR changes (REST "Compare two commits" A...H, one read):
 *    every file where H differs from A then equals the base tip — the merge brought the base's
 *    changes and nothing else. A conflict resolution or a slipped-in line changes a file of the PR
 *    (a file that differs from the base tip IS a file of the PR), so it never carries;
 * 4. then the approvals given at A count at H: the reviews submitted on A (the reader re-dates them to
 *    H and qualifies them as usual) and the Approve clicks stored in A's check run (the PR query
 *    reads the head's parents' check runs of this app: no extra request).
 *
 * Fail safe: any read that fails, a compare listing at GitHub's caps, or any doubt → not carried,
 * with the reason (the PR then simply needs a fresh approval). Never an error of the decision.
 */
import { detectAgents } from "../engine/detect.js";
import { BUILTIN_DETECTION_CONFIG } from "../engine/decide/detection-config.js";
import { detectionConfigFromPolicy } from "../engine/detect.js";
import type { ChangedFile, CommitFacts, Policy, PullFacts, UpdateMergeFacts } from "../engine/types.js";
import { decodeButtonApprovals, type ButtonApproval } from "./button-approvals.js";
import { describeError, type GitHub } from "./client.js";
import type { GqlParents } from "./queries.js";

/** GitHub's "Compare two commits" lists at most 300 files and 250 commits per page. */
const COMPARE_MAX_FILES = 300;

export interface UpdateMergeInput {
  owner: string;
  repo: string;
  policy: Policy;
  /** The head commit as the PR query read it (its parents). */
  head: { oid: string; parents?: GqlParents | null } | undefined;
  /** The PR's commits, oldest first (GraphQL order). */
  commits: readonly CommitFacts[];
  headSha: string;
  /** The base branch's current tip (`baseRefOid`). */
  baseSha: string;
  files: readonly ChangedFile[];
  facts: Pick<PullFacts, "repository" | "number">;
}

export interface UpdateMergeResult {
  facts: UpdateMergeFacts;
  /** Clicks stored at the approved head, to count at the new head (only when carried). */
  clicks: ButtonApproval[];
}

/** The structural test alone (no request): the earlier head when H merges it with the base tip. */
export function updateMergeParent(head: UpdateMergeInput["head"], headSha: string, baseSha: string, prCommits: readonly CommitFacts[]): string | null {
  const parents = head?.parents;
  if (head?.oid !== headSha || parents?.totalCount !== 2 || parents.nodes.length !== 2) return null;
  const [p1, p2] = parents.nodes.map((p) => p.oid) as [string, string];
  const from = p2 === baseSha ? p1 : p1 === baseSha ? p2 : null;
  if (from === null || from === baseSha) return null;
  // The earlier head must be the PR's own work (one of its commits), not another branch.
  return prCommits.some((c) => c.sha === from) ? from : null;
}

export async function readUpdateMerge(gh: GitHub, input: UpdateMergeInput): Promise<UpdateMergeResult | null> {
  const from = updateMergeParent(input.head, input.headSha, input.baseSha, input.commits);
  if (from === null) return null;
  const no = (reason: string): UpdateMergeResult => ({ facts: { sha: input.headSha, from, carried: false, reason }, clicks: [] });

  // 2. Not by an agent.
  const merge = input.commits.find((c) => c.sha === input.headSha);
  if (!merge) return no("the merge commit is not among the pull request's listed commits");
  const only = { repository: input.facts.repository, number: input.facts.number ?? null, title: "", body: "", author: null, headRef: "", headSha: input.headSha, baseRef: "", labels: [], commits: [merge], files: [], unverified: [] };
  for (const config of [detectionConfigFromPolicy(input.policy), BUILTIN_DETECTION_CONFIG]) {
    const d = detectAgents(only, { ...config, signals: config.signals.filter((s) => s === "identity" || s === "trailer"), manualLabel: false });
    if (d.agentAuthored) return no(`the merge was made by an agent identity (${d.agents.map((a) => a.id).join(", ")})`);
  }

  // 3. The merge changes none of the PR's files.
  let changed: { filename: string; previous_filename?: string }[];
  try {
    const { data } = await gh.rest.repos.compareCommitsWithBasehead({ owner: input.owner, repo: input.repo, basehead: `${from}...${input.headSha}`, per_page: 1 });
    if (data.status !== "ahead") return no(`the approved head ${from.slice(0, 7)} is not an ancestor of the merge (compare status ${data.status})`);
    changed = data.files ?? [];
    if (changed.length >= COMPARE_MAX_FILES) return no(`the merge changes ${changed.length} or more files, past what GitHub's compare lists`);
  } catch (error) {
    return no(`the merge could not be compared with the approved head (${describeError(error)})`);
  }
  const prPaths = new Set(input.files.flatMap((f) => [f.path, ...(f.previousPath ? [f.previousPath] : [])]));
  const touched = changed.flatMap((f) => [f.filename, ...(f.previous_filename ? [f.previous_filename] : [])]).filter((p) => prPaths.has(p));
  if (touched.length > 0) {
    const list = touched.slice(0, 5).map((p) => `\`${p}\``).join(", ");
    return no(`the merge changes ${touched.length === 1 ? "a file" : "files"} of the pull request (${list}${touched.length > 5 ? ", …" : ""}): a conflict resolution or a change of its own`);
  }

  // 4. The clicks stored in the approved head's check run (read with the PR, as the parent's check runs).
  const parent = input.head?.parents?.nodes.find((p) => p.oid === from);
  const runs = (parent?.checkSuites?.nodes ?? []).flatMap((s) => s.checkRuns?.nodes ?? []);
  const run = runs.sort((a, b) => b.databaseId - a.databaseId)[0];
  const clicks = run ? decodeButtonApprovals(run.text, from) : [];
  return { facts: { sha: input.headSha, from, carried: true }, clicks };
}
