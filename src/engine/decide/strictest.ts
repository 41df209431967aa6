/** Combining the decisions of several PRs at one SHA into the one check GitHub shows. */
import type { Conclusion, Decision } from "../types.js";

/**
 * Severity for combining decisions (`strictest`): failure > action_required > neutral > success.
 * `neutral` ranks above `success` because it means "not evaluated" (disabled by policy): a combined
 * check must not claim that every PR was judged and passed when one was not.
 */
export const CONCLUSION_SEVERITY: Record<Conclusion, number> = { success: 0, neutral: 1, action_required: 2, failure: 3 };

/**
 * One check for several PRs (SPEC §4 "One SHA, several PRs"; merge groups, SPEC §5): the strictest
 * decision, failure > action_required > neutral > success, the first in input order on ties. Its
 * `pulls` lists every PR's verdict (strictest first) and its title names the PR that drove it, so
 * clearing a harmless twin can never clear the dangerous one and the reader sees which PR to fix.
 */
export function strictest(decisions: Decision[]): Decision {
  if (decisions.length === 0) throw new Error("strictest: no decisions to combine (a check needs at least one PR's decision)");
  if (decisions.length === 1) return decisions[0]!;
  const order = decisions
    .map((d, i) => ({ d, i }))
    .sort((a, b) => CONCLUSION_SEVERITY[b.d.conclusion] - CONCLUSION_SEVERITY[a.d.conclusion] || a.i - b.i)
    .map((x) => x.d);
  const driver = order[0]!;
  const pulls = order.map((d) => ({ number: d.number ?? null, conclusion: d.conclusion, title: d.title }));
  const others = order.slice(1).filter((d) => d.conclusion !== "success").length;
  let title: string;
  if (driver.conclusion === "success") title = `All ${decisions.length} pull requests pass`;
  else {
    title = `${driver.number != null ? `#${driver.number}` : "A pull request"}: ${driver.title}`;
    if (others > 0) title += ` (+${others} more not passing)`;
  }
  return { ...driver, title, pulls };
}
