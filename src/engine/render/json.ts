/** A Decision as a stable JSON object (the CLI's `--format json`, tools reading it). */
import { copyRequirement } from "../policy/requirement-keys.js";
import type { Conclusion, Decision, DetectedAgent, Evidence, GuardOutcome, HeadPolicyCheck, PathAction, PolicyError, PolicySource, PullVerdict, Requirement } from "../types.js";

export interface DecisionJson {
  schema: "agent-gate/decision/v1";
  conclusion: Conclusion;
  title: string;
  number: number | null;
  headSha: string;
  baseRef: string;
  agentAuthored: boolean;
  agents: DetectedAgent[];
  evidence: Evidence[];
  checked: string[];
  commits: { sha: string; agents: DetectedAgent[]; evidence: Evidence[]; assisted: DetectedAgent[]; assistedEvidence: Evidence[] }[];
  files: { path: string; previousPath: string | null; action: PathAction; rule: number | null | "policy-file"; pattern: string | null; reason: string | null; sets: { set: string; pattern: string }[] }[];
  blocked: string[];
  requirements: { rule: number | null; kind: "workflows" | "dependencies" | null; requirement: Requirement; files: string[]; approvedBy: string[]; missing: number; met: boolean }[];
  approvals: { login: string; source: "review" | "button"; counted: boolean; reason: string | null; countedFor: number[] }[];
  unverified: string[];
  policy: { source: PolicySource; hash: string | null; errors: PolicyError[] };
  headPolicy: HeadPolicyCheck | null;
  repairsPolicy: boolean;
  contributors: string[];
  pulls: PullVerdict[] | null;
  /** SPEC §2 assisted class (and unknown bots under `agents.unknown_bots: report`). */
  assisted: DetectedAgent[];
  assistedEvidence: Evidence[];
  /** Bot accounts that wrote code, neither catalogued nor trusted. */
  unknownBots: { login: string; id: number | null; where: string }[];
  /** Workflow escalations and dependency changes (issue 11); null when not analysed. */
  guard: GuardOutcome | null;
}

/** A stable JSON object (fixed key order, explicit nulls) for the CLI's `--format json` and tools. */
export function renderJson(d: Decision): DecisionJson {
  const ev = (e: Evidence): Evidence => ({ agent: e.agent, signal: e.signal, where: e.where, value: e.value });
  const ag = (a: DetectedAgent): DetectedAgent => ({ id: a.id, name: a.name });
  return {
    schema: "agent-gate/decision/v1",
    conclusion: d.conclusion,
    title: d.title,
    number: d.number ?? null,
    headSha: d.headSha,
    baseRef: d.baseRef,
    agentAuthored: d.agentAuthored,
    agents: d.detection.agents.map(ag),
    evidence: d.detection.evidence.map(ev),
    checked: [...d.detection.checked],
    commits: d.detection.commits.map((c) => ({
      sha: c.sha,
      agents: c.agents.map(ag),
      evidence: c.evidence.map(ev),
      assisted: (c.assisted ?? []).map(ag),
      assistedEvidence: (c.assistedEvidence ?? []).map(ev),
    })),
    files: d.files.map((f) => ({
      path: f.path,
      previousPath: f.previousPath ?? null,
      action: f.action,
      rule: f.rule,
      pattern: f.pattern ?? null,
      reason: f.reason ?? null,
      sets: (f.sets ?? []).map((x) => ({ set: x.set, pattern: x.pattern })),
    })),
    blocked: d.blocked.map((f) => f.path),
    requirements: d.requirements.map((r) => ({
      rule: r.rule,
      kind: r.kind ?? null,
      requirement: copyRequirement(r.requirement),
      files: [...r.files],
      approvedBy: [...r.approvedBy],
      missing: r.missing,
      met: r.met,
    })),
    approvals: d.approvals.map((a) => ({ login: a.login, source: a.source, counted: a.counted, reason: a.reason ?? null, countedFor: [...a.countedFor] })),
    unverified: [...d.unverified],
    policy: { source: { kind: d.policy.source.kind, description: d.policy.source.description }, hash: d.policy.hash, errors: d.policyErrors.map((e) => ({ file: e.file, line: e.line, column: e.column, message: e.message })) },
    headPolicy: d.headPolicy ?? null,
    repairsPolicy: d.repairsPolicy,
    contributors: [...(d.contributors ?? [])],
    pulls: d.pulls ? d.pulls.map((p) => ({ number: p.number, conclusion: p.conclusion, title: p.title })) : null,
    assisted: (d.detection.assisted ?? []).map(ag),
    assistedEvidence: (d.detection.assistedEvidence ?? []).map(ev),
    unknownBots: (d.detection.unknownBots ?? []).map((b) => ({ login: b.login, id: b.id, where: b.where })),
    guard: d.guard
      ? {
          escalation: d.guard.escalation,
          findings: d.guard.findings.map((f) => ({ path: f.path, line: f.line, column: f.column, kind: f.kind, message: f.message })),
          dependencyAction: d.guard.dependencyAction,
          dependencies: d.guard.dependencies.map((c) => ({ path: c.path, ecosystem: c.ecosystem, group: c.group, name: c.name, from: c.from, to: c.to })),
          errors: d.guard.errors.map((x) => ({ path: x.path, line: x.line, column: x.column, message: x.message })),
        }
      : null,
  };
}
