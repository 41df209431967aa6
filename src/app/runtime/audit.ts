/**
 * The audit trail (SPEC §6): one JSON line per decision, per Approve click and per direct push of
 * agent commits, through the app's pino logger, each with an `audit` object. Field names are a stable
 * interface (log pipelines parse them), documented field by field in docs/audit.md; a new field is
 * additive, a renamed or removed one needs a new `schema`. Never a token, key or secret: only
 * repository facts and the decision. Each audit line also feeds the metrics (one decision = one line =
 * one count), so the two never disagree.
 */
import type { Logger } from "probot";
import type { Decision, Detection, PolicySource } from "../../engine/types.js";
import { ruleName } from "../../engine/decide/rule-name.js";
import type { RequestCounts } from "../../github/client.js";
import type { AppMetrics } from "./metrics.js";

export const AUDIT_DECISION = "agent-gate decision";
export const AUDIT_CLICK = "agent-gate approve click";
export const AUDIT_PUSH = "agent-gate direct push";
/** `audit.schema` of every audit line: what a log pipeline selects on. */
export const AUDIT_SCHEMA = "agent-gate/audit/v1";

export interface DecisionAudit {
  schema: typeof AUDIT_SCHEMA;
  type: "decision";
  repo: string;
  pull: number | null;
  headSha: string;
  /** Why the evaluation ran ("pull_request.synchronize", …). */
  trigger: string;
  agents: string[];
  evidence: Decision["detection"]["evidence"];
  policySource: PolicySource;
  policyHash: string | null;
  rules: { rule: string; action: string; files: number; met?: boolean; missing?: number; approvedBy?: string[] }[];
  approvers: { login: string; source: string; counted: boolean; reason?: string }[];
  unverified: string[];
  /** Issue 11: the workflow and dependency analysis of an agent PR, when it ran. */
  guard?: { escalation: string; findings: number; kinds: string[]; dependencyAction: string; dependencies: number; errors: number };
  /** `approval.keep_on_update_merge`: approvals carried over from this earlier head (when they were). */
  carriedFrom?: string;
  /** When an "Update branch" merge did not qualify for carry-over: why. */
  notCarried?: { from: string; reason: string };
  conclusion: string;
  /** The conclusion written on the SHA (strictest over every PR at it). */
  checkConclusion: string;
  /** Whether the check run was written (false: unchanged). */
  wrote: boolean;
  durationMs: number;
  githubRequests: RequestCounts;
}

export function decisionAudit(d: Decision, extra: Pick<DecisionAudit, "repo" | "trigger" | "checkConclusion" | "wrote" | "durationMs" | "githubRequests">): DecisionAudit {
  const groups = new Map<string, DecisionAudit["rules"][number]>();
  for (const f of d.files) {
    const key = ruleName(f.rule);
    const g = groups.get(key) ?? { rule: key, action: f.action, files: 0 };
    g.files += 1;
    groups.set(key, g);
  }
  for (const r of d.requirements) {
    // The guard's own requirements (workflow escalations, dependencies) are not a path rule's.
    const key = r.kind === "workflows" ? "workflow escalation" : r.kind === "dependencies" ? "dependencies" : ruleName(r.rule);
    const g = groups.get(key) ?? { rule: key, action: "approve", files: r.files.length };
    Object.assign(g, { met: r.met, missing: r.missing, approvedBy: r.approvedBy });
    groups.set(key, g);
  }
  return {
    schema: AUDIT_SCHEMA,
    type: "decision",
    repo: extra.repo,
    pull: d.number ?? null,
    headSha: d.headSha,
    trigger: extra.trigger,
    agents: d.detection.agents.map((a) => a.id),
    evidence: d.detection.evidence,
    policySource: d.policy.source,
    policyHash: d.policy.hash,
    rules: [...groups.values()],
    approvers: d.approvals.map((a) => ({ login: a.login, source: a.source, counted: a.counted, ...(a.reason ? { reason: a.reason } : {}) })),
    unverified: d.unverified,
    ...(d.guard
      ? {
          guard: {
            escalation: d.guard.escalation,
            findings: d.guard.findings.length,
            kinds: [...new Set(d.guard.findings.map((f) => f.kind))],
            dependencyAction: d.guard.dependencyAction,
            dependencies: d.guard.dependencies.length,
            errors: d.guard.errors.length,
          },
        }
      : {}),
    ...(d.updateMerge?.carried ? { carriedFrom: d.updateMerge.from } : {}),
    ...(d.updateMerge && !d.updateMerge.carried ? { notCarried: { from: d.updateMerge.from, reason: d.updateMerge.reason ?? "" } } : {}),
    conclusion: d.conclusion,
    checkConclusion: extra.checkConclusion,
    wrote: extra.wrote,
    durationMs: extra.durationMs,
    githubRequests: extra.githubRequests,
  };
}

export function logDecision(log: Logger, audit: DecisionAudit, metrics: AppMetrics): void {
  log.info({ audit }, AUDIT_DECISION);
  metrics.observeDecision(audit);
}

export interface ClickAudit {
  schema: typeof AUDIT_SCHEMA;
  type: "approve_click";
  repo: string;
  headSha: string;
  /** The open PRs whose head is the SHA (the click approves the SHA, so each of them). */
  pulls: number[];
  login: string;
  counted: boolean;
  reason?: string;
}

export function logClick(log: Logger, audit: Omit<ClickAudit, "schema" | "type">): void {
  const line: ClickAudit = { schema: AUDIT_SCHEMA, type: "approve_click", ...audit };
  log.info({ audit: line }, AUDIT_CLICK);
}

export interface PushAudit {
  schema: typeof AUDIT_SCHEMA;
  type: "direct_push";
  repo: string;
  ref: string;
  headSha: string;
  pusher: string;
  /** SHAs of the pushed commits made with an agent. */
  commits: string[];
  agents: string[];
  evidence: Detection["evidence"];
  /** The check written on the head commit ("neutral"), null when none was written. */
  conclusion: string | null;
  policySource: PolicySource;
  policyHash: string | null;
  unverified: string[];
  durationMs: number;
  githubRequests: RequestCounts;
}

export interface PushAuditInput extends Omit<PushAudit, "schema" | "type" | "agents" | "evidence" | "unverified"> {
  detection: Detection;
  unverified?: string;
}

export function logPush(log: Logger, input: PushAuditInput): void {
  const { detection, unverified, ...rest } = input;
  const line: PushAudit = {
    schema: AUDIT_SCHEMA,
    type: "direct_push",
    ...rest,
    agents: detection.agents.map((a) => a.id),
    evidence: detection.evidence,
    unverified: unverified ? [unverified] : [],
  };
  log.info({ audit: line }, AUDIT_PUSH);
}
