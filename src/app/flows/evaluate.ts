/**
 * Evaluate a head SHA: read every open PR whose head it is, decide each with the engine, write the
 * strictest decision on the SHA's one `agent-gate` run, label agent PRs, log the audit lines.
 * The app adds no policy logic: facts in, `decide()` / `strictest()` / `renderCheck()` out.
 */
import type { Logger } from "probot";
import { decide } from "../../engine/decide/decide.js";
import { strictest } from "../../engine/decide/strictest.js";
import { md, sanitize } from "../../engine/render/markdown.js";
import { renderCheck } from "../../engine/render/check.js";
import { renderDetails } from "../../engine/render/details.js";
import { utf8Length, CHECK_OUTPUT_MAX } from "../../engine/render/bounded-doc.js";
import { DEFAULT_AGENT_LABEL } from "../../engine/names.js";
import { labelPlan } from "../../engine/decide/labels.js";
import { decisionAnnotations } from "../../engine/render/guard.js";
import { createHash } from "node:crypto";
import type { Decision, Account, PolicyPreview } from "../../engine/types.js";
import { decodeButtonApprovals, withButtonApprovals, encodeButtonApprovals, decodePolicyPreview, decodeReviewRequests, type ButtonApproval, type ReviewRequestRecord } from "../../github/button-approvals.js";
import { describeError, newRequestCounts, sawTransientFailure, type GitHub, type RequestCounts } from "../../github/client.js";
import type { PullFallback, PullSnapshot } from "../../github/read-pull.js";
import type { Reader } from "../../github/reader.js";
import type { RepoRef } from "../../github/refs.js";
import { decisionAudit, logClick, logDecision } from "../runtime/audit.js";
import type { FollowUp } from "../runtime/keyed-queue.js";
import { gaveUpNote } from "./retry.js";
import { requestReviewsOnce } from "./review-requests.js";
import { previewPolicy } from "./policy-preview.js";
import { assertLeaseHeld, ShaLockLostError, ShaLockTimeoutError } from "../runtime/sha-lock.js";
import { shaKey, type AppState } from "../runtime/state.js";

export interface RepoContext extends RepoRef {
  defaultBranch: string;
}

export interface EvaluateRequest {
  gh: GitHub;
  log: Logger;
  repo: RepoContext;
  /** A PR whose head is the SHA (the others are found from it). */
  number: number;
  fallback: PullFallback;
  trigger: string;
  /** Set when the evaluation was moved to the PR's current head SHA (done at most once). */
  requeued?: boolean;
}

/**
 * Queue an evaluation of the PR's head SHA (serialised and coalesced per repository + SHA). When it
 * fails — in the evaluation, or before it (the cross-replica lock could not be had) — the check may
 * be stale or missing: the SHA is re-evaluated later by itself (src/app/flows/retry.ts).
 */
export function evaluatePull(app: AppState, req: EvaluateRequest): Promise<void> {
  return app.queue.run(shaKey(req.repo.owner, req.repo.repo, req.fallback.headSha), () => runEvaluation(app, req)).catch((error: unknown) => {
    scheduleRetry(app, req, req.fallback.headSha, describeError(error));
    throw error;
  });
}

/** A fallback for events that carry only a PR number and a SHA (check_run, check_suite). */
export function minimalFallback(headSha: string, url: string): PullFallback {
  return { title: "", body: "", author: null, headRef: "", headSha, baseRef: "", labels: [], url, state: "OPEN" };
}

export function fallbackFromPayload(pr: {
  title: string;
  body?: string | null;
  user: { login: string; id: number; type?: string } | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  labels?: { name: string }[];
  html_url: string;
  state: string;
}): PullFallback {
  const author: Account | null = pr.user ? { login: pr.user.login, id: pr.user.id, type: pr.user.type ?? "User" } : null;
  return {
    title: pr.title,
    body: pr.body ?? "",
    author,
    headRef: pr.head.ref,
    headSha: pr.head.sha,
    baseRef: pr.base.ref,
    labels: (pr.labels ?? []).map((l) => l.name),
    url: pr.html_url,
    state: pr.state.toUpperCase(),
  };
}

function decideSnapshot(s: PullSnapshot): Decision {
  return decide({ facts: s.facts, policy: s.policy, approvals: s.approvals, ...(s.headPolicy ? { headPolicy: s.headPolicy } : {}) });
}

/** The check's text with the stored clicks, within GitHub's 65,535-character limit for `output.text`. */
function textWithClicks(decision: Decision, rendered: string, sha: string, clicks: ButtonApproval[], reviewRequests: ReviewRequestRecord[] = [], policyPreview: PolicyPreview | null = null): string {
  const block = { sha, approvals: clicks, reviewRequests, ...(policyPreview ? { policyPreview } : {}) };
  const full = withButtonApprovals(rendered, block);
  if (utf8Length(full) <= CHECK_OUTPUT_MAX) return full;
  return withButtonApprovals(renderDetails(decision, CHECK_OUTPUT_MAX - utf8Length(encodeButtonApprovals(block)) - 4), block);
}

/**
 * Issue 11 §2: the findings as line annotations, with a marker in the summary naming the set (GitHub
 * appends annotations on every update, so the writer sends them only to a run that lacks the marker).
 */
function annotationsOf(d: Decision, summary: string): { summary: string; annotations?: ReturnType<typeof decisionAnnotations>; annotationsKey?: string } {
  const annotations = decisionAnnotations(d, sanitize);
  if (annotations.length === 0) return { summary };
  const key = `<!-- agent-gate annotations ${createHash("sha256").update(JSON.stringify(annotations)).digest("hex").slice(0, 16)} -->`;
  if (utf8Length(summary) + utf8Length(key) + 1 > CHECK_OUTPUT_MAX) return { summary, annotations };
  return { summary: `${summary}\n${key}`, annotations, annotationsKey: key };
}

async function runEvaluation(app: AppState, req: EvaluateRequest): Promise<FollowUp | undefined> {
  const counter = newRequestCounts();
  const progress: Progress = { checkWritten: false };
  try {
    return await evaluate(app, req, counter, progress);
  } catch (error) {
    // Once this evaluation's decision is on the check, a later fault (a label write) leaves a check
    // that is true: only the retry below runs then. Before it, the check may be stale: fail closed.
    if (!progress.checkWritten) await failClosed(app, req, counter, error);
    // The check may be stale now (e.g. its write failed): evaluatePull re-evaluates it later (src/app/flows/retry.ts).
    throw error;
  }
}

/** Ask for an automatic re-evaluation of `sha` (src/app/flows/retry.ts); no-op without retries (tests). */
function scheduleRetry(app: AppState, req: EvaluateRequest, sha: string, reason: string): void {
  const trigger = req.trigger.startsWith("retry:") ? req.trigger : `retry:${req.trigger}`;
  app.retries?.failed(
    shaKey(req.repo.owner, req.repo.repo, sha),
    { log: req.log, repo: `${req.repo.owner}/${req.repo.repo}`, headSha: sha, pull: req.number },
    reason.slice(0, 500),
    () => evaluatePull(app, { ...req, fallback: { ...req.fallback, headSha: sha }, trigger, requeued: false }),
  );
}

export const EVALUATION_FAILED_TITLE = "agent-gate could not evaluate this commit";

/**
 * An evaluation that throws never leaves a stale passing check (issue 8 point 17): the SHA's run is
 * rewritten `failure`, saying why, before the error propagates (the delivery is answered 500, so
 * GitHub shows it as failed and it can be redelivered). The clicks stored in the run are kept, so a
 * fixed fault costs the approvers nothing; the clicks this evaluation was judging are dropped and
 * answered (one of them may be what made it throw, and kept it would throw again on every event).
 * Not when the cross-replica lock is lost or timed out: then another replica owns the SHA's slot and
 * writing here would be the very race the lock prevents.
 */
async function failClosed(app: AppState, req: EvaluateRequest, counter: RequestCounts, error: unknown): Promise<void> {
  if (error instanceof ShaLockLostError || error instanceof ShaLockTimeoutError) return;
  const sha = req.fallback.headSha;
  const repo = `${req.repo.owner}/${req.repo.repo}`;
  req.log.error({ repo, sha, pull: req.number, err: error }, "agent-gate: evaluation failed; writing failure on the check");
  const pending = app.pendingClicks.get(shaKey(req.repo.owner, req.repo.repo, sha)) ?? [];
  if (pending.length > 0) dropPendingClicks(app, req.log, req.repo, sha, pending, [req.number], "the evaluation failed before the click could be judged: click Approve again once the check is re-run");
  if (!/^[0-9a-f]{40}$/.test(sha)) return;
  try {
    const writer = app.io.writer(app, { gh: req.gh, repo: req.repo, counter });
    const run = await writer.findRun(sha);
    const kept = decodeButtonApprovals(run?.text, sha);
    const reviewRequests = decodeReviewRequests(run?.text, sha);
    const fault = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const summary = [
      `### ${EVALUATION_FAILED_TITLE}`,
      "",
      `The evaluation of pull request #${req.number} at ${sha.slice(0, 7)} stopped with an internal error (${md(fault, 300)}), so nothing it would have decided is known to be true. The check fails closed until an evaluation succeeds.`,
      "",
      "Re-run the agent-gate check (\"Re-run\" on the check). If it fails again, tell the app's operators: the app's log has the error.",
    ].join("\n");
    assertLeaseHeld();
    const text = withButtonApprovals("", { sha, approvals: kept, ...(reviewRequests.length > 0 ? { reviewRequests } : {}) });
    await writer.check({ sha, existing: run, output: { conclusion: "failure", title: EVALUATION_FAILED_TITLE, summary, text }, detailsUrl: null });
  } catch (writeError) {
    req.log.error({ repo, sha, err: writeError }, "agent-gate: could not write the failure after a failed evaluation");
  }
}

/** How far an evaluation got (for `failClosed`). */
interface Progress {
  checkWritten: boolean;
}

async function evaluate(app: AppState, req: EvaluateRequest, counter: RequestCounts, progress: Progress): Promise<FollowUp | undefined> {
  const started = performance.now();
  const { reader, writer } = await app.io.open(app, { gh: req.gh, repo: req.repo, counter });
  const key = shaKey(req.repo.owner, req.repo.repo, req.fallback.headSha);
  let pending = app.pendingClicks.get(key) ?? [];

  // 1. Read the PR (one GraphQL query), then the other open PRs at the same head.
  const first = await reader.pull(req.number, req.fallback, { pendingClicks: { sha: req.fallback.headSha, clicks: pending } });
  if (first.inaccessible) {
    // A delivery for a repository this installation does not reach (not selected, or a forged or
    // stale delivery): there is nothing to read and nowhere to write. Answered, logged, no request more.
    req.log.warn({ repo: `${req.repo.owner}/${req.repo.repo}`, pull: req.number }, "agent-gate: the repository is not visible to this installation; nothing evaluated");
    if (pending.length > 0) dropPendingClicks(app, req.log, req.repo, req.fallback.headSha, pending, [req.number], "the repository is not visible to this installation");
    return;
  }
  const sha = first.facts.headSha;
  if (sha !== req.fallback.headSha && pending.length > 0) {
    // A click approves the head it was made on (SPEC §4: approvals count only at the current head); the
    // reader left these out. Answer them now: the evaluation of the new head has other clicks.
    const reason = `the pull request was pushed to (head ${sha.slice(0, 7)}) before the click was handled; approvals count only at the head they were given on: click Approve on the new check`;
    dropPendingClicks(app, req.log, req.repo, req.fallback.headSha, pending, [req.number], reason);
    pending = [];
  }
  if (sha !== req.fallback.headSha && !req.requeued) {
    // The PR moved on since the event was sent: evaluate its current head in that SHA's queue, so two
    // evaluations of one SHA never write concurrently (e.g. a late review event racing a synchronize).
    // As a follow-up: this SHA's lane (and cross-replica lock) is released first, never held while waiting for another.
    return () => evaluatePull(app, { ...req, fallback: { ...req.fallback, headSha: sha }, requeued: true });
  }
  const snapshots = [first];
  for (const twin of first.twins) {
    snapshots.push(await reader.pull(twin, { ...minimalFallback(sha, first.url), state: "OPEN" }, { pendingClicks: { sha, clicks: pending } }));
  }
  app.rememberManualLabel(
    `${req.repo.owner}/${req.repo.repo}`,
    first.policy.status === "ok" ? first.policy.policy.labels.agent : DEFAULT_AGENT_LABEL,
    req.repo.defaultBranch,
    first.policy.source.description.includes(" (extends "),
  );

  // 2. Decide each PR; the SHA's check carries the strictest (SPEC §4 "one SHA, several PRs").
  //    The label we add is not a signal (the reader passes the manual label only when a human put it
  //    on), so the decision is the same before and after our labels land: nothing to anticipate.
  const decisions = snapshots.map(decideSnapshot);
  const labelPlans = snapshots.map((s, i) => (s.state === "OPEN" && s.facts.number != null ? labelPlan(s.policy, decisions[i]!) : []));
  // 2b. Review requests on action_required, once per PR and head SHA (remembered in the check run).
  const reviewRequests = await requestReviewsOnce({ reader, writer, log: req.log, repo: req.repo, sha, snapshots, decisions, stored: decodeReviewRequests(first.check?.text, sha) });
  // 2c. A PR that edits the policy file: the edited file's effect on the other open PRs, once per head SHA.
  const policyPreview = await previewOnce(req, reader, snapshots, decisions, decodePolicyPreview(first.check?.text, sha));
  const combined = strictest(decisions);
  // A transient fault (after Octokit's retries) left facts unread: evaluate again later (src/app/flows/retry.ts);
  // the last allowed attempt says in the check that it gave up.
  const transient = sawTransientFailure(counter) && combined.unverified.length > 0;
  const retryKey = shaKey(req.repo.owner, req.repo.repo, sha);
  if (transient && app.retries?.isLastAttempt(retryKey)) combined.unverified.push(gaveUpNote(app.retries.attempts));

  // 3. Approve clicks: stored ones stay (re-qualified every time); a new click is stored only if it counted.
  const countedClick = (login: string) => decisions.some((d) => d.approvals.some((a) => a.source === "button" && a.counted && a.login.toLowerCase() === login.toLowerCase()));
  const isPending = (c: ButtonApproval) => pending.some((p) => p.login.toLowerCase() === c.login.toLowerCase());
  const clicks = first.buttonApprovals.filter((c) => !isPending(c) || countedClick(c.login));

  // 4. Write the check (create it when the SHA has none; PATCH only when changed).
  const rendered = renderCheck(combined);
  const output = { conclusion: combined.conclusion, title: rendered.title, text: textWithClicks(combined, rendered.text, sha, clicks, reviewRequests, policyPreview), ...annotationsOf(combined, rendered.summary) };
  // With replicas (REDIS_URL): write only while this process's lock on the SHA is still valid (src/app/runtime/sha-lock.ts).
  assertLeaseHeld();
  const wrote = await writer.check({ sha, existing: first.check, output, detailsUrl: first.url || null });
  progress.checkWritten = true;

  // 5. Labels, per agent PR, added once.
  for (const [i, s] of snapshots.entries()) {
    if (s.facts.number == null || labelPlans[i]!.length === 0) continue;
    await writer.labels({ number: s.facts.number, wanted: labelPlans[i]!, onPull: s.labels, repoLabels: s.repoLabels, takenOff: s.labelsTakenOff });
  }

  // 6. Audit: one line per PR decision, one per click handled.
  if (pending.length > 0) {
    app.forgetPendingClicks(key, pending);
    for (const c of pending) {
      const outcome = decisions.flatMap((d) => d.approvals).find((a) => a.source === "button" && a.login.toLowerCase() === c.login.toLowerCase());
      logClick(req.log, {
        repo: `${req.repo.owner}/${req.repo.repo}`,
        headSha: sha,
        pulls: snapshots.map((s) => s.facts.number ?? 0),
        login: c.login,
        counted: countedClick(c.login),
        ...(outcome?.reason ? { reason: outcome.reason } : {}),
      });
    }
  }
  const durationMs = Math.round(performance.now() - started);
  const githubRequests = { ...counter };
  for (const d of decisions) {
    logDecision(req.log, decisionAudit(d, { repo: `${req.repo.owner}/${req.repo.repo}`, trigger: req.trigger, checkConclusion: combined.conclusion, wrote, durationMs, githubRequests }), app.metrics);
  }
  if (transient) scheduleRetry(app, req, sha, combined.unverified[0] ?? "a GitHub request failed");
  else app.retries?.succeeded(retryKey);
}

/** The stored preview, or a new one for the first open PR at the SHA whose edited policy file is valid; noted on its decision. */
async function previewOnce(req: EvaluateRequest, reader: Reader, snapshots: PullSnapshot[], decisions: Decision[], stored: PolicyPreview | null): Promise<PolicyPreview | null> {
  const i = snapshots.findIndex((s) => s.state === "OPEN" && s.headPolicy?.status === "valid");
  if (i === -1) return null;
  const preview = stored ?? (await previewPolicy({ reader, log: req.log, repo: req.repo, snapshot: snapshots[i]! }));
  decisions[i]!.policyPreview = preview;
  return preview;
}

/**
 * Approve clicks that will not be judged at the SHA they were made on (the PR moved on, or no open PR
 * has that head any more): taken out of `app.pendingClicks`, so they neither linger nor count later,
 * and answered with an audit line saying why (SPEC §5: "else say why not").
 */
export function dropPendingClicks(app: AppState, log: Logger, repo: RepoRef, sha: string, clicks: readonly ButtonApproval[], pulls: number[], reason: string): void {
  app.forgetPendingClicks(shaKey(repo.owner, repo.repo, sha), clicks);
  for (const c of clicks) logClick(log, { repo: `${repo.owner}/${repo.repo}`, headSha: sha, pulls, login: c.login, counted: false, reason });
}
