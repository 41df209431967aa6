/** The label plan (src/engine/decide/labels.ts): which labels a decision asks for, pure. */
import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { labelPlan } from "../src/engine/decide/labels.js";
import type { PolicyState, PullFacts } from "../src/engine/types.js";
import { agentPull, humanPull, ok, policy } from "./helpers/decision-fixtures.js";

function plan(facts: PullFacts, state: PolicyState): string[] {
  return labelPlan(state, decide({ facts, policy: state, approvals: [] })).map((l) => l.name);
}

describe("labelPlan", () => {
  it("labels an agent PR with the policy's agent label and, with per_agent, the agent's own", () => {
    const p = policy();
    const names = plan(agentPull(["src/a.ts"]), ok({ ...p, labels: { ...p.labels, per_agent: true } }));
    expect(names[0]).toBe(p.labels.agent);
    expect(names).toContain("agent:copilot");
  });

  it("asks for no label on a human PR", () => {
    expect(plan(humanPull(["src/a.ts"]), ok(policy()))).toEqual([]);
  });

  it("asks for none when labels.agent is false, or when the policy is not ok", () => {
    const p = policy();
    expect(plan(agentPull(["src/a.ts"]), ok({ ...p, labels: { ...p.labels, agent: false } }))).toEqual([]);
    const invalid: PolicyState = { status: "invalid", errors: [{ file: ".github/agent-policy.yml", line: 1, column: 1, message: "bad" }], source: { kind: "repository", description: "acme/api@main:.github/agent-policy.yml" } };
    expect(plan(agentPull(["src/a.ts"]), invalid)).toEqual([]);
  });

  it("keeps label descriptions within GitHub's 100 characters", () => {
    const p = policy();
    for (const l of labelPlan(ok({ ...p, labels: { ...p.labels, per_agent: true } }), decide({ facts: agentPull(["src/a.ts"]), policy: ok(p), approvals: [] })))
      expect(l.description.length).toBeLessThanOrEqual(100);
  });
});
