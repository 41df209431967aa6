/**
 * The default values of `.github/agent-policy.yml` (SPEC §3) and the built-in policy used when no
 * policy file exists anywhere. The JSON Schema's `default` annotations are generated from these
 * constants, so the documentation and the behaviour cannot disagree.
 */
import { DEFAULT_AGENT_LABEL, POLICY_PATH } from "../names.js";
import { SIGNAL_KINDS } from "../types.js";
import type { AssistedMode, DependencyAction, EscalationAction, PathAction, Policy, Requirement, ReviewFlow, SignalKind, UnknownBotsMode } from "../types.js";


/** The only policy format version this engine understands. */
export const POLICY_VERSION = 1;

export const DEFAULT_ENABLED = true;
export const DEFAULT_BUILTIN_AGENTS = true;
/** Every signal kind counts unless the policy narrows it. */
export const DEFAULT_SIGNALS: readonly SignalKind[] = SIGNAL_KINDS;
/** Fail closed: a bot that writes code and nobody said is automation is treated as an agent. */
export const DEFAULT_UNKNOWN_BOTS: UnknownBotsMode = "agent";
/** Commits applying AI review suggestions are shown and labelled, not gated. */
export const DEFAULT_ASSISTED: AssistedMode = "report";
export const DEFAULT_PER_AGENT_LABELS = true;
export const DEFAULT_ACTION: PathAction = "approve";
/** An agent change that widens CI privileges cannot merge unless the policy says otherwise. */
export const DEFAULT_WORKFLOW_ESCALATION: EscalationAction = "block";
/** Added dependencies are listed in the summary; they gate only if the policy says so. */
export const DEFAULT_DEPENDENCY_ACTION: DependencyAction = "report";
/** Who the built-in policy asks for on @control-plane and @ci files (SPEC §3 "No policy file anywhere"). */
export const BUILTIN_SENSITIVE_PERMISSION = "maintain" as const;

/** The requirement an agent PR must meet when the policy says nothing more specific. */
export const DEFAULT_REQUIREMENT: Readonly<Requirement> = Object.freeze({
  count: 1,
  min_permission: "write",
  teams: [],
  users: [],
  exclude_contributors: true,
  dismiss_on_push: true,
});

/** Defaults of the policy-wide keys of `approval` (`Policy.reviewFlow`). */
export const DEFAULT_REVIEW_FLOW: Readonly<ReviewFlow> = Object.freeze({
  request_reviews: true,
  keep_on_update_merge: false,
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * SPEC §3, "No policy file anywhere": every agent PR needs one approval with the default
 * requirement, and agents may not change the policy file itself. Frozen: it is shared by every
 * evaluation, and a caller mutating it would silently change the rules for all repositories.
 */
export const BUILTIN_DEFAULT_POLICY: Policy = deepFreeze<Policy>({
  version: POLICY_VERSION,
  enabled: DEFAULT_ENABLED,
  agents: {
    builtin: DEFAULT_BUILTIN_AGENTS,
    signals: [...DEFAULT_SIGNALS],
    define: [],
    ignore: [],
    trusted: [],
    unknown_bots: DEFAULT_UNKNOWN_BOTS,
    assisted: DEFAULT_ASSISTED,
  },
  labels: {
    agent: DEFAULT_AGENT_LABEL,
    per_agent: DEFAULT_PER_AGENT_LABELS,
  },
  approval: { ...DEFAULT_REQUIREMENT, teams: [], users: [] },
  reviewFlow: { ...DEFAULT_REVIEW_FLOW },
  workflows: { escalation: DEFAULT_WORKFLOW_ESCALATION },
  dependencies: { action: DEFAULT_DEPENDENCY_ACTION },
  paths: [
    {
      match: [POLICY_PATH],
      action: "block",
      reason:
        "Coding agents may not change the agent-gate policy: a PR must never rewrite the rules that judge it.",
    },
    {
      match: ["@control-plane"],
      action: "approve",
      approval: { min_permission: BUILTIN_SENSITIVE_PERMISSION },
      reason: "Agent instructions and tool configuration: an agent that edits them widens its own powers, so a maintainer approves.",
    },
    {
      match: ["@ci"],
      action: "approve",
      approval: { min_permission: BUILTIN_SENSITIVE_PERMISSION },
      reason: "CI runs with the repository's secrets and token: a maintainer approves agent changes to it.",
    },
  ],
  default: DEFAULT_ACTION,
});
