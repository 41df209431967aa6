/** `push` to the default branch → report agent commits pushed without a PR (SPEC §5). Other refs: no request. */
import type { Context } from "probot";
import { reportPush } from "../flows/push.js";
import type { AppState } from "../runtime/state.js";

export async function onPush(app: AppState, context: Context<"push">): Promise<void> {
  const { payload } = context;
  const repo = payload.repository;
  // 1. Only the default branch, and not its deletion.
  if (payload.ref !== `refs/heads/${repo.default_branch}`) return;
  // The policy may have changed (here, or for the repositories that read it from this one): the
  // cached manual labels that let label events skip evaluation are dropped first (issue 8 point 5).
  app.forgetPolicyOf(repo.full_name);
  if (payload.deleted || /^0+$/.test(payload.after)) return;
  if (payload.commits.length === 0) return;
  await reportPush(app, {
    gh: context.octokit,
    log: context.log,
    repo: { owner: repo.owner?.login ?? repo.full_name.split("/")[0]!, repo: repo.name, defaultBranch: repo.default_branch },
    ref: payload.ref,
    before: payload.before,
    after: payload.after,
    pusher: payload.pusher.name,
    commits: payload.commits.map((c) => ({
      id: c.id,
      message: c.message,
      author: { name: c.author.name, email: c.author.email, ...(c.author.username ? { username: c.author.username } : {}) },
      committer: { name: c.committer.name, email: c.committer.email, ...(c.committer.username ? { username: c.committer.username } : {}) },
    })),
  });
}
