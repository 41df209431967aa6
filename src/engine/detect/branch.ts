/**
 * The branch signal (SPEC §2 signal 3): the head branch has an agent's prefix (`copilot/`,
 * `claude/` …). A convention anyone can type: the weakest identity-free signal.
 */
import type { PullFacts } from "../types.js";
import type { Compiled } from "./compile.js";
import type { Collector } from "./evidence.js";

export function detectBranch(compiled: Compiled, facts: PullFacts, all: Collector, checked: string[]): void {
  if (!compiled.signals.has("branch") || !facts.headRef) return;
  const branch = facts.headRef.replace(/^refs\/heads\//, "");
  checked.push(`head branch (${branch})`);
  for (const agent of compiled.agents) {
    if (agent.branches.some((mm) => mm.match(branch))) all.agent(agent, "branch", "head branch", branch);
  }
}
