/**
 * `pull_request` opened, reopened, synchronize, edited, ready_for_review, labeled, unlabeled → evaluate
 * (SPEC §5). A label other than ours cannot change the outcome, so it costs no request (SPEC §8);
 * neither does a bot putting our label on (our own label write included), see `cannotChangeOutcome`.
 */
import type { Context } from "probot";
import { evaluatePull, fallbackFromPayload } from "../flows/evaluate.js";
import type { AppState } from "../runtime/state.js";
import { AGENT_LABEL_PREFIX, DEFAULT_AGENT_LABEL } from "../../engine/names.js";

export const PULL_REQUEST_ACTIONS = ["opened", "reopened", "synchronize", "edited", "ready_for_review", "labeled", "unlabeled"] as const;

/** Ours: the repository's manual label as last read (default `agent-authored`) and any `agent:<id>`. */
export function isOurLabel(app: AppState, repo: string, name: string, defaultBranch: string): boolean {
  const lower = name.toLowerCase();
  if (lower.startsWith(AGENT_LABEL_PREFIX)) return true;
  const manual = app.manualLabelOf(repo, defaultBranch);
  if (manual === undefined) return true; // unknown (or possibly stale) policy: its manual label could be this one
  return lower === DEFAULT_AGENT_LABEL || (manual !== false && lower === manual.toLowerCase());
}

/**
 * A label event that cannot change any decision:
 * - a label that is not ours;
 * - ours put ON by a bot (`sender.type` "Bot": this app's own label write, another app, Actions'
 *   GITHUB_TOKEN). Only a human's label is the manual signal (SPEC §2 signal 5), and GitHub makes a
 *   `labeled` event only when the label was not on the PR before, so before and after it the manual
 *   signal is off. This is what makes the app's own `labeled` deliveries free (SPEC §8).
 * Taking our label OFF is never skipped, whoever does it: it may remove a human's manual signal.
 */
export function cannotChangeOutcome(app: AppState, repo: string, defaultBranch: string, action: string, label: string, sender: { type?: string } | null | undefined): boolean {
  if (!isOurLabel(app, repo, label, defaultBranch)) return true;
  return action === "labeled" && sender?.type === "Bot";
}

export async function onPullRequest(app: AppState, context: Context<"pull_request">): Promise<void> {
  const { payload } = context;
  const repo = payload.repository;
  // 1. Cheap exit: a label event that cannot change the outcome.
  if ((payload.action === "labeled" || payload.action === "unlabeled") && "label" in payload && payload.label) {
    if (cannotChangeOutcome(app, repo.full_name, repo.default_branch, payload.action, payload.label.name, payload.sender)) return;
  }
  await evaluateOpenPull(app, context, `pull_request.${payload.action}`);
}

/**
 * Evaluate the PR a `pull_request` or `pull_request_review` payload carries, unless it is closed:
 * closed PRs have nothing to gate (an edit or a review can still arrive for one). The payload's copy
 * of the PR gives the head SHA the evaluation is queued under, and is what the reader falls back on
 * when the PR cannot be read.
 */
export async function evaluateOpenPull(app: AppState, context: Context<"pull_request"> | Context<"pull_request_review">, trigger: string): Promise<void> {
  const { repository: repo, pull_request: pr } = context.payload;
  if (!wellFormed(repo, pr)) {
    // Issue 8 point 17: a field the evaluation keys on (the SHA's queue, the read) is checked first;
    // a malformed payload is answered and logged, and nothing is stored or written for it.
    context.log.warn({ event: trigger }, "agent-gate: pull request payload without a valid number, head SHA or repository; ignored");
    return;
  }
  if (pr.state !== "open") return;
  await evaluatePull(app, {
    gh: context.octokit,
    log: context.log,
    repo: { owner: repo.owner.login, repo: repo.name, defaultBranch: repo.default_branch },
    number: pr.number,
    fallback: fallbackFromPayload(pr),
    trigger,
  });
}

const SHA = /^[0-9a-f]{40}$/;

/** The fields an evaluation is keyed on and reads with, of the shapes GitHub sends. */
function wellFormed(repo: unknown, pr: unknown): boolean {
  const r = repo as { owner?: { login?: unknown }; name?: unknown; default_branch?: unknown } | null;
  const p = pr as { number?: unknown; state?: unknown; head?: { sha?: unknown; ref?: unknown }; base?: { ref?: unknown } } | null;
  return (
    typeof r?.owner?.login === "string" &&
    typeof r.name === "string" &&
    typeof r.default_branch === "string" &&
    typeof p?.number === "number" &&
    Number.isSafeInteger(p.number) &&
    p.number > 0 &&
    typeof p.state === "string" &&
    typeof p.head?.sha === "string" &&
    SHA.test(p.head.sha) &&
    typeof p.head.ref === "string" &&
    typeof p.base?.ref === "string"
  );
}
