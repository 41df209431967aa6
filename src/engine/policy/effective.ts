/**
 * The effective policy from a validated (and `_extends`-merged) document value: every default of
 * SPEC §3 applied, in the shape the decision reads (types.ts `Policy`).
 */
import { DEFAULT_AGENT_LABEL } from "../names.js";
import { requirementFromPolicy } from "./requirement-keys.js";
import type { AgentDefinition, AssistedMode, DependencyAction, EscalationAction, PathAction, PathRule, Policy, ReviewFlow, SignalKind, UnknownBotsMode } from "../types.js";
import {
  DEFAULT_ACTION,
  DEFAULT_ASSISTED,
  DEFAULT_UNKNOWN_BOTS,
  DEFAULT_BUILTIN_AGENTS,
  DEFAULT_DEPENDENCY_ACTION,
  DEFAULT_ENABLED,
  DEFAULT_WORKFLOW_ESCALATION,
  DEFAULT_PER_AGENT_LABELS,
  DEFAULT_REQUIREMENT,
  DEFAULT_REVIEW_FLOW,
  DEFAULT_SIGNALS,
  POLICY_VERSION,
} from "./defaults.js";
import { isPlainObject } from "./pointers.js";

function strings(value: unknown, fallback: readonly string[]): string[] {
  return Array.isArray(value) ? value.map(String) : [...fallback];
}

function reviewFlowOf(approval: Record<string, unknown>): ReviewFlow {
  const flag = (key: keyof ReviewFlow) => (typeof approval[key] === "boolean" ? approval[key] : DEFAULT_REVIEW_FLOW[key]);
  return { request_reviews: flag("request_reviews"), keep_on_update_merge: flag("keep_on_update_merge") };
}

/**
 * The effective policy from a validated document value, every default applied (SPEC §3). Fresh
 * arrays and objects throughout: YAML aliases share values, and callers must not be able to change
 * the document (or each other's view of it) through the policy.
 */
export function applyDefaults(value: Record<string, unknown>): Policy {
  const obj = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? v : {});
  const agents = obj(value["agents"]);
  const labels = obj(value["labels"]);
  const define: AgentDefinition[] = (Array.isArray(agents["define"]) ? agents["define"] : []).map((raw) => {
    const entry = obj(raw);
    const id = String(entry["id"]);
    return {
      id,
      name: typeof entry["name"] === "string" ? entry["name"] : id,
      logins: strings(entry["logins"], []),
      emails: strings(entry["emails"], []),
      branches: strings(entry["branches"], []),
      markers: strings(entry["markers"], []),
    };
  });
  const paths: PathRule[] = (Array.isArray(value["paths"]) ? value["paths"] : []).map((raw) => {
    const entry = obj(raw);
    const rule: PathRule = { match: strings(entry["match"], []), action: entry["action"] as PathRule["action"] };
    if (entry["targets"] !== undefined) rule.targets = strings(entry["targets"], []);
    // The schema made `reason` a string; anything else is no reason rather than "[object Object]".
    if (typeof entry["reason"] === "string") rule.reason = entry["reason"];
    // Stays partial: the decision merges it over the top-level requirement key by key.
    if (isPlainObject(entry["approval"])) rule.approval = requirementFromPolicy(entry["approval"]);
    return rule;
  });
  const labelAgent = labels["agent"];
  const workflows = obj(value["workflows"]);
  const deps = obj(value["dependencies"]);
  const dependencies: Policy["dependencies"] = {
    action: typeof deps["action"] === "string" ? (deps["action"] as DependencyAction) : DEFAULT_DEPENDENCY_ACTION,
  };
  if (isPlainObject(deps["approval"])) dependencies.approval = requirementFromPolicy(deps["approval"]);
  return {
    version: POLICY_VERSION,
    enabled: typeof value["enabled"] === "boolean" ? value["enabled"] : DEFAULT_ENABLED,
    agents: {
      builtin: typeof agents["builtin"] === "boolean" ? agents["builtin"] : DEFAULT_BUILTIN_AGENTS,
      signals: strings(agents["signals"], DEFAULT_SIGNALS) as SignalKind[],
      define,
      ignore: strings(agents["ignore"], []),
      trusted: (Array.isArray(agents["trusted"]) ? agents["trusted"] : []).flatMap((t: unknown) =>
        typeof t === "string" || typeof t === "number" ? [t] : [],
      ),
      unknown_bots: typeof agents["unknown_bots"] === "string" ? (agents["unknown_bots"] as UnknownBotsMode) : DEFAULT_UNKNOWN_BOTS,
      assisted: typeof agents["assisted"] === "string" ? (agents["assisted"] as AssistedMode) : DEFAULT_ASSISTED,
    },
    labels: {
      agent: typeof labelAgent === "string" || labelAgent === false ? labelAgent : DEFAULT_AGENT_LABEL,
      per_agent: typeof labels["per_agent"] === "boolean" ? labels["per_agent"] : DEFAULT_PER_AGENT_LABELS,
    },
    approval: {
      ...DEFAULT_REQUIREMENT,
      teams: [...DEFAULT_REQUIREMENT.teams],
      users: [...DEFAULT_REQUIREMENT.users],
      ...requirementFromPolicy(obj(value["approval"])),
    },
    reviewFlow: reviewFlowOf(obj(value["approval"])),
    workflows: {
      escalation: typeof workflows["escalation"] === "string" ? (workflows["escalation"] as EscalationAction) : DEFAULT_WORKFLOW_ESCALATION,
    },
    dependencies,
    paths,
    default: typeof value["default"] === "string" ? (value["default"] as PathAction) : DEFAULT_ACTION,
  };
}
