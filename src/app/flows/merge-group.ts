/**
 * Merge queue (SPEC §5): GitHub asks for checks on the group's temporary head SHA, which contains the
 * group's PR and every PR ahead of it in the queue. `agent-gate` on that SHA is `success` only if every
 * one of those PRs passes (each judged at its own head, with its own approvals); if the group's PRs
 * cannot be resolved, it fails closed.
 */
import type { Logger } from "probot";
import { decide } from "../../engine/decide/decide.js";
import { strictest } from "../../engine/decide/strictest.js";
import { CHECK_OUTPUT_MAX, CHECK_TITLE_MAX, utf8Length } from "../../engine/render/bounded-doc.js";
import { md, sanitize } from "../../engine/render/markdown.js";
import { renderCheck } from "../../engine/render/check.js";
import { renderSummary } from "../../engine/render/summary.js";
import type { Decision } from "../../engine/types.js";
import { newRequestCounts, type GitHub, type RequestCounts } from "../../github/client.js";
import type { CheckRunOutput } from "../../github/write-check.js";
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
export function queueOutput(decisions: readonly Decision[], combined: Decision): CheckRunOutput {
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
  return app.queue.run(shaKey(req.repo.owner, req.repo.repo, req.headSha), () => mergeGroupCheck(app, req, newRequestCounts()), "merge_group");
}

async function mergeGroupCheck(app: AppState, req: MergeGroupRequest, counter: RequestCounts): Promise<void> {
  const started = performance.now();
  const { reader, writer } = await app.io.open(app, { gh: req.gh, repo: req.repo, counter });
  // 1. Which PRs (the group's entry and every one ahead of it); 2. each PR's own decision at its own head; 3. strictest on the group SHA.
  const pulls = await reader.mergeGroupPulls(req.baseRef, req.headSha);
  let decisions: Decision[];
  if (typeof pulls === "string") decisions = [unresolved(req, pulls)];
  else {
    decisions = [];
    for (const number of pulls) {
      const s = await reader.pull(number, minimalFallback("", ""));
      decisions.push(decide({ facts: s.facts, policy: s.policy, approvals: s.approvals, ...(s.headPolicy ? { headPolicy: s.headPolicy } : {}) }));
    }
  }
  const combined = strictest(decisions);
  const output = queueOutput(decisions, combined);
  assertLeaseHeld(); // with REDIS_URL: never write once the SHA's cross-replica lock may have expired
  const wrote = await writer.check({ sha: req.headSha, existing: undefined, output, detailsUrl: null });
  const durationMs = Math.round(performance.now() - started);
  for (const d of decisions)
    logDecision(req.log, decisionAudit(d, { repo: `${req.repo.owner}/${req.repo.repo}`, trigger: "merge_group.checks_requested", checkConclusion: combined.conclusion, wrote, durationMs, githubRequests: { ...counter } }), app.metrics);
}
