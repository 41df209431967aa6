/**
 * Merge queue (SPEC §5): GitHub asks for checks on the group's temporary head SHA, which contains the
 * group's PR and every PR ahead of it in the queue. `agent-gate` on that SHA is `success` only if every
 * one of those PRs passes (each judged at its own head, with its own approvals); if the group's PRs
 * cannot be resolved, it fails closed.
 */
import type { Logger } from "probot";
import { decide } from "../../engine/decide/decide.js";
import { strictest } from "../../engine/decide/strictest.js";
import { CHECK_OUTPUT_MAX, CHECK_TITLE_MAX, md, renderCheck, renderSummary, sanitize, utf8Length } from "../../engine/render.js";
import type { Decision } from "../../engine/types.js";
import { countingOctokit, describeError, newRequestCounts, type GitHub, type RequestCounts } from "../../github/client.js";
import { withUnspacedQueries } from "../../github/octokit.js";
import { MERGE_QUEUE_QUERY, type MergeQueueResult } from "../../github/queries.js";
import { readPull } from "../../github/read-pull.js";
import { newLookupCache } from "../../github/reviewers.js";
import { writeCheck, type CheckOutput } from "../../github/write-check.js";
import { decisionAudit, logDecision } from "../runtime/audit.js";
import { minimalFallback, type RepoContext } from "./evaluate.js";
import { assertLeaseHeld } from "../runtime/sha-lock.js";
import { shaKey, type AppState } from "../runtime/state.js";

export interface MergeGroupRequest {
  gh: GitHub;
  log: Logger;
  repo: RepoContext;
  headSha: string;
  /** The queue's target branch, without refs/heads/. */
  baseRef: string;
}

/** PR numbers in the group: the entry whose head commit is the group's SHA and every entry ahead of it. */
async function groupPulls(gh: GitHub, req: MergeGroupRequest): Promise<number[] | string> {
  let result: MergeQueueResult;
  try {
    result = await gh.graphql<MergeQueueResult>(MERGE_QUEUE_QUERY, { owner: req.repo.owner, name: req.repo.repo, branch: req.baseRef });
  } catch (error) {
    return `Could not read the merge queue of ${req.baseRef} (${describeError(error)}).`;
  }
  const entries = result.repository?.mergeQueue?.entries?.nodes ?? [];
  // The last entry whose head commit is the group's SHA (a batched group shares one head commit).
  const mine = entries.filter((e) => e.headCommit?.oid === req.headSha).sort((a, b) => b.position - a.position)[0];
  if (!mine) return `The merge queue of ${req.baseRef} has no entry for the group commit ${req.headSha.slice(0, 7)}, so its pull requests cannot be known.`;
  const pulls = entries.filter((e) => e.position <= mine.position).map((e) => e.pullRequest?.number);
  if (pulls.some((n) => n === undefined)) return `A merge queue entry of ${req.baseRef} has no readable pull request.`;
  return pulls as number[];
}

/** A failure decision for a group that could not be resolved (built by the engine from an unreadable state). */
function unresolved(req: MergeGroupRequest, reason: string): Decision {
  const why = `${reason} Re-run: remove the pull request from the merge queue and add it again.`;
  return decide({
    facts: { repository: `${req.repo.owner}/${req.repo.repo}`, number: null, title: "", body: "", author: null, headRef: "", headSha: req.headSha, baseRef: req.baseRef, labels: [], commits: [], files: [], unverified: [why] },
    policy: { status: "unreadable", reason: why, source: { kind: "repository", description: "merge queue" } },
    approvals: [],
  });
}

/** A PR's decision passes in a queue when nobody needs to act: `success`, or `neutral` ("disabled by policy"). */
const passes = (d: Decision) => d.conclusion === "success" || d.conclusion === "neutral";

/**
 * The group's check (issue 8 point 7): `success` or `failure` only, never `action_required` — nobody
 * can click Approve in a queue, and GitHub answers 422 to an `action_required` run without a
 * `details_url` ("Create a check run": "When the conclusion is action_required, additional details
 * should be provided on the site specified by details_url"), so the group would get no check at all
 * and wait for the queue's timeout. The summary names each PR that does not pass and what it needs;
 * approving happens on the PR's own check or by a review, then the PR is queued again.
 */
export function queueOutput(decisions: readonly Decision[], combined: Decision): CheckOutput {
  const failing = decisions.filter((d) => !passes(d));
  if (failing.length === 0) {
    const rendered = renderCheck(combined);
    return { conclusion: "success", title: rendered.title, summary: rendered.summary, text: "" };
  }
  const name = (d: Decision) => (d.number != null ? `#${d.number}` : "The group");
  const title = failing.length === 1 ? `Merge queue: ${name(failing[0]!)} does not pass — ${failing[0]!.title}` : `Merge queue: ${failing.length} of ${decisions.length} pull requests do not pass`;
  const lines = [
    `**This merge group cannot pass yet.** Nobody can approve inside a merge queue, so \`agent-gate\` passes a group only when every pull request in it passes at its own head. Not passing:`,
    "",
    ...failing.slice(0, 100).map((d) => `- ${name(d)} (${d.conclusion.replace("_", " ")}): ${md(d.title, 300)}`),
    "",
    "Approve each of them (a review, or Approve on the pull request's own `agent-gate` check), then add them to the queue again.",
    "",
    "---",
    "",
  ];
  const head = lines.join("\n");
  const budget = CHECK_OUTPUT_MAX - utf8Length(head) - 16;
  return { conclusion: "failure", title: sanitize(title, CHECK_TITLE_MAX), summary: head + renderSummary(failing[0]!, Math.max(0, budget)), text: "" };
}

export function evaluateMergeGroup(app: AppState, req: MergeGroupRequest): Promise<void> {
  return app.queue.run(shaKey(req.repo.owner, req.repo.repo, req.headSha), () => runMergeGroup(app, req), "merge_group");
}

function runMergeGroup(app: AppState, req: MergeGroupRequest): Promise<void> {
  const counter = newRequestCounts();
  return mergeGroupCheck(app, { ...req, gh: countingOctokit(req.gh, counter) }, counter);
}

async function mergeGroupCheck(app: AppState, req: MergeGroupRequest, counter: RequestCounts): Promise<void> {
  const started = performance.now();
  const cache = newLookupCache();
  // Reads: GraphQL queries without the 1 s spacing of writes (src/github/octokit.ts); the write below uses req.gh.
  const reads = await withUnspacedQueries(app.queryOctokits, req.gh, counter, (octokit, installationId) => app.metrics.instrument(octokit, String(installationId)));
  // 1. Which PRs; 2. each PR's own decision at its own head; 3. strictest on the group SHA.
  const pulls = await groupPulls(reads, req);
  let decisions: Decision[];
  if (typeof pulls === "string") decisions = [unresolved(req, pulls)];
  else {
    decisions = [];
    for (const number of pulls) {
      const s = await readPull(reads, { ...req.repo, number, appId: app.appId }, minimalFallback("", ""), { cache, orgAccess: app.orgAccess, policies: app.policies });
      decisions.push(decide({ facts: s.facts, policy: s.policy, approvals: s.approvals, ...(s.headPolicy ? { headPolicy: s.headPolicy } : {}) }));
    }
  }
  const combined = strictest(decisions);
  const output = queueOutput(decisions, combined);
  assertLeaseHeld(); // with REDIS_URL: never write once the SHA's cross-replica lock may have expired
  const wrote = await writeCheck({ gh: req.gh, repo: req.repo, sha: req.headSha, existing: undefined, appId: app.appId, output, detailsUrl: null, runs: app.createdRuns });
  const durationMs = Math.round(performance.now() - started);
  for (const d of decisions)
    logDecision(req.log, decisionAudit(d, { repo: `${req.repo.owner}/${req.repo.repo}`, trigger: "merge_group.checks_requested", checkConclusion: combined.conclusion, wrote, durationMs, githubRequests: { ...counter } }), app.metrics);
}
