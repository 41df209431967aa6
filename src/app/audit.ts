/**
 * The audit trail (SPEC §6): one JSON line per decision, per Approve click and per direct push of
 * agent commits, through the app's pino logger. Field names are a stable interface (log pipelines
 * parse them). Never a token, key or secret: only repository facts and the decision.
 */
import type { Logger } from "probot";
import type { Decision, Detection, PolicySource } from "../engine/types.js";
import { ruleName } from "../engine/render.js";
import type { RequestCounts } from "../github/client.js";

export const AUDIT_DECISION = "agent-gate decision";
export const AUDIT_CLICK = "agent-gate approve click";
export const AUDIT_PUSH = "agent-gate direct push";

export interface DecisionAudit {
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
    const key = ruleName(r.rule);
    const g = groups.get(key) ?? { rule: key, action: "approve", files: r.files.length };
    Object.assign(g, { met: r.met, missing: r.missing, approvedBy: r.approvedBy });
    groups.set(key, g);
  }
  return {
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
    conclusion: d.conclusion,
    checkConclusion: extra.checkConclusion,
    wrote: extra.wrote,
    durationMs: extra.durationMs,
    githubRequests: extra.githubRequests,
  };
}

export function logDecision(log: Logger, audit: DecisionAudit): void {
  log.info({ audit }, AUDIT_DECISION);
}

export function logClick(log: Logger, audit: { repo: string; headSha: string; pulls: number[]; login: string; counted: boolean; reason?: string }): void {
  log.info({ audit }, AUDIT_CLICK);
}

export function logPush(log: Logger, audit: { repo: string; ref: string; headSha: string; pusher: string; commits: string[]; detection: Detection; conclusion: string | null; policySource: PolicySource; policyHash: string | null; durationMs: number; githubRequests: RequestCounts }): void {
  log.info({ audit: { ...audit, agents: audit.detection.agents.map((a) => a.id), evidence: audit.detection.evidence, detection: undefined } }, AUDIT_PUSH);
}
