/**
 * The decision (SPEC §4): one pure call from the facts of a PR, the policy and the approval
 * candidates to a `Decision` that explains itself (every file's rule, every approval's fate).
 */
import { aiReviewerOf } from "../ai-reviewers.js";
import { requirementGroupKey } from "./requirement-keys.js";
import { detectAgents, detectionConfigFromPolicy, identifyAgentAccount } from "../detect.js";
import { compilePolicy, matchFiles, pathSetsMatcher } from "./match.js";
import { DEFAULT_DEPENDENCY_ACTION, DEFAULT_WORKFLOW_ESCALATION } from "../policy/defaults.js";
import { DEFAULT_AGENT_LABEL, POLICY_PATH } from "../names.js";
import { ruleName } from "./rule-name.js";
import { analyzeGuard, filesNeedingContent } from "../guard.js";
import { isAnalysedWorkflowFile } from "../workflows/escalations.js";
import { isAnalysedManifest } from "../dependencies/index.js";
import { coAuthorEmails, parseNoreplyEmail } from "../trailers.js";
import { PERMISSIONS, SIGNAL_KINDS } from "../types.js";
import type {
  Account,
  ApprovalFacts,
  ApprovalOutcome,
  ChangedFile,
  Conclusion,
  Decision,
  DetectionConfig,
  FileOutcome,
  GuardOutcome,
  HeadPolicyCheck,
  Permission,
  Policy,
  PolicyState,
  PullFacts,
  Requirement,
  RequirementOutcome,
} from "../types.js";

export interface DecideInput {
  facts: PullFacts;
  policy: PolicyState;
  approvals: ApprovalFacts[];
  /** Validation of the PR head's copy of the policy file, when the PR changes it. */
  headPolicy?: HeadPolicyCheck;
}

/**
 * The built-in catalogue with every signal, independent of any policy file. Used where the policy
 * cannot be trusted or read (SPEC §4 rule 0's repair exception) and to refuse agent accounts as
 * approvers even when a policy narrows detection.
 */
export const BUILTIN_DETECTION_CONFIG: Readonly<DetectionConfig> = Object.freeze({
  builtin: true,
  signals: [...SIGNAL_KINDS],
  define: [],
  ignore: [],
  manualLabel: DEFAULT_AGENT_LABEL,
});

/**
 * Severity for combining decisions (`strictest`): failure > action_required > neutral > success.
 * `neutral` ranks above `success` because it means "not evaluated" (disabled by policy): a combined
 * check must not claim that every PR was judged and passed when one was not.
 */
export const CONCLUSION_SEVERITY: Record<Conclusion, number> = { success: 0, neutral: 1, action_required: 2, failure: 3 };

export function decide(input: DecideInput): Decision {
  const { facts, policy } = input;
  switch (policy.status) {
    case "invalid":
      return decideInvalidPolicy(input, policy);
    case "unreadable":
      return decideUnreadablePolicy(input, policy);
    case "ok":
      return guardHeadPolicy(decideWithPolicy(input, policy.policy, { source: policy.source, hash: policy.hash }));
    default: {
      const never: never = policy;
      throw new Error(`decide: unknown policy status in ${JSON.stringify(never)} for ${facts.repository}`);
    }
  }
}

function baseDecision(input: DecideInput, policy: Decision["policy"]): Omit<Decision, "conclusion" | "title" | "agentAuthored" | "detection"> {
  const d: Omit<Decision, "conclusion" | "title" | "agentAuthored" | "detection"> = {
    policy,
    files: [],
    blocked: [],
    requirements: [],
    approvals: [],
    unverified: [...input.facts.unverified],
    policyErrors: [],
    repairsPolicy: false,
    headSha: input.facts.headSha,
    baseRef: input.facts.baseRef,
  };
  if (input.headPolicy) d.headPolicy = input.headPolicy;
  if (input.facts.updateMerge) d.updateMerge = { ...input.facts.updateMerge };
  if (input.facts.number !== undefined) d.number = input.facts.number;
  return d;
}

function touchesPolicyFile(facts: PullFacts): boolean {
  return facts.files.some((f) => f.path === POLICY_PATH || f.previousPath === POLICY_PATH);
}

/**
 * SPEC §4 rule 0: a broken policy fails every PR — it may hold the custom agents or rules that would
 * have caught this one. The one way out is a PR that repairs the file: the built-in catalogue (which
 * no policy can weaken) must not flag it, its head copy of the file must be valid, and every fact
 * must have been read (an unlisted commit could be an agent's).
 */
function decideInvalidPolicy(input: DecideInput, policy: Extract<PolicyState, { status: "invalid" }>): Decision {
  const detection = detectAgents(input.facts, BUILTIN_DETECTION_CONFIG);
  const base = baseDecision(input, { source: policy.source, hash: null });
  base.policyErrors = [...policy.errors];
  const repairs =
    !detection.agentAuthored &&
    input.headPolicy?.status === "valid" &&
    touchesPolicyFile(input.facts) &&
    input.facts.unverified.length === 0;
  if (repairs) {
    return { ...base, conclusion: "success", title: "Repairs the invalid policy file", agentAuthored: false, detection, repairsPolicy: true };
  }
  const n = policy.errors.length;
  return {
    ...base,
    conclusion: "failure",
    title: `Policy file is invalid (${n} ${n === 1 ? "error" : "errors"})`,
    agentAuthored: detection.agentAuthored,
    detection,
  };
}

/**
 * An unreadable policy is `failure`, not `action_required`: `action_required` offers the Approve
 * button, and no approval can stand in for rules that were never read (SPEC §4, fail closed).
 * Re-running the check once the file can be read is the remedy, and the summary says so.
 */
function decideUnreadablePolicy(input: DecideInput, policy: Extract<PolicyState, { status: "unreadable" }>): Decision {
  const detection = detectAgents(input.facts, BUILTIN_DETECTION_CONFIG);
  const base = baseDecision(input, { source: policy.source, hash: null });
  base.unverified.unshift(`The policy (${policy.source.description}) could not be read: ${policy.reason}`);
  return { ...base, conclusion: "failure", title: "Policy could not be read", agentAuthored: detection.agentAuthored, detection };
}

/**
 * SPEC §4 rule 0's note: "policy edits are validated in their own PR first". A PR whose copy of the
 * policy file is invalid would, once merged, fail every PR of the repository, so it cannot pass —
 * whoever wrote it and whatever else it changes.
 */
function guardHeadPolicy(d: Decision): Decision {
  if (d.headPolicy?.status !== "invalid" || d.conclusion === "failure") return d;
  const n = d.headPolicy.errors.length;
  return { ...d, conclusion: "failure", title: `Changes the policy file to an invalid version (${n} ${n === 1 ? "error" : "errors"})` };
}

function decideWithPolicy(input: DecideInput, policy: Policy, source: Decision["policy"]): Decision {
  const { facts } = input;
  const detection = detectAgents(facts, detectionConfigFromPolicy(policy));
  const base = baseDecision(input, source);
  // Files are matched for every PR (the CLI's JSON lists each file's rule); they only gate agent PRs.
  base.files = matchFiles(compilePolicy(policy), facts.files, facts.baseRef);
  const agentAuthored = detection.agentAuthored;
  const common = { ...base, agentAuthored, detection };
  const unverifiedTitle = () => {
    const n = base.unverified.length;
    return `Could not verify this pull request (${n} ${n === 1 ? "problem" : "problems"})`;
  };

  // SPEC §4 rule 1. Also when facts are missing: whatever they would show, a disabled policy gates
  // nothing, and `neutral` does not claim the PR was checked.
  if (!policy.enabled && (agentAuthored || base.unverified.length > 0)) {
    return { ...common, conclusion: "neutral", title: "Disabled by policy" };
  }
  if (!agentAuthored) {
    // "No coding agent detected" is only true if everything was looked at: a commit we could not
    // list may be an agent's. Not `action_required`: an approval does not supply the missing facts.
    if (base.unverified.length > 0) return { ...common, conclusion: "failure", title: unverifiedTitle() };
    return { ...common, conclusion: "success", title: "No coding agent detected" };
  }

  // Issue 11 §1: which built-in set each file belongs to (the summary says why it matters).
  const setsOf = pathSetsMatcher();
  for (const f of base.files) {
    const sets = setsOf(f.path);
    if (f.previousPath) for (const s of setsOf(f.previousPath)) if (!sets.some((x) => x.set === s.set)) sets.push(s);
    if (sets.length > 0) f.sets = sets;
  }
  // Issue 11 §2, §3: workflow escalations and dependency changes, from the texts the adapter read.
  let guard: GuardOutcome | undefined;
  if (facts.contents) {
    const analysed = analyzeGuard(policy, facts.files, facts.contents);
    guard = analysed.outcome;
    for (const path of analysed.missing) {
      base.unverified.push(`The base and head versions of ${path} could not be read, so its workflow or dependency changes could not be analysed.`);
    }
    if (guard.escalation === "approve" && guard.findings.length > 0) {
      // The file then needs at least its rule's requirement, even under an `allow` rule.
      const escalated = new Set(guard.findings.map((f) => f.path));
      for (const f of base.files) if (f.action === "allow" && escalated.has(f.path)) f.action = "approve";
    }
  }
  const guardBlock = guardBlockTitle(guard);
  const blocked = base.files.filter((f) => f.action === "block");
  const contributors = contributorIndex(facts);
  const requirements = [...buildRequirements(policy, base.files), ...guardRequirements(policy, guard)];
  const evaluated = evaluateApprovals(input, requirements, contributors, blocked.length > 0 || guardBlock !== null);
  const result: Decision = {
    ...common,
    conclusion: "success",
    title: "",
    blocked,
    requirements: evaluated.requirements,
    approvals: evaluated.approvals,
  };
  if (guard) result.guard = guard;
  if (requirements.some((r) => r.requirement.exclude_contributors)) result.contributors = [...contributors.displayLogins];

  if (blocked.length > 0) {
    // SPEC §4 rule 2: whatever the approvals.
    const n = blocked.length;
    return { ...result, conclusion: "failure", title: `Blocked: ${n} ${n === 1 ? "file" : "files"} may not be changed by agents` };
  }
  if (guardBlock !== null) return { ...result, conclusion: "failure", title: guardBlock };
  if (base.unverified.length > 0) return { ...result, conclusion: "failure", title: unverifiedTitle() };
  const unmet = result.requirements.filter((r) => !r.met);
  if (unmet.length === 0) return { ...result, conclusion: "success", title: successTitle(result) };
  return { ...result, conclusion: "action_required", title: actionRequiredTitle(unmet) };
}

/** The failure title the guard analysis imposes (unparsable files, `block` actions), or null. */
function guardBlockTitle(guard: GuardOutcome | undefined): string | null {
  if (!guard) return null;
  const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  if (guard.errors.length > 0) {
    // Issue 11 §3: no approval can pass what could not be read.
    const files = new Set(guard.errors.map((e) => e.path)).size;
    return `Cannot analyse ${n(files, "changed workflow or manifest file", "changed workflow or manifest files")} (parse error)`;
  }
  if (guard.escalation === "block" && guard.findings.length > 0) {
    return `Blocked: workflow changes widen CI privileges (${n(guard.findings.length, "finding", "findings")})`;
  }
  if (guard.dependencyAction === "block" && guard.dependencies.length > 0) {
    return `Blocked: agents may not add or change dependencies (${n(guard.dependencies.length, "change", "changes")})`;
  }
  return null;
}

/**
 * The guard's own requirements: with `workflows.escalation: approve`, one approver with at least
 * `maintain` (besides the file's rule requirement); with `dependencies.action: approve`, the
 * `dependencies.approval` requirement over the top-level one.
 */
function guardRequirements(policy: Policy, guard: GuardOutcome | undefined): PendingRequirement[] {
  const out: PendingRequirement[] = [];
  if (!guard) return out;
  const uniquePaths = (xs: { path: string }[]) => [...new Set(xs.map((x) => x.path))];
  if (guard.escalation === "approve" && guard.findings.length > 0) out.push({ rule: null, kind: "workflows", requirement: escalationRequirement(policy), files: uniquePaths(guard.findings) });
  if (guard.dependencyAction === "approve" && guard.dependencies.length > 0) out.push({ rule: null, kind: "dependencies", requirement: dependencyRequirement(policy), files: uniquePaths(guard.dependencies) });
  return out;
}

/** One approver with at least `maintain` (or the top-level `min_permission`, when higher). */
export function escalationRequirement(policy: Policy): Requirement {
  const min = permissionRank(policy.approval.min_permission) > permissionRank("maintain") ? policy.approval.min_permission : "maintain";
  return { ...policy.approval, count: 1, min_permission: min, teams: [], users: [] };
}

export function dependencyRequirement(policy: Policy): Requirement {
  const req: Requirement = { ...policy.approval, teams: [...policy.approval.teams], users: [...policy.approval.users] };
  for (const [k, v] of Object.entries(policy.dependencies?.approval ?? {}) as [keyof Requirement, unknown][]) {
    if (v !== undefined) (req as unknown as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
  }
  return req;
}

function successTitle(d: Decision): string {
  if (d.requirements.length === 0) {
    return d.files.length === 0 ? "No changed file needs approval" : "Every changed file is allowed for agents";
  }
  const approvers = unique(d.requirements.flatMap((r) => r.approvedBy));
  if (approvers.length === 0) return "Approval requirements met";
  return `Approved by ${joinList(approvers.map((a) => "@" + a), 3)}`;
}

function actionRequiredTitle(unmet: RequirementOutcome[]): string {
  const missing = unmet.reduce((n, r) => n + r.missing, 0);
  const what = `${missing} more ${missing === 1 ? "approval" : "approvals"}`;
  if (unmet.length > 1) return `Needs ${what} (${unmet.length} requirements unmet)`;
  return `Needs ${what} from ${describeApprover(unmet[0]!.requirement, missing)}`;
}

/** "a human with write access", "humans in acme/platform with maintain access", … (for titles). */
export function describeApprover(req: Requirement, n = 1): string {
  const who = n === 1 ? "a human" : "humans";
  const scopes: string[] = [];
  if (req.teams.length > 0) scopes.push(req.teams.join(" or "));
  if (req.users.length > 0) scopes.push(req.users.map((u) => "@" + u).join(" or "));
  const scope = scopes.length > 0 ? ` (${scopes.join(" or ")})` : "";
  return `${who}${scope} with ${req.min_permission} access`;
}

// ───────────────────────────── requirements ─────────────────────────────

interface PendingRequirement {
  rule: number | null;
  kind?: "workflows" | "dependencies";
  requirement: Requirement;
  files: string[];
}

/** The rule's partial `approval` over the top-level one (SPEC §3). */
export function effectiveRequirement(policy: Policy, ruleIndex: number | null): Requirement {
  const override = ruleIndex === null ? undefined : policy.paths[ruleIndex]?.approval;
  const req: Requirement = { ...policy.approval, teams: [...policy.approval.teams], users: [...policy.approval.users] };
  if (override) {
    for (const [k, v] of Object.entries(override) as [keyof Requirement, unknown][]) {
      if (v !== undefined) (req as unknown as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
    }
  }
  return req;
}


/**
 * One requirement per distinct effective requirement: files whose rules ask the same thing share
 * one group (and one set of approvals). `rule` is null when the group's requirement is the
 * top-level one, else the first rule (by index) that produced it. Groups are listed by rule index,
 * the top-level requirement last.
 */
function buildRequirements(policy: Policy, files: FileOutcome[]): PendingRequirement[] {
  const topKey = requirementGroupKey(policy.approval);
  const groups = new Map<string, PendingRequirement>();
  // One effective requirement per rule, not per file (3,000 files share a handful of rules).
  const perRule = new Map<number | null, { req: Requirement; key: string }>();
  for (const f of files) {
    if (f.action !== "approve") continue;
    const ruleIndex = typeof f.rule === "number" ? f.rule : null;
    let eff = perRule.get(ruleIndex);
    if (!eff) {
      const r = effectiveRequirement(policy, ruleIndex);
      perRule.set(ruleIndex, (eff = { req: r, key: requirementGroupKey(r) }));
    }
    const { req, key } = eff;
    let g = groups.get(key);
    if (!g) {
      g = { rule: key === topKey ? null : ruleIndex, requirement: req, files: [] };
      groups.set(key, g);
    } else if (g.rule !== null && ruleIndex !== null && ruleIndex < g.rule) {
      g.rule = ruleIndex;
    }
    g.files.push(f.path);
  }
  return [...groups.values()].sort((a, b) => (a.rule ?? Infinity) - (b.rule ?? Infinity));
}

// ───────────────────────────── approvers ─────────────────────────────

interface ContributorIndex {
  /** lower-case login → why the account is a contributor. */
  byLogin: Map<string, string>;
  byId: Map<number, string>;
  displayLogins: Set<string>;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * Everyone who contributed to the PR (SPEC §4, `exclude_contributors`): the opener, and every
 * commit's author, committer and co-author, by GitHub-resolved login and id and by the login inside
 * a GitHub noreply email (the CLI has no resolved logins; emails are all it has).
 */
function contributorIndex(facts: PullFacts): ContributorIndex {
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

function permissionRank(p: Permission): number {
  return PERMISSIONS.indexOf(p);
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

function evaluateApprovals(
  input: DecideInput,
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
      const bare = unique(reasons.map((x) => x.why));
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

// ───────────────────────────── combining ─────────────────────────────

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

// ───────────────────────────── for the GitHub reader ─────────────────────────────

/**
 * The approval requirements `decide` applies to a PR changing `files` into `baseRef`, under this
 * policy: one per distinct requirement of the `approve` rules the files fall under (none when no
 * file needs approval). The same grouping `decide` uses, so the reader looks up exactly what the
 * decision can use: a maintain-level rule elsewhere in the policy costs no permission request on a PR
 * that does not touch its paths (SPEC §8: one read, one write).
 */
export function requirementsForFiles(policy: Policy, files: readonly ChangedFile[], baseRef: string): Requirement[] {
  const reqs = buildRequirements(policy, matchFiles(compilePolicy(policy), files, baseRef)).map((g) => g.requirement);
  // The guard's requirements apply only when the analysis finds something; asking for them whenever
  // such a file changed may cost a look-up more, never a qualifying approver less.
  const analysed = filesNeedingContent(files);
  if ((policy.workflows?.escalation ?? DEFAULT_WORKFLOW_ESCALATION) === "approve" && analysed.some((f) => isAnalysedWorkflowFile(f.path))) reqs.push(escalationRequirement(policy));
  if ((policy.dependencies?.action ?? DEFAULT_DEPENDENCY_ACTION) === "approve" && analysed.some((f) => isAnalysedManifest(f.path))) reqs.push(dependencyRequirement(policy));
  return reqs;
}

// ───────────────────────────── helpers ─────────────────────────────

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** "a", "a and b", "a, b and c", "a, b, c and 1 other", "a, b, c and 2 others". */
export function joinList(items: string[], max = Infinity): string {
  if (items.length <= 1) return items.join("");
  if (items.length > max) {
    const rest = items.length - max;
    return `${items.slice(0, max).join(", ")} and ${rest.toLocaleString("en-US")} ${rest === 1 ? "other" : "others"}`;
  }
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
