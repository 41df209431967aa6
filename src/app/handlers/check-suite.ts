/** `check_suite` rerequested → evaluate again, for our app's suite only (another app's costs no request). */
import type { Context } from "probot";
import type { AppState } from "../runtime/state.js";
import { evaluateOpenPullsAt } from "./evaluate-at-sha.js";
import { pullsAtSha } from "../../github/pulls-at-sha.js";

export async function onCheckSuiteRerequested(app: AppState, context: Context<"check_suite.rerequested">): Promise<void> {
  const { payload } = context;
  const suite = payload.check_suite;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- GitHub's check-suite schema has `app` nullable
  if (suite.app?.id !== app.appId) return;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name, defaultBranch: payload.repository.default_branch };
  const pulls = await pullsAtSha(context.octokit, repo, suite.head_sha, suite.pull_requests);
  await evaluateOpenPullsAt(app, context, repo, suite.head_sha, pulls, "check_suite.rerequested");
}
