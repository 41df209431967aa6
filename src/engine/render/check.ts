/**
 * Rendering a Decision: the check run's three fields (SPEC §6) — the title, the Markdown summary
 * (summary.ts) and the Markdown details (details.ts) — within GitHub's limits (bounded-doc.ts).
 * The CLI's other outputs are text.ts and json.ts. Pure: a Decision in, strings out.
 */
import type { Decision } from "../types.js";
import { CHECK_OUTPUT_MAX, CHECK_TITLE_MAX } from "./bounded-doc.js";
import { detailsOf } from "./details.js";
import { groupFilesByRule } from "./groups.js";
import { sanitize } from "./markdown.js";
import { summaryOf, type RenderCheckOptions } from "./summary.js";

export interface CheckOutput {
  title: string;
  summary: string;
  text: string;
}

export function renderTitle(decision: Decision): string {
  return sanitize(decision.title, CHECK_TITLE_MAX);
}

export function renderCheck(decision: Decision, options: RenderCheckOptions = {}): CheckOutput {
  // The summary and the details both show the files by rule: group them once.
  const groups = groupFilesByRule(decision.files);
  const surface = options.surface ?? "check";
  return {
    title: renderTitle(decision),
    summary: summaryOf(decision, CHECK_OUTPUT_MAX, groups, surface),
    text: detailsOf(decision, CHECK_OUTPUT_MAX, groups),
  };
}
