/**
 * Direct pushes to the default branch (SPEC §5): agent commits that reached the default branch without
 * a pull request are reported — a `neutral` check run on the pushed head commit (it is already merged,
 * so there is nothing to block; neutral makes it visible without turning the branch red) and an audit
 * line. No agent: no write at all.
 */
import type { Logger } from "probot";
import { detectAgents, detectionConfigFromPolicy } from "../../engine/detect.js";
import { BUILTIN_DETECTION_CONFIG } from "../../engine/decide/detection-config.js";
import { code, md } from "../../engine/render/markdown.js";
import type { CommitFacts, Detection, PolicyState } from "../../engine/types.js";
import { describeError, newRequestCounts, type GitHub, type RequestCounts } from "../../github/client.js";
import type { Reader } from "../../github/reader.js";
import { logPush } from "../runtime/audit.js";
import type { RepoContext } from "./evaluate.js";
import { assertLeaseHeld } from "../runtime/sha-lock.js";
import { shaKey, type AppState } from "../runtime/state.js";

/** GitHub puts at most 20 commits in a push payload (webhook docs, `push`: "commits … maximum of 20"). */
export const PUSH_PAYLOAD_MAX_COMMITS = 20;
export const PUSH_TITLE = "Agent commits pushed without a pull request";

export interface PushCommit {
  id: string;
  message: string;
  author: { name: string; email: string | null; username?: string };
  committer: { name: string; email: string | null; username?: string };
}

export interface PushRequest {
  gh: GitHub;
  log: Logger;
  repo: RepoContext;
  ref: string;
  before: string;
  after: string;
  pusher: string;
  commits: PushCommit[];
}

function fromPayload(c: PushCommit): CommitFacts {
  return {
    sha: c.id,
    message: c.message,
    author: { name: c.author.name, email: c.author.email ?? "", login: c.author.username ?? null },
    committer: { name: c.committer.name, email: c.committer.email ?? "", login: c.committer.username ?? null },
  };
}

/** All pushed commits: the payload's, or the compare API's when the payload is at its 20-commit cap. */
async function pushedCommits(reader: Reader, req: PushRequest): Promise<{ commits: CommitFacts[]; unverified?: string }> {
  const payload = req.commits.map(fromPayload);
  if (req.commits.length < PUSH_PAYLOAD_MAX_COMMITS || /^0+$/.test(req.before)) return { commits: payload };
  try {
    return { commits: await reader.compareCommits(req.before, req.after) };
  } catch (error) {
    return { commits: payload, unverified: `only the first ${payload.length} commits were checked (compare API: ${describeError(error)})` };
  }
}

function renderPush(detection: Detection, commits: CommitFacts[], pusher: string, policy: PolicyState, unverified?: string): { title: string; summary: string; text: string } {
  const agentCommits = detection.commits.filter((c) => c.agents.length > 0);
  const lines = [
    `**${PUSH_TITLE}.** ${agentCommits.length} of ${commits.length} commits pushed by ${md("@" + pusher, 100)} to the default branch were made with ${detection.agents.map((a) => md(a.name)).join(", ")}, without a pull request, so no human approved them through agent-gate.`,
    "",
    "| commit | agents | evidence |",
    "|---|---|---|",
    ...agentCommits.slice(0, 100).map((c) => `| ${code(c.sha.slice(0, 7), { inTable: true })} | ${c.agents.map((a) => md(a.name)).join(", ")} | ${c.evidence.map((e) => `${md(e.signal)}: ${code(e.value, { inTable: true, max: 120 })}`).join("<br>")} |`),
    "",
    `Policy: ${md(policy.source.description)}${policy.status === "ok" ? "" : ` (${policy.status}; the built-in agent catalogue was used)`}.`,
    ...(unverified ? ["", `Not verified: ${md(unverified)}.`] : []),
    "",
    "To prevent this, protect the default branch (require pull requests) and make `agent-gate` a required check.",
  ];
  return { title: PUSH_TITLE, summary: lines.join("\n"), text: "" };
}

export function reportPush(app: AppState, req: PushRequest): Promise<void> {
  return app.queue.run(shaKey(req.repo.owner, req.repo.repo, req.after), () => pushReport(app, req, newRequestCounts()), "push");
}

async function pushReport(app: AppState, req: PushRequest, counter: RequestCounts): Promise<void> {
  const started = performance.now();
  const { reader, writer } = await app.io.open(app, { gh: req.gh, repo: req.repo, counter });
  // 1. Policy (its custom agents count), commits, detection. The default branch as GitHub names it
  //    now (issue 8 point 15): a redelivered old push to a branch that is no longer the default is no
  //    direct push to the default branch.
  const read = await reader.repoPolicy(req.repo.defaultBranch);
  const policy = read.policy;
  if (read.defaultBranch !== null && req.ref !== `refs/heads/${read.defaultBranch}`) {
    req.log.info({ repo: `${req.repo.owner}/${req.repo.repo}`, ref: req.ref, defaultBranch: read.defaultBranch }, "agent-gate: push to a branch that is no longer the default; nothing to report");
    return;
  }
  const { commits, unverified } = await pushedCommits(reader, req);
  const config = policy.status === "ok" ? detectionConfigFromPolicy(policy.policy) : BUILTIN_DETECTION_CONFIG;
  const detection = detectAgents(
    { repository: `${req.repo.owner}/${req.repo.repo}`, number: null, title: "", body: "", author: null, headRef: req.ref.replace(/^refs\/heads\//, ""), headSha: req.after, baseRef: read.defaultBranch ?? req.repo.defaultBranch, labels: [], commits, files: [], unverified: [] },
    config,
  );
  // Only commit signals: the "head branch" of a push is the default branch itself, not an agent's branch.
  const agentCommits = detection.commits.filter((c) => c.agents.length > 0);
  let conclusion: "neutral" | null = null;
  if (agentCommits.length > 0) {
    // 2. Report on the pushed head commit (one run per SHA, rewritten only if it changed) — unless the
    //    SHA carries a pull request's decision (issue 8 point 6, SPEC §5: "a report never weakens the
    //    check of a SHA that is an open PR's head"). A branch proposed into `release/1` and pushed to
    //    the default branch has that PR's `failure` on this very SHA; `neutral` passes a required
    //    check, so writing it would let the release PR merge. A PR decision is never replaced by a
    //    report: a stricter one must stand, and one that passes means the commits went through a PR.
    //    This runs in the SHA's serialisation slot, so no PR evaluation of the SHA interleaves.
    const existing = await writer.findRun(req.after);
    if (existing && existing.title !== PUSH_TITLE) {
      req.log.info({ repo: `${req.repo.owner}/${req.repo.repo}`, sha: req.after, conclusion: existing.conclusion }, "agent-gate: the pushed commit carries a pull request's check; the push report does not replace it");
    } else {
      const out = renderPush(detection, commits, req.pusher, policy, unverified);
      assertLeaseHeld(); // with REDIS_URL: never write once the SHA's cross-replica lock may have expired
      await writer.check({ sha: req.after, existing, output: { conclusion: "neutral", ...out }, detailsUrl: null });
      conclusion = "neutral";
    }
  }
  if (agentCommits.length > 0 || unverified) {
    logPush(req.log, {
      repo: `${req.repo.owner}/${req.repo.repo}`,
      ref: req.ref,
      headSha: req.after,
      pusher: req.pusher,
      commits: agentCommits.map((c) => c.sha),
      detection,
      conclusion,
      policySource: policy.source,
      policyHash: policy.status === "ok" ? policy.hash : null,
      durationMs: Math.round(performance.now() - started),
      githubRequests: { ...counter },
      ...(unverified ? { unverified } : {}),
    });
  }
}
