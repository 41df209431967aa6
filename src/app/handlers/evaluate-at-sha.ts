/**
 * For events that name a commit rather than a PR (check_suite rerequested, pull_request closed):
 * evaluate the open PRs whose head is the SHA. One evaluation of the first covers them all, since the
 * check carries the strictest decision among every open PR at the SHA (SPEC §4 "one SHA, several PRs").
 */
import type { Context } from "probot";
import { evaluatePull, minimalFallback, type RepoContext } from "../flows/evaluate.js";
import type { AppState } from "../runtime/state.js";

/** Evaluate `open` (open PRs whose head is `sha`, e.g. from `pullsAtSha`); nothing when it is empty. */
export async function evaluateOpenPullsAt(app: AppState, context: Pick<Context, "octokit" | "log">, repo: RepoContext, sha: string, open: number[], trigger: string): Promise<void> {
  const first = open[0];
  if (first === undefined) return;
  await evaluatePull(app, {
    gh: context.octokit,
    log: context.log,
    repo,
    number: first,
    fallback: minimalFallback(sha, ""),
    trigger,
  });
}
