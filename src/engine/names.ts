/**
 * The names agent-gate shows to GitHub and to users, each defined once (issue 13): the check run,
 * the labels, the check's requested action and where the policy lives. Everything else imports
 * them from here, so renaming one cannot leave a stale copy behind.
 */

/** The name of the required check run (SPEC §2); also how our own runs are found again. */
export const CHECK_NAME = "agent-gate";

/** Where the policy lives in a repository (read from the default branch only, SPEC §1). */
export const POLICY_PATH = ".github/agent-policy.yml";

/** The default of policy `labels.agent`: the label applied to agent PRs and that forces gating. */
export const DEFAULT_AGENT_LABEL = "agent-authored";

/** The label of pull requests with AI-assisted commits (not configurable: it never gates by itself). */
export const ASSISTED_LABEL = "agent-assisted";

/** The prefix of the per-agent labels, `agent:<id>`. */
export const AGENT_LABEL_PREFIX = "agent:";

/** The per-agent label of an agent id. */
export function agentLabel(id: string): string {
  return `${AGENT_LABEL_PREFIX}${id}`;
}

/** Action identifier and label of the Approve button (SPEC §1; GitHub caps label 20, identifier 20, description 40). */
export const APPROVE_ACTION = { label: "Approve", identifier: "approve", description: "Approve this agent work at this commit" } as const;
