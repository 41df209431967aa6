/**
 * `check_run` requested_action (`approve`) and rerequested, for OUR run only (SPEC §5). Another app's
 * run, or another check of ours, costs no request.
 *
 * Approve: the click is not trusted by itself (dcoapp/app never checked who clicked; we must). The
 * clicker is passed to the engine as a `button` approval and qualified exactly like a reviewer
 * (permission, teams/users, not a contributor, not a bot or agent). Only a click that counts is stored
 * in the check run; one that does not changes nothing, and the check's text says why.
 */
import type { Context } from "probot";
import { APPROVE_ACTION, CHECK_NAME } from "../../engine/names.js";
import { addButtonApproval, type ButtonApproval } from "../../github/button-approvals.js";
import { dropPendingClicks, evaluatePull, minimalFallback } from "../flows/evaluate.js";
import { shaKey, type AppState } from "../runtime/state.js";
import { pullsAtSha } from "../../github/pulls-at-sha.js";

type CheckRunContext = Context<"check_run.requested_action"> | Context<"check_run.rerequested">;

function isOurs(app: AppState, run: { name: string; app: { id: number } | null }): boolean {
  return run.app?.id === app.appId && run.name === CHECK_NAME;
}

/** A GitHub login: 1–39 letters, digits or single hyphens (bots: the App slug + "[bot]"). Linear: one character class, bounded. */
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:\[bot\])?$/;
const ACCOUNT_TYPES: ReadonlySet<string> = new Set(["User", "Bot", "Organization", "Mannequin"]);

/**
 * The click of a payload's `sender`, or null when any field the store needs is missing or malformed.
 * `at`: when GitHub delivered it, for a delivery handled again by start-up recovery (../recover.ts),
 * so a review submitted after the click still comes after it; else now.
 */
export function clickOf(sender: unknown, at?: string): ButtonApproval | null {
  if (typeof sender !== "object" || sender === null) return null;
  const { login, id, type } = sender as { login?: unknown; id?: unknown; type?: unknown };
  if (typeof login !== "string" || !LOGIN.test(login)) return null;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) return null;
  if (typeof type !== "string" || !ACCOUNT_TYPES.has(type)) return null;
  return { login, id, type, at: at ?? new Date().toISOString() };
}

const SHA = /^[0-9a-f]{40}$/;

export async function onCheckRun(app: AppState, context: CheckRunContext): Promise<void> {
  const { payload } = context;
  const run = payload.check_run;
  // 1. Ours only; for a click, only the Approve action.
  if (!isOurs(app, run)) return;
  if (payload.action === "requested_action" && payload.requested_action?.identifier !== APPROVE_ACTION.identifier) return;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name, defaultBranch: payload.repository.default_branch };
  // Read as unknown: a payload is checked, not trusted to match its declared type.
  const sha: unknown = run.head_sha;
  if (typeof sha !== "string" || !SHA.test(sha) || typeof repo.owner !== "string" || typeof repo.repo !== "string") {
    context.log.warn({ sha: String(sha).slice(0, 64) }, "agent-gate: check_run payload without a valid head_sha or repository; ignored");
    return;
  }

  // 2. Record the click as pending: the evaluation qualifies it and stores it in the run if it counts.
  if (payload.action === "requested_action") {
    const key = shaKey(repo.owner, repo.repo, sha);
    const click = clickOf(payload.sender, app.recoveredDeliveryTimes.get(context.id));
    // Issue 8 point 17: a field read from a payload is checked before it is stored. A sender without a
    // login (or id, or type) stored as a click made every later evaluation of the SHA throw; such a
    // click is refused here, said in the log, and the SHA is evaluated as if it had not come.
    if (click) app.pendingClicks.set(key, addButtonApproval(app.pendingClicks.get(key) ?? [], click));
    else context.log.warn({ repo: `${repo.owner}/${repo.repo}`, sha }, "agent-gate: Approve click with a malformed sender (no valid login, id or type) ignored");
  }

  // 3. Re-evaluate every open PR at the SHA (one evaluation covers the twins).
  const pulls = await pullsAtSha(context.octokit, repo, sha, run.pull_requests);
  const first = pulls[0];
  if (first === undefined) {
    context.log.info({ repo: `${repo.owner}/${repo.repo}`, sha }, "agent-gate: no open pull request at this commit; nothing to evaluate");
    const clicks = app.pendingClicks.get(shaKey(repo.owner, repo.repo, sha)) ?? [];
    dropPendingClicks(app, context.log, repo, sha, clicks, [], "no open pull request has this commit as its head (pushed to, or closed): approvals count only at a pull request's current head");
    return;
  }
  await evaluatePull(app, {
    gh: context.octokit,
    log: context.log,
    repo,
    number: first,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- GitHub sends null for a run without one (REST check-run: details_url is nullable)
    fallback: minimalFallback(sha, run.details_url ?? ""),
    trigger: `check_run.${payload.action}`,
  });
}
