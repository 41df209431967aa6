/**
 * Which approval candidates count for which requirement (SPEC §4): a human, not an agent or a
 * contributor, with the permission and team or login asked for, at the head SHA, each person's
 * latest action deciding between a review and a click of Approve.
 */
import { aiReviewerOf } from "../ai-reviewers.js";
import { detectionConfigFromPolicy, identifyAgentAccount } from "../detect.js";
import { coAuthorEmails, parseNoreplyEmail } from "../trailers.js";
import type { Account, ApprovalFacts, ApprovalOutcome, DetectionConfig, PolicyState, PullFacts, Requirement, RequirementOutcome } from "../types.js";
import { BUILTIN_DETECTION_CONFIG } from "./detection-config.js";
import { permissionRank, type PendingRequirement } from "./requirements.js";
import { ruleName } from "./rule-name.js";
import { shortSha } from "./words.js";

export interface ContributorIndex {
  /** lower-case login → why the account is a contributor. */
  byLogin: Map<string, string>;
  byId: Map<number, string>;
  displayLogins: Set<string>;
}

/**
 * Everyone who contributed to the PR (SPEC §4, `exclude_contributors`): the opener, and every
 * commit's author, committer and co-author, by GitHub-resolved login and id and by the login inside
 * a GitHub noreply email (the CLI has no resolved logins; emails are all it has).
 */
export function contributorIndex(facts: PullFacts): ContributorIndex {
  const idx: ContributorIndex = { byLogin: new Map(), byId: new Map(), displayLogins: new Set() };
  const add = (login: string | null | undefined, id: number | null | undefined, why: string) => {
    if (login) {
      const key = login.toLowerCase();
      if (!idx.byLogin.has(key)) idx.byLogin.set(key, why);
      idx.displayLogins.add(login);
    }
    if (typeof id === "number" && !idx.byId.has(id)) idx.byId.set(id, why);
  };
  const addEmail = (email: string | undefined, why: string) => {
    const noreply = email ? parseNoreplyEmail(email) : null;
    if (noreply) add(noreply.login, noreply.id, why);
  };
  if (facts.author) add(facts.author.login, facts.author.id, "is the PR author");
  // A carried-over "Update branch" merge brings only the base tip: whoever clicked the button (its
  // author) did not contribute to the change (issue 12). Its detection as agent work is unaffected.
  const exempt = facts.updateMerge?.carried ? facts.updateMerge.sha : null;
  for (const c of facts.commits) {
    if (c.sha === exempt) continue;
    const sha = shortSha(c.sha);
    add(c.author.login, c.author.id, `authored commit ${sha}`);
    addEmail(c.author.email, `authored commit ${sha}`);
    add(c.committer.login, c.committer.id, `committed commit ${sha}`);
    addEmail(c.committer.email, `committed commit ${sha}`);
    for (const co of c.coAuthors ?? []) {
      add(co.login, co.id, `co-authored commit ${sha}`);
      addEmail(co.email, `co-authored commit ${sha}`);
    }
    for (const email of coAuthorEmails(c.message)) addEmail(email, `co-authored commit ${sha}`);
  }
  return idx;
}

function contributorReason(idx: ContributorIndex, account: Account): string | undefined {
  return idx.byLogin.get(account.login.toLowerCase()) ?? (typeof account.id === "number" ? idx.byId.get(account.id) : undefined);
}

/** Why this approval does not count for this requirement, or undefined when it counts. */
function disqualification(a: ApprovalFacts, req: Requirement, facts: PullFacts, policyConfig: DetectionConfig | null, contributors: ContributorIndex): string | undefined {
  if (a.source === "review" && a.state !== "APPROVED") {
    return a.state ? `latest review is ${a.state}` : "review has no APPROVED state";
  }
  // An AI reviewer first, whatever its account type: it is refused on purpose, and the reader should see why.
  const ai = aiReviewerOf(a.account.login);
  if (ai) return `AI reviewer (${ai.name}): an AI's approval never counts`;
  if (a.account.type !== "User") return a.account.type === "Bot" ? "bot" : `is a ${a.account.type} account, not a User`;
  const agent = (policyConfig && identifyAgentAccount(a.account, policyConfig)) ?? identifyAgentAccount(a.account, BUILTIN_DETECTION_CONFIG);
  if (agent) return `is an agent identity (${agent.id})`;
  if (req.exclude_contributors) {
    const why = contributorReason(contributors, a.account);
    if (why) return why;
  }
  // With dismiss_on_push: false an approval of an earlier commit of this PR still counts; the
  // adapter only hands us approvals given on this PR, so any SHA it reports is one of its commits.
  if (a.commitSha !== facts.headSha && req.dismiss_on_push) return `approved an older commit ${shortSha(a.commitSha)}`;
  if (a.permission === null) return "repository permission could not be read";
  if (a.permission === "none") return `has no access to the repository, needs ${req.min_permission}`;
  if (permissionRank(a.permission) < permissionRank(req.min_permission)) return `${a.permissionNote ?? `has ${a.permission} permission`}, needs ${req.min_permission}`;
  // `teams` and `users` are alternatives: being in one of the teams OR being one of the users
  // qualifies (SPEC §3: "approver must be in one of them" / "or be one of these logins").
  if (req.teams.length > 0 || req.users.length > 0) {
    const login = a.account.login.toLowerCase();
    if (req.users.some((u) => u.toLowerCase() === login)) return undefined;
    if (req.teams.length > 0) {
      if (a.teams === null) return "team membership could not be verified";
      const mine = new Set(a.teams.map((t) => t.toLowerCase()));
      if (req.teams.some((t) => mine.has(t.toLowerCase()))) return undefined;
    }
    const parts: string[] = [];
    if (req.teams.length > 0) parts.push(`not in ${req.teams.join(" or ")}`);
    if (req.users.length > 0) parts.push(`not one of ${req.users.map((u) => "@" + u).join(", ")}`);
    return parts.join(" and ");
  }
  return undefined;
}

function requirementLabel(r: PendingRequirement): string {
  if (r.kind === "workflows") return "workflow escalation requirement";
  if (r.kind === "dependencies") return "dependency requirement";
  return ruleName(r.rule, "default requirement");
}

export function evaluateApprovals(
  input: { facts: PullFacts; policy: PolicyState; approvals: ApprovalFacts[] },
  pending: PendingRequirement[],
  contributors: ContributorIndex,
  blocked: boolean,
): { requirements: RequirementOutcome[]; approvals: ApprovalOutcome[] } {
  const policy = input.policy.status === "ok" ? input.policy.policy : null;
  const config = policy ? detectionConfigFromPolicy(policy) : null;
  const approvedBy: string[][] = pending.map(() => []);
  const withdrawn = withdrawnClicks(input.approvals);
  const approvals = input.approvals.map((a, index): ApprovalOutcome => {
    const out: ApprovalOutcome = { login: a.account.login, source: a.source, counted: false, countedFor: [] };
    if (pending.length === 0) {
      out.reason = blocked ? "approvals do not override blocked files" : "no changed file needs approval";
      return out;
    }
    const gone = withdrawn.get(index);
    if (gone !== undefined) {
      out.reason = gone;
      return out;
    }
    const reasons: { label: string; why: string }[] = [];
    pending.forEach((r, i) => {
      const why = disqualification(a, r.requirement, input.facts, config, contributors);
      if (why === undefined) {
        out.countedFor.push(i);
        const login = a.account.login;
        if (!approvedBy[i]!.some((x) => x.toLowerCase() === login.toLowerCase())) approvedBy[i]!.push(login);
      } else {
        reasons.push({ label: requirementLabel(r), why });
      }
    });
    out.counted = out.countedFor.length > 0;
    if (reasons.length > 0) {
      // Reasons that do not depend on the requirement (bot, stale, …) read better once.
      const bare = [...new Set(reasons.map((x) => x.why))];
      out.reason = bare.length === 1 && !out.counted ? bare[0] : reasons.map((x) => `${x.label}: ${x.why}`).join("; ");
    }
    return out;
  });
  const requirements = pending.map((r, i): RequirementOutcome => {
    const missing = Math.max(0, r.requirement.count - approvedBy[i]!.length);
    return { rule: r.rule, ...(r.kind ? { kind: r.kind } : {}), requirement: r.requirement, files: r.files, approvedBy: approvedBy[i]!, missing, met: missing === 0 };
  });
  return { requirements, approvals };
}

/** The review states that change what a person's review says (GitHub: COMMENTED neither grants nor withdraws). */
const STATE_CHANGES = new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);

/**
 * SPEC §4: "an approval is the user's latest action at H — a review or a click of Approve". Reviews
 * and stored clicks arrive as separate candidates; for each person whose latest opinionated review
 * came AFTER their click and is not an approval (CHANGES_REQUESTED, or DISMISSED — the approval is
 * gone), the click is withdrawn. A later click restores: the review then came first, and the
 * review's own state is judged as always (a CHANGES_REQUESTED review never counts, the click does).
 * Order comes from GitHub's own numbering (`reviewId` against the click's `seenReview`), never from
 * comparing the app's clock with GitHub's. Unknown order: the review is taken as the later action.
 * Returns approval index → why that click does not count.
 */
function withdrawnClicks(approvals: readonly ApprovalFacts[]): Map<number, string> {
  const out = new Map<number, string>();
  // By account id and by login: a stored click or a review may lack the id.
  const byLogin = (a: ApprovalFacts) => `@${a.account.login.toLowerCase()}`;
  const byId = (a: ApprovalFacts) => (typeof a.account.id === "number" ? `#${a.account.id}` : undefined);
  const reviews = new Map<string, ApprovalFacts>();
  for (const a of approvals) {
    if (a.source !== "review" || a.state === undefined || !STATE_CHANGES.has(a.state)) continue;
    reviews.set(byLogin(a), a);
    const id = byId(a);
    if (id !== undefined) reviews.set(id, a);
  }
  approvals.forEach((click, index) => {
    if (click.source !== "button") return;
    const id = byId(click);
    const review = (id !== undefined ? reviews.get(id) : undefined) ?? reviews.get(byLogin(click));
    if (!review || review.state === "APPROVED") return;
    if (reviewCameFirst(review, click)) return;
    out.set(
      index,
      review.state === "DISMISSED"
        ? "withdrawn: their review was dismissed after the click (approve again)"
        : `withdrawn by their later review (${review.state})`,
    );
  });
  return out;
}

/** Whether `review` is the one the clicker had (in the same state) or an older one when clicking. */
function reviewCameFirst(review: ApprovalFacts, click: ApprovalFacts): boolean {
  const seen = click.seenReview;
  if (seen === undefined || typeof review.reviewId !== "number") return false;
  if (seen === null) return false;
  return review.reviewId < seen.id || (review.reviewId === seen.id && review.state === seen.state);
}
