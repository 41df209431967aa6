/** The check run's `output.text` in Markdown: every file under its rule, and the evidence per commit. */
import { ruleName } from "../decide/rule-name.js";
import { shortSha } from "../decide/words.js";
import type { Decision, Evidence } from "../types.js";
import { BoundedDoc, CHECK_OUTPUT_MAX, plural, utf8Length } from "./bounded-doc.js";
import { groupFilesByRule, type RuleGroup } from "./groups.js";
import { code, fileLabel, md } from "./markdown.js";

/** The check's `output.text`: every file under its rule, and the evidence per commit. */
export function renderDetails(d: Decision, limit = CHECK_OUTPUT_MAX): string {
  return detailsOf(d, limit, groupFilesByRule(d.files));
}

export function detailsOf(d: Decision, limit: number, groups: RuleGroup[]): string {
  const doc = new BoundedDoc(limit);
  if (d.files.length > 0) {
    doc.line(`## Changed files by rule (${plural(d.files.length, "file")})`);
    doc.line();
    // Leave a fifth of the space for the commits section.
    filesByRule(doc, groups, Math.floor(doc.remaining() * (d.detection.commits.length > 0 ? 0.8 : 1)));
  }
  if (d.detection.commits.length > 0) {
    doc.line("## Commits");
    doc.line();
    doc.line("| Commit | Agents | Evidence |");
    doc.line("|---|---|---|");
    doc.list(
      d.detection.commits.map((c) => {
        // Assistance (SPEC §2) beside the agents, marked as such; under `agents.assisted: gate` it is in both lists once.
        const assisted = (c.assisted ?? []).filter((a) => !c.agents.some((g) => g.id === a.id));
        const names = [...c.agents.map((a) => code(a.id, { inTable: true, max: 60 })), ...assisted.map((a) => `${code(a.id, { inTable: true, max: 60 })} (assisted)`)];
        const agents = names.length > 0 ? names.join(", ") : "—";
        const extra = (c.assistedEvidence ?? []).filter((e) => !c.evidence.some((g) => g.agent === e.agent && g.where === e.where && g.value === e.value));
        const ev = commitEvidence(c.sha, [...c.evidence, ...extra]);
        return `| ${code(shortSha(c.sha), { inTable: true })} | ${agents} | ${ev} |`;
      }),
      "commits",
    );
  }
  if (d.files.length === 0 && d.detection.commits.length === 0) doc.line("No changed files or commits to list.");
  return doc.toString();
}

/**
 * One commit's evidence for its row of the commits table: the same signal and value found in several
 * places of the commit (a bot that is both author and committer) is one line naming the places
 * ("author, committer"), not the same identity twice. At most three lines.
 */
function commitEvidence(sha: string, evidence: readonly Evidence[]): string {
  if (evidence.length === 0) return "—";
  const prefix = `commit ${shortSha(sha)} `;
  const groups = new Map<string, { e: Evidence; roles: string[] }>();
  for (const e of evidence) {
    const key = `${e.signal}\u0000${e.value}`;
    const role = e.where.startsWith(prefix) ? e.where.slice(prefix.length) : e.where;
    const g = groups.get(key);
    if (!g) groups.set(key, { e, roles: [role] });
    else if (!g.roles.includes(role)) g.roles.push(role);
  }
  return [...groups.values()]
    .slice(0, 3)
    .map(({ e, roles }) => `${e.signal}: ${code(e.value, { inTable: true, max: 100 })} (${md(roles.join(", "), 100)})`)
    .join("<br>");
}

/**
 * Files grouped by rule within `budget` bytes. Every group first gets its heading, blocked files
 * come next (up to half the space left), then the rest of the space is shared out one file per group per round, so a huge
 * allowed directory cannot push the other rules' files out of view.
 */
function filesByRule(doc: BoundedDoc, groups: RuleGroup[], budget: number): void {
  const headings = groups.map((g) => {
    const pats = g.patterns.length > 0 ? ` ${g.patterns.slice(0, 10).map((p) => code(p, { max: 120 })).join(", ")}${g.patterns.length > 10 ? " …" : ""}` : "";
    const head = `### ${ruleName(g.rule)}${pats} — **${g.action}** (${plural(g.files.length, "file")})`;
    return g.reason ? `${head}\n\n> ${md(g.reason, 500)}\n` : `${head}\n`;
  });
  const lines = groups.map((g) => g.files.map((f) => `- ${fileLabel(f)}`));
  // Each line's UTF-8 size plus newline, measured once: the rounds below may weigh a line many times.
  const sizes = lines.map((ls) => ls.map((l) => utf8Length(l) + 1));
  const tailRoom = 60;
  let used = 0;
  let shownGroups = 0;
  for (const h of headings) {
    const cost = utf8Length(h) + 2 + tailRoom;
    if (used + cost > budget) break;
    used += cost;
    shownGroups++;
  }
  const shown = new Array<number>(shownGroups).fill(0);
  // Blocked files are the reason for a failure: they must not be crowded out by allowed ones.
  const blockBudget = used + (budget - used) / 2;
  for (let g = 0; g < shownGroups && groups[g]!.action === "block"; g++) {
    for (const cost of sizes[g]!) {
      if (used + cost > blockBudget) break;
      used += cost;
      shown[g]!++;
    }
  }
  for (let progressed = true; progressed; ) {
    progressed = false;
    for (let g = 0; g < shownGroups; g++) {
      const cost = sizes[g]![shown[g]!];
      if (cost === undefined) continue;
      if (used + cost > budget) continue;
      used += cost;
      shown[g]!++;
      progressed = true;
    }
  }
  for (let g = 0; g < shownGroups; g++) {
    for (const part of headings[g]!.split("\n")) doc.line(part);
    for (let i = 0; i < shown[g]!; i++) doc.line(lines[g]![i], sizes[g]![i]);
    const rest = lines[g]!.length - shown[g]!;
    if (rest > 0) {
      doc.line();
      doc.line(`_… and ${plural(rest, "more file")}_`);
    }
    doc.line();
  }
  if (shownGroups < groups.length) {
    const restFiles = groups.slice(shownGroups).reduce((n, g) => n + g.files.length, 0);
    doc.line(`_… and ${plural(groups.length - shownGroups, "more rule")} with ${plural(restFiles, "file")}_`);
    doc.line();
  }
}
