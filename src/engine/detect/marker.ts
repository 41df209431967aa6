/**
 * The marker signal (SPEC §2 signal 4): the exact footers and subject prefixes agents write, in a
 * commit message or the PR's title and body. A reviewer's suggestion subject ("Apply suggestion
 * from @Copilot") is the assisted class and counts only in commits.
 */
import type { CommitFacts, PullFacts } from "../types.js";
import { lineContaining, type Compiled } from "./compile.js";
import type { Collector, CommitSink } from "./evidence.js";
import type { PullAuthorFacts } from "./identity.js";

function firstLine(text: string): string {
  const nl = text.indexOf("\n");
  const line = nl === -1 ? text : text.slice(0, nl);
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** Markers and subject prefixes in one commit's message. */
export function detectCommitMarkers(compiled: Compiled, commit: CommitFacts, sink: CommitSink, short: string): void {
  const on = compiled.signals;
  const subject = firstLine(commit.message);
  for (const agent of compiled.agents) {
    // A reviewer's suggestion subject ("Apply suggestion from @Copilot") is assistance, whatever `signals` says.
    if (!agent.reviewer && !on.has("marker")) continue;
    for (const marker of agent.markers) {
      if (!commit.message.includes(marker)) continue;
      const value = lineContaining(commit.message, marker);
      if (agent.reviewer) sink.assist(agent, "marker", `commit ${short} message`, value);
      else sink.agent(agent, "marker", `commit ${short} message`, value);
    }
    for (const prefix of agent.subjectPrefixes) {
      if (!subject.startsWith(prefix)) continue;
      const value = lineContaining(subject, prefix);
      if (agent.reviewer) sink.assist(agent, "marker", `commit ${short} subject`, value);
      else sink.agent(agent, "marker", `commit ${short} subject`, value);
    }
  }
}

/** Markers in the PR body, subject prefixes in its title. */
export function detectPullMarkers(compiled: Compiled, facts: PullFacts, all: Collector, checked: string[], author: PullAuthorFacts): void {
  if (!compiled.signals.has("marker")) return;
  checked.push("PR title and body");
  for (const agent of compiled.agents) {
    // A reviewer's markers are about applied suggestions in commits, not about who wrote the PR.
    if (agent.reviewer) continue;
    // Dependabot, Renovate and the like paste upstream release notes and commit lists into the PR
    // body; an agent footer in there is somebody else's project, not this PR's author.
    // The same holds for accounts the org told us to ignore.
    if (!author.ignored && !(author.automation && agent.builtin)) {
      for (const marker of agent.markers) {
        if (facts.body.includes(marker)) all.agent(agent, "marker", "pr body", lineContaining(facts.body, marker));
      }
    }
    for (const prefix of agent.subjectPrefixes) {
      if (facts.title.startsWith(prefix)) all.agent(agent, "marker", "pr title", lineContaining(facts.title, prefix));
    }
  }
}
