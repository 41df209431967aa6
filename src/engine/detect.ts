/**
 * Agent detection (SPEC §2): which coding agents took part in a pull request, and the evidence.
 *
 * Pure: facts in, `Detection` out. Signals, strongest first, one module each under detect/:
 * identity, trailer, branch, marker, manual, unknown-bot; and the separate **assisted** class:
 * commits that apply an AI reviewer's suggestions (catalogue entries of kind "reviewer").
 * detect/compile.ts holds the compiled matchers, detect/evidence.ts where evidence goes. Matching
 * rules that are easy to get wrong, and why:
 * - Identities are accounts and e-mail addresses, never display names: "Devin", "Jules" and
 *   "Claude" are people's names too. The one name-based signal is aider's own " (aider)" suffix.
 * - Built-in accounts with a known numeric id are matched by id when the id is known (logins can
 *   be renamed, and `Copilot` is also the login-part of Copilot *code review* e-mails, 175728472).
 * - A noreply e-mail `<id>+<login>@users.noreply.github.com` is never matched by id alone:
 *   claude-code-action writes `41898282+claude[bot]`, borrowing github-actions[bot]'s id, so
 *   `41898282+github-actions[bot]` must stay github-actions. The login part decides, and for
 *   non-`[bot]` logins the id must agree as well.
 * - Trailers are parsed as git does (trailers.ts), except that a line of exact trailer form naming
 *   a catalogued agent identity counts wherever it stands (detect/trailer-lines.ts): agents write
 *   plans and session links after their trailer block. Text that mentions an agent is not a
 *   signal, and markers are the exact footers the tools write.
 * - A reviewer bot (Copilot code review, CodeRabbit, …) as a commit's co-author or in its
 *   suggestion subject is *assistance*; the same bot as the commit's author or committer, or as
 *   the PR opener, is *authorship* (identity).
 * - No commit is skipped because of what its message says (a `Merge <sha> into <sha>` subject is
 *   free text anyone can write; a PR's commit list never holds GitHub's own test merge).
 */
import { detectBranch } from "./detect/branch.js";
import { compile, matchAccount, type Compiled } from "./detect/compile.js";
import { Collector, CommitSink, summarise } from "./detect/evidence.js";
import { detectCommitIdentity, detectPullAuthor } from "./detect/identity.js";
import { detectManual } from "./detect/manual.js";
import { detectCommitMarkers, detectPullMarkers } from "./detect/marker.js";
import { detectTrailers } from "./detect/trailer.js";
import { UNKNOWN_BOT_AGENT } from "./detect/unknown-bot.js";
import { DEFAULT_AGENT_LABEL } from "./names.js";
import type { CommitDetection, CommitFacts, DetectedAgent, Detection, DetectionConfig, Policy, PullFacts } from "./types.js";

// ───────────────────────────── per commit ─────────────────────────────

function detectCommit(compiled: Compiled, commit: CommitFacts, all: Collector): Collector {
  const sink = new CommitSink(new Collector(compiled), all, commit.sha);
  const short = commit.sha.slice(0, 7);
  detectCommitIdentity(compiled, commit, sink, short);
  detectTrailers(compiled, commit, sink, short);
  detectCommitMarkers(compiled, commit, sink, short);
  return sink.own;
}

// ───────────────────────────── public API ─────────────────────────────

/** Detect the coding agents behind a pull request (or a CLI range), with the evidence for each. */
export function detectAgents(facts: PullFacts, config: DetectionConfig): Detection {
  const compiled = compile(config);
  const on = compiled.signals;
  const all = new Collector(compiled);
  const names = new Map<string, string>();
  for (const agent of compiled.agents) if (!names.has(agent.id)) names.set(agent.id, agent.name);
  names.set(UNKNOWN_BOT_AGENT.id, UNKNOWN_BOT_AGENT.name);
  const checked: string[] = [];

  const author = detectPullAuthor(compiled, facts, all, checked);

  // Commits: none is skipped for what its message says (issue 8 point 4).
  const commits: CommitDetection[] = [];
  for (const commit of facts.commits) {
    const own = detectCommit(compiled, commit, all);
    const { evidence, agents } = summarise(own.gating, names);
    const assisted = summarise(own.assisted, names);
    commits.push({ sha: commit.sha, agents, evidence, assisted: assisted.agents, assistedEvidence: assisted.evidence });
  }
  const commitParts = [
    ...(on.has("identity") ? ["authors", "committers"] : []),
    ...(on.has("trailer") ? ["trailers"] : []),
    ...(on.has("marker") ? ["messages"] : []),
    ...(on.has("unknown-bot") && compiled.unknownBots !== "ignore" ? ["bot accounts"] : []),
  ];
  if (commitParts.length > 0) {
    const n = facts.commits.length;
    checked.push(`${n} commit${n === 1 ? "" : "s"} (${commitParts.join(", ")})`);
  }

  detectBranch(compiled, facts, all, checked);
  detectPullMarkers(compiled, facts, all, checked, author);
  detectManual(compiled, config, facts, all, checked);

  const { evidence, agents } = summarise(all.gating, names);
  const assisted = summarise(all.assisted, names);
  return {
    agentAuthored: evidence.length > 0,
    agents,
    evidence,
    commits,
    checked,
    assisted: assisted.agents,
    assistedEvidence: assisted.evidence,
    unknownBots: all.unknownBots,
  };
}

/**
 * The agent behind an account, if any (used to refuse approvals and button clicks from agents).
 * Independent of `config.signals`: switching the identity signal off changes what flags a PR, not
 * who is an agent.
 */
export function identifyAgentAccount(
  account: { login: string; id?: number | null; type?: string },
  config: DetectionConfig,
): DetectedAgent | null {
  const compiled = compile(config);
  const match = matchAccount(compiled, account.login, account.id ?? null, account.type === "Bot")[0];
  return match ? { id: match.agent.id, name: match.agent.name } : null;
}

/** The detection settings of a policy (SPEC §3 `agents`, and `labels.agent` as the manual label). */
export function detectionConfigFromPolicy(policy: Policy): DetectionConfig {
  // The same object for the same policy, so the compiled matchers are reused across evaluations.
  const cached = configByPolicy.get(policy);
  if (cached) return cached;
  const config: DetectionConfig = {
    builtin: policy.agents.builtin,
    signals: [...policy.agents.signals],
    define: policy.agents.define,
    ignore: [...policy.agents.ignore],
    // With `labels.agent: false` the manual signal still needs a name: the default label's.
    manualLabel: policy.labels.agent === false ? DEFAULT_AGENT_LABEL : policy.labels.agent,
    // `?? default`: policies built by hand (tests, older callers) may lack the keys added in this release.
    /* eslint-disable @typescript-eslint/no-unnecessary-condition -- see the line above: `Policy` says they are there */
    trusted: [...(policy.agents.trusted ?? [])],
    unknownBots: policy.agents.unknown_bots ?? "agent",
    assisted: policy.agents.assisted ?? "report",
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
  };
  configByPolicy.set(policy, config);
  return config;
}

const configByPolicy = new WeakMap<Policy, DetectionConfig>();
