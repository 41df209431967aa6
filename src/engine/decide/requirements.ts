/**
 * The approval requirements of a decision (SPEC §3, §4): each `approve` rule's effective
 * requirement, grouped by the one table of requirement keys, plus the guard analysis's own.
 */
import { DEFAULT_DEPENDENCY_ACTION, DEFAULT_WORKFLOW_ESCALATION } from "../policy/defaults.js";
import { filesNeedingContent } from "../guard.js";
import { isAnalysedWorkflowFile } from "../workflows/escalations.js";
import { isAnalysedManifest } from "../dependencies/index.js";
import { PERMISSIONS } from "../types.js";
import type { ChangedFile, FileOutcome, GuardOutcome, Permission, Policy, Requirement } from "../types.js";
import { compilePolicy, matchFiles } from "./match.js";
import { requirementGroupKey } from "../policy/requirement-keys.js";

export interface PendingRequirement {
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
      if (v !== undefined) (req as unknown as Record<string, unknown>)[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
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
export function buildRequirements(policy: Policy, files: FileOutcome[]): PendingRequirement[] {
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

/**
 * The guard's own requirements: with `workflows.escalation: approve`, one approver with at least
 * `maintain` (besides the file's rule requirement); with `dependencies.action: approve`, the
 * `dependencies.approval` requirement over the top-level one.
 */
export function guardRequirements(policy: Policy, guard: GuardOutcome | undefined): PendingRequirement[] {
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
    if (v !== undefined) (req as unknown as Record<string, unknown>)[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
  }
  return req;
}

export function permissionRank(p: Permission): number {
  return PERMISSIONS.indexOf(p);
}

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
