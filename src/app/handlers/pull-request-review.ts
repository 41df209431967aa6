/** `pull_request_review` submitted, edited, dismissed → evaluate (SPEC §5). */
import type { Context } from "probot";
import type { AppState } from "../runtime/state.js";
import { evaluateOpenPull } from "./pull-request.js";

export const REVIEW_ACTIONS = ["submitted", "edited", "dismissed"] as const;

export async function onPullRequestReview(app: AppState, context: Context<"pull_request_review">): Promise<void> {
  await evaluateOpenPull(app, context, `pull_request_review.${context.payload.action}`);
}
