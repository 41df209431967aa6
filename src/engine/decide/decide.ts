/**
 * The decision (SPEC §4): one pure call from the facts of a PR, the policy and the approval
 * candidates to a `Decision` that explains itself (every file's rule, every approval's fate).
 * The steps live beside it: path rules (match.ts), requirements (requirements.ts), who counts
 * (approvals.ts); combining several PRs' decisions is strictest.ts.
 */
import { detectAgents, detectionConfigFromPolicy } from "../detect.js";
import { POLICY_PATH } from "../names.js";
import { analyzeGuard } from "../guard.js";
import type { ApprovalFacts, Decision, GuardOutcome, HeadPolicyCheck, Policy, PolicyState, PullFacts, RequirementOutcome } from "../types.js";
import { contributorIndex, evaluateApprovals } from "./approvals.js";
import { BUILTIN_DETECTION_CONFIG } from "./detection-config.js";
import { compilePolicy, matchFiles, pathSetsMatcher } from "./match.js";
import { buildRequirements, guardRequirements } from "./requirements.js";
import { describeApprover, joinList } from "./words.js";

export interface DecideInput {
  facts: PullFacts;
  policy: PolicyState;
  approvals: ApprovalFacts[];
  /** Validation of the PR head's copy of the policy file, when the PR changes it. */
  headPolicy?: HeadPolicyCheck;
}

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

function successTitle(d: Decision): string {
  if (d.requirements.length === 0) {
    return d.files.length === 0 ? "No changed file needs approval" : "Every changed file is allowed for agents";
  }
  const approvers = [...new Set(d.requirements.flatMap((r) => r.approvedBy))];
  if (approvers.length === 0) return "Approval requirements met";
  return `Approved by ${joinList(approvers.map((a) => "@" + a), 3)}`;
}

function actionRequiredTitle(unmet: RequirementOutcome[]): string {
  const missing = unmet.reduce((n, r) => n + r.missing, 0);
  const what = `${missing} more ${missing === 1 ? "approval" : "approvals"}`;
  if (unmet.length > 1) return `Needs ${what} (${unmet.length} requirements unmet)`;
  return `Needs ${what} from ${describeApprover(unmet[0]!.requirement, missing)}`;
}
