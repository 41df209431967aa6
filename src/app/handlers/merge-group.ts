/** `merge_group` checks_requested → `agent-gate` on the group's head SHA (SPEC §5). */
import type { Context } from "probot";
import { evaluateMergeGroup } from "../flows/merge-group.js";
import type { AppState } from "../runtime/state.js";

export async function onMergeGroup(app: AppState, context: Context<"merge_group.checks_requested">): Promise<void> {
  const { payload } = context;
  const repo = payload.repository;
  if (!repo) return;
  await evaluateMergeGroup(app, {
    gh: context.octokit,
    log: context.log,
    repo: { owner: repo.owner.login, repo: repo.name, defaultBranch: repo.default_branch },
    headSha: payload.merge_group.head_sha,
    baseRef: payload.merge_group.base_ref.replace(/^refs\/heads\//, ""),
  });
}
