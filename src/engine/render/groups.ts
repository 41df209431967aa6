/** How the outputs group a decision for reading: files by rule, evidence by agent, signal and value. */
import type { Evidence, FileOutcome, PathAction } from "../types.js";

export interface RuleGroup {
  key: string;
  rule: FileOutcome["rule"];
  action: PathAction;
  patterns: string[];
  reason?: string;
  files: FileOutcome[];
}

const ACTION_ORDER: Record<PathAction, number> = { block: 0, approve: 1, allow: 2 };

/** Files grouped by (rule, action), strictest action first, then by rule order, default last. */
export function groupFilesByRule(files: readonly FileOutcome[]): RuleGroup[] {
  const groups = new Map<string, RuleGroup>();
  for (const f of files) {
    const key = `${String(f.rule)}|${f.action}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, rule: f.rule, action: f.action, patterns: [], files: [] };
      if (f.reason !== undefined) g.reason = f.reason;
      groups.set(key, g);
    }
    if (f.pattern !== undefined && !g.patterns.includes(f.pattern)) g.patterns.push(f.pattern);
    g.files.push(f);
  }
  const rank = (r: FileOutcome["rule"]) => (typeof r === "number" ? r : r === "policy-file" ? -1 : Infinity);
  return [...groups.values()].sort((a, b) => ACTION_ORDER[a.action] - ACTION_ORDER[b.action] || rank(a.rule) - rank(b.rule));
}

/**
 * Evidence grouped for reading: the same agent, signal and value seen in many places (a 50-commit
 * Copilot PR has ~100 identity hits) becomes one row whose "where" names the places compactly.
 * The JSON output and the audit log keep every piece.
 */
export function groupEvidence(evidence: readonly Evidence[]): Evidence[] {
  const groups = new Map<string, { first: Evidence; wheres: string[] }>();
  for (const e of evidence) {
    const key = `${e.agent}\u0000${e.signal}\u0000${e.value}`;
    const g = groups.get(key);
    if (g) g.wheres.push(e.where);
    else groups.set(key, { first: e, wheres: [e.where] });
  }
  return [...groups.values()].map(({ first, wheres }) => ({ ...first, where: summarizeWheres(wheres) }));
}

function summarizeWheres(wheres: string[]): string {
  if (wheres.length === 1) return wheres[0]!;
  const commit = /^commit (\S+) (.+)$/;
  const others: string[] = [];
  const shas: string[] = [];
  const roles: string[] = [];
  for (const w of wheres) {
    const m = commit.exec(w);
    if (!m) {
      if (!others.includes(w)) others.push(w);
      continue;
    }
    if (!shas.includes(m[1]!)) shas.push(m[1]!);
    if (!roles.includes(m[2]!)) roles.push(m[2]!);
  }
  const parts = others.slice(0, 3);
  if (others.length > 3) parts.push(`+${others.length - 3} more`);
  if (shas.length > 0) {
    const shown = shas.slice(0, 3).join(", ") + (shas.length > 3 ? ` +${shas.length - 3} more` : "");
    parts.push(`${shas.length === 1 ? "commit" : `${shas.length} commits`} ${shown} (${roles.join(", ")})`);
  }
  return parts.join("; ");
}
