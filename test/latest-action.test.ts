/**
 * Issue 8, point 3 (SPEC §4): each person's latest action at the head decides for them, clicks and
 * reviews alike. Reviews carry GitHub's id (creation order); a click carries the clicker's latest
 * review when it was recorded (`seenReview`), which orders the two without comparing clocks.
 */
import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import type { ApprovalFacts } from "../src/engine/types.js";
import { agentPull, approval, ok, policy } from "./helpers/decision-fixtures.js";

const review = (state: string, reviewId: number, login = "bob") => approval(login, { source: "review", state, reviewId });
const click = (seenReview: ApprovalFacts["seenReview"], login = "bob") => {
  const a = approval(login, { source: "button" });
  delete a.state;
  if (seenReview !== undefined) a.seenReview = seenReview;
  return a;
};

function outcome(approvals: ApprovalFacts[]) {
  const d = decide({ facts: agentPull(["src/a.ts"]), policy: ok(policy()), approvals });
  return { conclusion: d.conclusion, click: d.approvals.find((a) => a.source === "button"), review: d.approvals.find((a) => a.source === "review") };
}

describe("latest action per person", () => {
  const table: { name: string; approvals: ApprovalFacts[]; conclusion: string; clickReason?: RegExp }[] = [
    { name: "a click alone approves", approvals: [click(null)], conclusion: "success" },
    { name: "click, then CHANGES_REQUESTED: withdrawn", approvals: [review("CHANGES_REQUESTED", 10), click(null)], conclusion: "action_required", clickReason: /withdrawn by their later review \(CHANGES_REQUESTED\)/ },
    { name: "click (after an approval 5), then CHANGES_REQUESTED 10: withdrawn", approvals: [review("CHANGES_REQUESTED", 10), click({ id: 5, state: "APPROVED" })], conclusion: "action_required", clickReason: /withdrawn/ },
    { name: "CHANGES_REQUESTED, then a click: the click restores", approvals: [review("CHANGES_REQUESTED", 10), click({ id: 10, state: "CHANGES_REQUESTED" })], conclusion: "success" },
    { name: "click, CHANGES_REQUESTED, then an approving review: restored", approvals: [review("APPROVED", 11), click(null)], conclusion: "success" },
    { name: "a COMMENTED review after the click does not withdraw", approvals: [review("COMMENTED", 12), click(null)], conclusion: "success" },
    { name: "approving review dismissed after the click: withdrawn", approvals: [review("DISMISSED", 5), click({ id: 5, state: "APPROVED" })], conclusion: "action_required", clickReason: /dismissed after the click/ },
    { name: "a click after the dismissal (e.g. stale approvals dismissed on push) counts", approvals: [review("DISMISSED", 5), click({ id: 5, state: "DISMISSED" })], conclusion: "success" },
    { name: "order unknown (click stored before stamps existed), review CHANGES_REQUESTED: the review decides", approvals: [review("CHANGES_REQUESTED", 10), click(undefined)], conclusion: "action_required", clickReason: /withdrawn/ },
    { name: "order unknown, review without an id: the review decides", approvals: [approval("bob", { state: "CHANGES_REQUESTED" }), click({ id: 99, state: "APPROVED" })], conclusion: "action_required", clickReason: /withdrawn/ },
    { name: "another person's CHANGES_REQUESTED does not withdraw bob's click", approvals: [review("CHANGES_REQUESTED", 10, "carol"), click(null)], conclusion: "success" },
  ];
  for (const t of table) {
    it(t.name, () => {
      const o = outcome(t.approvals);
      expect(o.conclusion).toBe(t.conclusion);
      if (t.clickReason) {
        expect(o.click?.counted).toBe(false);
        expect(o.click?.reason).toMatch(t.clickReason);
      }
    });
  }

  it("the withdrawn click is matched by login when the stored click has no account id", () => {
    const c = click(null);
    c.account = { login: "BOB", id: null, type: "User" };
    expect(outcome([review("CHANGES_REQUESTED", 10), c]).conclusion).toBe("action_required");
  });
});
