/**
 * `pull_request` closed → re-evaluate the OTHER open PRs at the closed PR's head SHA. SPEC §5 does not
 * list `closed`, but SPEC §4 ("one SHA, several PRs") puts the strictest decision among the OPEN PRs
 * at a SHA on its check: once a dangerous twin is closed, the SHA must not keep its verdict until some
 * unrelated event arrives for the harmless one. One REST look-up per close; an evaluation only when an
 * open twin exists.
 */
import type { Context } from "probot";
import type { AppState } from "../runtime/state.js";
import { evaluateOpenPullsAt } from "./evaluate-at-sha.js";
import { pullsAtSha } from "../../github/pulls-at-sha.js";

export async function onPullRequestClosed(app: AppState, context: Context<"pull_request.closed">): Promise<void> {
  const { payload } = context;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name, defaultBranch: payload.repository.default_branch };
  const sha = payload.pull_request.head.sha;
  // The payload names no twins; "List pull requests associated with a commit" does (open ones are filtered there).
  const open = (await pullsAtSha(context.octokit, repo, sha, [])).filter((n) => n !== payload.pull_request.number);
  await evaluateOpenPullsAt(app, context, repo, sha, open, "pull_request.closed");
}
