/**
 * The label plan of a decision: which labels agent-gate wants on a PR (SPEC §2). Pure: policy and
 * decision in, label specs out; src/github/write-check.ts adds them once (creating missing ones with
 * these colours and descriptions) and never re-adds one a human took off.
 */
import { ASSISTED_LABEL, agentLabel } from "../names.js";
import type { Decision, PolicyState } from "../types.js";

export interface LabelSpec {
  name: string;
  color: string;
  description: string;
}

const AGENT_LABEL_COLOR = "5319e7";
const PER_AGENT_LABEL_COLOR = "d4c5f9";

const ASSISTED_LABEL_COLOR = "c5def5";

/**
 * `labels.agent` (and `agent:<id>`) on agent-authored PRs; `agent-assisted` on PRs with commits that
 * apply AI reviewers' suggestions (SPEC §2), whether or not they gate. `labels.agent: false` turns
 * every label of agent-gate off.
 */
export function labelPlan(policy: PolicyState, d: Decision): LabelSpec[] {
  if (policy.status !== "ok") return [];
  const { agent, per_agent } = policy.policy.labels;
  if (agent === false) return [];
  const labels: LabelSpec[] = [];
  if (d.agentAuthored) {
    labels.push({ name: agent, color: AGENT_LABEL_COLOR, description: "Work of a coding agent (agent-gate)" });
    if (per_agent)
      for (const a of d.detection.agents)
        if (a.id !== "manual") labels.push({ name: agentLabel(a.id), color: PER_AGENT_LABEL_COLOR, description: `Work of ${a.name} (agent-gate)`.slice(0, 100) });
  }
  if ((d.detection.assisted ?? []).length > 0) {
    labels.push({ name: ASSISTED_LABEL, color: ASSISTED_LABEL_COLOR, description: "Applies AI reviewers' suggestions (agent-gate)" });
  }
  return labels;
}
