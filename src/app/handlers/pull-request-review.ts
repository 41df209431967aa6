/** `pull_request_review` submitted, edited, dismissed → evaluate (SPEC §5). */
import type { Context } from "probot";
import { evaluatePull, fallbackFromPayload } from "../evaluate.js";
import type { AppState } from "../state.js";

export const REVIEW_ACTIONS = ["submitted", "edited", "dismissed"] as const;

export async function onPullRequestReview(app: AppState, context: Context<"pull_request_review">): Promise<void> {
  const { payload } = context;
  const repo = payload.repository;
  if (payload.pull_request.state !== "open") return;
  await evaluatePull(app, {
    gh: context.octokit,
    log: context.log,
    repo: { owner: repo.owner.login, repo: repo.name, defaultBranch: repo.default_branch },
    number: payload.pull_request.number,
    fallback: fallbackFromPayload(payload.pull_request),
    trigger: `pull_request_review.${payload.action}`,
  });
}
