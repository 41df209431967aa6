/**
 * `agent-gate backtest --repo OWNER/NAME --policy FILE [--last 50] [--state open|closed|all]`
 * (SPEC §7, issue 12 point 4): for each of the repository's most recently updated pull requests, the
 * decision under the current policy (the default branch's, as the app reads it) and under the
 * candidate file, and which conclusions would change and why. Read-only (src/cli/github.ts).
 *
 * Each PR is read twice, once per policy, so that reviewers are qualified against each policy's own
 * requirements (a candidate asking for a team needs the team look-ups the current one never made).
 */
import { CONCLUSION_SEVERITY } from "../engine/decide/strictest.js";
import type { Conclusion, PolicyState } from "../engine/types.js";
import { describeError, type GitHub } from "../github/client.js";
import { GitHubCliError } from "./github.js";
import { newReadCaches, simulatePull, type RepoArg } from "./simulate.js";

export type PullStateFilter = "open" | "closed" | "all";

export interface BacktestRow {
  number: number;
  title: string;
  state: string;
  current: { conclusion: Conclusion; title: string };
  candidate: { conclusion: Conclusion; title: string };
  changed: boolean;
  /** "blocks" (success → other), "unblocks" (other → success), "changes" (between non-success), null when unchanged. */
  effect: "blocks" | "unblocks" | "changes" | null;
}

export interface BacktestResult {
  repository: string;
  state: PullStateFilter;
  /** How many PRs were asked for (`--last`) and how many were found. */
  last: number;
  candidatePolicy: { source: string; hash: string | null };
  pulls: BacktestRow[];
  changed: number;
}

export function effectOf(from: Conclusion, to: Conclusion): BacktestRow["effect"] {
  if (from === to) return null;
  if (from === "success") return "blocks";
  if (to === "success") return "unblocks";
  return "changes";
}

/** The most recently updated PRs in `state`, at most `last` (REST "List pull requests", pages of 100). */
async function listPulls(gh: GitHub, repo: RepoArg, state: PullStateFilter, last: number): Promise<{ number: number; title: string; state: string }[]> {
  const out: { number: number; title: string; state: string }[] = [];
  try {
    for (let page = 1; out.length < last; page++) {
      const { data } = await gh.rest.pulls.list({ owner: repo.owner, repo: repo.repo, state, sort: "updated", direction: "desc", per_page: Math.min(100, last), page });
      out.push(...data.map((p) => ({ number: p.number, title: p.title, state: p.state })));
      if (data.length < Math.min(100, last)) break;
    }
  } catch (error) {
    throw new GitHubCliError(`cannot list the pull requests of ${repo.owner}/${repo.repo} (${describeError(error)})`);
  }
  return out.slice(0, last);
}

export interface BacktestInput {
  gh: GitHub;
  repo: RepoArg;
  defaultBranch: string;
  appId: number;
  candidate: PolicyState;
  state: PullStateFilter;
  last: number;
  /** Called after each PR (for the progress bar). */
  progress?: (done: number, total: number) => void;
}

export async function runBacktest(input: BacktestInput): Promise<BacktestResult> {
  const pulls = await listPulls(input.gh, input.repo, input.state, input.last);
  const caches = newReadCaches();
  const rows: BacktestRow[] = [];
  for (const [i, p] of pulls.entries()) {
    const target = { ...input.repo, number: p.number, defaultBranch: input.defaultBranch, appId: input.appId };
    const current = await simulatePull(input.gh, target, undefined, caches);
    const candidate = await simulatePull(input.gh, target, input.candidate, caches);
    const from = current.decision.conclusion;
    const to = candidate.decision.conclusion;
    rows.push({
      number: p.number,
      title: p.title,
      state: p.state,
      current: { conclusion: from, title: current.decision.title },
      candidate: { conclusion: to, title: candidate.decision.title },
      changed: from !== to,
      effect: effectOf(from, to),
    });
    input.progress?.(i + 1, pulls.length);
  }
  return {
    repository: `${input.repo.owner}/${input.repo.repo}`,
    state: input.state,
    last: input.last,
    candidatePolicy: { source: input.candidate.source.description, hash: input.candidate.status === "ok" ? input.candidate.hash : null },
    pulls: rows,
    changed: rows.filter((r) => r.changed).length,
  };
}

/** The strictest conclusion the candidate gives (what the exit code reports, like `check`). */
export function strictestCandidate(result: BacktestResult): Conclusion {
  return result.pulls.reduce<Conclusion>((worst, r) => (CONCLUSION_SEVERITY[r.candidate.conclusion] > CONCLUSION_SEVERITY[worst] ? r.candidate.conclusion : worst), "success");
}

/** Plain-text report: a summary line, then the PRs whose conclusion would change, with why. */
export function renderBacktestText(result: BacktestResult): string {
  const lines = [
    `Backtest of ${result.candidatePolicy.source} on ${result.repository}: ${result.pulls.length} ${result.state === "all" ? "" : result.state + " "}pull request${result.pulls.length === 1 ? "" : "s"} (most recently updated, --last ${result.last}).`,
  ];
  const count = (e: BacktestRow["effect"]) => result.pulls.filter((r) => r.effect === e).length;
  lines.push(`Would block ${count("blocks")}, unblock ${count("unblocks")}, change ${count("changes")} otherwise; ${result.pulls.length - result.changed} unchanged.`);
  if (result.changed === 0) return lines.join("\n") + "\n";
  lines.push("", "Changed conclusions:");
  const rows = result.pulls.filter((r) => r.changed);
  const head = ["PR", "current", "candidate", "why (candidate)"];
  const cells = rows.map((r) => [`#${r.number}`, r.current.conclusion, r.candidate.conclusion, oneLine(r.candidate.title)]);
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)));
  const fmt = (row: string[]) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ");
  lines.push(fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...cells.map(fmt));
  return lines.join("\n") + "\n";
}

/** Titles are GitHub-side text: one line, no control characters, bounded. */
function oneLine(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    out += code < 0x20 || code === 0x7f ? " " : ch;
    if (out.length >= 200) return out + "…";
  }
  return out;
}
