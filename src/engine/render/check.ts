/**
 * Rendering a Decision: the check run's Markdown (SPEC §6: verdict first, then agents and evidence,
 * files grouped by rule, approvals counted and not counted with the reason, what is still needed),
 * plain terminal text for the CLI, and a stable JSON object. Pure: a Decision in, strings out.
 *
 * Limits (GitHub REST "Create a check run"): `output.summary` and `output.text` take at most 65,535
 * characters each. GitHub counts bytes in practice (github/rest-api-description#5399), so we count
 * UTF-8 bytes, which is never less than the character count. `output.title` has no documented
 * maximum; we keep it to one line of at most 1,024 characters (the engine's contract, types.ts).
 *
 * Safety: file names, logins, branch names, commit text and even policy reasons are written by
 * whoever controls them — an agent can name a file `<img src=x>` or `@acme/security`. Every such
 * string is either backslash-escaped (all ASCII punctuation, so no Markdown or HTML survives) with a
 * word joiner after `@` and `#` (GitHub links mentions and references after rendering, so escaping
 * alone would still ping `@acme/security`), or put in a code span, where GitHub neither renders
 * markup nor links mentions. Control and bidirectional-override characters are replaced.
 */
import { copyRequirement } from "../decide/requirement-keys.js";
import { describeApprover, joinList, shortSha } from "../decide/words.js";
import { guardSections, guardVerdict, requirementKindName } from "./guard.js";
import { escapeText } from "../escape.js";
import { POLICY_PATH } from "../names.js";
import { ruleName, ruleNameCapitalized } from "../decide/rule-name.js";
import { policyErrorLocation } from "../policy/errors.js";
import type {
  ApprovalOutcome,
  Conclusion,
  Decision,
  DetectedAgent,
  Evidence,
  FileOutcome,
  GuardOutcome,
  HeadPolicyCheck,
  PathAction,
  PolicyError,
  PolicySource,
  PullVerdict,
  Requirement,
  RequirementOutcome,
  ReviewRequestNote,
  UpdateMergeFacts,
  PolicyPreview,
} from "../types.js";

export const CHECK_TITLE_MAX = 1024;
export const CHECK_OUTPUT_MAX = 65_535;

export interface CheckOutput {
  title: string;
  summary: string;
  text: string;
}

/**
 * Where the Markdown is shown. `check`: the app's check run (it has the **Approve** button and a
 * Re-run). `advisory`: the GitHub Action's job summary or the CLI's `--format markdown`, which see no
 * reviews and have no button: they say what a reviewer must do under the app instead.
 */
export type RenderSurface = "check" | "advisory";

export interface RenderCheckOptions {
  surface?: RenderSurface;
}

/** Evidence rows shown in the open; more fold into a `<details>` block so the verdict stays in view. */
export const EVIDENCE_OPEN_ROWS = 10;

// ───────────────────────────── escaping ─────────────────────────────

/**
 * One line of display-safe text, clipped: C0/C1 controls (terminal escape sequences, NUL …), line
 * separators and bidi overrides/isolates ("Trojan Source", CVE-2021-42574) shown as visible escapes
 * (`\x1b`, `\u202e`) by the engine's one escaping function (escape.ts); newlines and tabs as spaces.
 */
export function sanitize(s: string, max = Infinity): string {
  const one = escapeText(s, { whitespace: "space" });
  if (one.length <= max) return one;
  return one.slice(0, Math.max(0, max - 1)) + "…";
}

/** User-controlled text for Markdown: no markup, no HTML, no mentions or references. */
export function md(s: string, max = 300): string {
  return sanitize(s, max)
    .replace(/[\\`*_{}[\]()#+\-.!|<>~^=:&$/]/g, "\\$&")
    .replace(/([@#])/g, "$1\u2060");
}

/** User-controlled text as an inline code span (safe inside GFM table cells when `inTable`). */
export function code(s: string, { max = 300, inTable = false }: { max?: number; inTable?: boolean } = {}): string {
  let body = sanitize(s, max);
  // GFM splits table cells on `|` before inline parsing, even inside code spans; `\|` is the escape.
  if (inTable) body = body.replace(/\|/g, "\\|");
  const runs = body.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || (body.startsWith(" ") && body.endsWith(" ") && body.trim() !== "") ? " " : "";
  if (body === "") return "` `";
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A login, displayed with its `@` but never linked as a mention. */
function user(login: string): string {
  return md("@" + login, 100);
}

// ───────────────────────────── size-bounded document ─────────────────────────────

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

export function utf8Length(s: string): number {
  // Most lines are ASCII, one byte per character; V8's regex scan is several times faster than the loop.
  if (!NON_ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

// A paragraph of its own (blank line first): right under a list item or table row it would join it.
const TRUNCATED_NOTE = "\n\n_… output truncated to fit GitHub's 65,535-character limit for check runs._";
/** Room kept for a list's "… and N more" line and the truncation note. */
const LIST_TAIL_ROOM = 120;

/** Lines of Markdown that never exceed `limit` UTF-8 bytes, with a note when something was cut. */
class BoundedDoc {
  private readonly lines: string[] = [];
  private bytes = 0;
  private truncated = false;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit - utf8Length(TRUNCATED_NOTE);
  }

  remaining(): number {
    return this.limit - this.bytes;
  }

  /**
   * Adds a line if it fits; otherwise marks the document truncated and adds nothing more. `size` is
   * the line's UTF-8 length plus its newline, when the caller already measured it (a 3,000-file PR
   * would otherwise measure every line twice).
   */
  line(s = "", size = utf8Length(s) + 1): boolean {
    if (this.truncated) return false;
    if (this.bytes + size > this.limit) {
      this.truncated = true;
      return false;
    }
    this.lines.push(s);
    this.bytes += size;
    return true;
  }

  /**
   * Adds items while they fit (keeping room for the tail), at most `cap`; then "… and N more noun".
   * `total` counts items not passed in (already capped by the caller).
   */
  list(items: readonly string[], noun: string, cap = Infinity, total = items.length): void {
    let shown = 0;
    for (const item of items) {
      if (shown >= cap || this.truncated) break;
      const size = utf8Length(item) + 1;
      if (this.bytes + size + LIST_TAIL_ROOM > this.limit) break;
      this.line(item, size);
      shown++;
    }
    // Its own paragraph: right after a list item it would be a lazy continuation of that item, and
    // right after a table row GFM would make it one more row (CommonMark §5.2, GFM §4.10).
    if (shown < total) {
      this.line();
      this.line(`_… and ${formatCount(total - shown)} more ${noun}_`);
    }
  }

  toString(): string {
    const body = this.lines.join("\n");
    return this.truncated ? body + TRUNCATED_NOTE : body;
  }
}

function formatCount(n: number): string {
  // Below 1,000 an integer has no group separator, so String() gives the same text without ICU's cost.
  if (Number.isInteger(n) && n >= 0 && n < 1000 && !Object.is(n, -0)) return String(n);
  return n.toLocaleString("en-US");
}

function plural(n: number, one: string, many = one + "s"): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

// ───────────────────────────── shared pieces ─────────────────────────────

const ICON: Record<Conclusion, string> = { success: "✅", failure: "❌", action_required: "🔒", neutral: "➖" };

export { ruleName } from "../decide/rule-name.js";

function requirementName(r: RequirementOutcome): string {
  if (r.kind) return `${requirementKindName(r.kind)} requirement`;
  return r.rule === null ? "default requirement (`approval`)" : `${ruleName(r.rule)}'s requirement`;
}

function policyErrorLine(e: PolicyError): string {
  return `- ${code(policyErrorLocation(e))} ${md(e.message, 1000)}`;
}

function fileLabel(f: FileOutcome): string {
  return f.previousPath ? `${code(f.path)} (renamed from ${code(f.previousPath)})` : code(f.path);
}

function describeRequirementMd(req: Requirement, contributors: string[] | undefined): string {
  const parts = [`a human (not a bot or coding agent) with **${req.min_permission}** permission or higher`];
  const scope: string[] = [];
  if (req.teams.length > 0) scope.push(`a member of ${req.teams.map((t) => code(t)).join(" or ")}`);
  if (req.users.length > 0) scope.push(`one of ${req.users.map(user).join(", ")}`);
  if (scope.length > 0) parts.push(scope.join(" or "));
  if (req.exclude_contributors) {
    const who = contributors && contributors.length > 0 ? ` (${joinList(contributors.slice(0, 20).map(user), 19)})` : "";
    parts.push(`not the PR author or an author, committer or co-author of its commits${who}`);
  }
  return parts.join(", ");
}

function stateReRun(surface: RenderSurface): string {
  if (surface === "advisory") return "Run agent-gate again once what it needs can be read (re-run the job, or push a commit).";
  return "Re-run the `agent-gate` check (**Re-run** on the Checks tab, or push a commit) once GitHub is reachable. A pull request over GitHub's listing caps (3,000 files, 250 commits) cannot be verified: split it.";
}

interface RuleGroup {
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

// ───────────────────────────── check run ─────────────────────────────

export function renderTitle(decision: Decision): string {
  return sanitize(decision.title, CHECK_TITLE_MAX);
}

export function renderCheck(decision: Decision, options: RenderCheckOptions = {}): CheckOutput {
  // The summary and the details both show the files by rule: group them once.
  const groups = groupFilesByRule(decision.files);
  const surface = options.surface ?? "check";
  return {
    title: renderTitle(decision),
    summary: summaryOf(decision, CHECK_OUTPUT_MAX, groups, surface),
    text: detailsOf(decision, CHECK_OUTPUT_MAX, groups),
  };
}

/** The check's `output.summary`: the verdict and everything needed to act on it. */
export function renderSummary(d: Decision, limit = CHECK_OUTPUT_MAX, options: RenderCheckOptions = {}): string {
  return summaryOf(d, limit, groupFilesByRule(d.files), options.surface ?? "check");
}

function summaryOf(d: Decision, limit: number, groups: RuleGroup[], surface: RenderSurface): string {
  const doc = new BoundedDoc(limit);
  doc.line(`### ${ICON[d.conclusion]} ${md(d.title, CHECK_TITLE_MAX)}`);
  doc.line();
  verdictSection(doc, d, surface);
  if (d.pulls && d.pulls.length > 1) pullsSection(doc, d.pulls);
  if (d.unverified.length > 0) {
    doc.line("#### Could not verify");
    doc.line();
    doc.list(d.unverified.map((u) => `- ${md(u, 1000)}`), "problems", 30);
    doc.line();
    doc.line(stateReRun(surface));
    doc.line();
  }
  if (d.policyErrors.length > 0) {
    doc.line(`#### Policy errors (${formatCount(d.policyErrors.length)})`);
    doc.line();
    doc.list(d.policyErrors.map(policyErrorLine), "errors", 50);
    doc.line();
  }
  headPolicySection(doc, d.headPolicy, d.repairsPolicy);
  if (d.policyPreview && d.headPolicy?.status === "valid") policyPreviewLines(doc, d.policyPreview);
  if (d.agentAuthored || d.detection.evidence.length > 0) agentsSection(doc, d.detection.agents, d.detection.evidence);
  unknownBotsNote(doc, d);
  assistedSection(doc, d);
  if (d.requirements.length > 0) requirementsSection(doc, d);
  if (d.updateMerge && d.agentAuthored) updateMergeLines(doc, d.updateMerge, d.baseRef);
  if (d.approvals.length > 0) approvalsSection(doc, d.approvals);
  for (const section of guardSections(d, { md, code })) {
    doc.line(`#### ${section.heading}`);
    doc.line();
    if (section.intro) {
      doc.line(section.intro);
      doc.line();
    }
    doc.list(section.items, section.noun, section.cap);
    doc.line();
  }
  if (d.files.length > 0) fileSummarySection(doc, d.files, groups, surface);
  policySection(doc, d.policy);
  return doc.toString();
}

function verdictSection(doc: BoundedDoc, d: Decision, surface: RenderSurface): void {
  if (d.policyErrors.length > 0 && !d.repairsPolicy) {
    doc.line(`The policy file (${md(d.policy.source.description)}) is invalid, so every pull request fails until it is fixed: a broken file may hold the agents or rules that would have caught this one. Fix the errors below on the default branch; a pull request that the built-in catalogue does not flag as agent-authored and whose copy of \`${POLICY_PATH}\` is valid passes as a repair.`);
    doc.line();
    return;
  }
  if (d.repairsPolicy) {
    doc.line(`The policy on the default branch is invalid. This pull request changes \`${POLICY_PATH}\` to a valid version and no coding agent was detected by the built-in catalogue, so it may merge to repair the policy.`);
    doc.line();
    return;
  }
  switch (d.conclusion) {
    case "neutral":
      doc.line("The policy sets `enabled: false`: agent-gate does not gate this pull request.");
      break;
    case "success":
      if (!d.agentAuthored) {
        doc.line("No coding agent detected. Checked:");
        doc.line();
        doc.list(d.detection.checked.map((c) => `- ${md(c)}`), "more", 20);
      } else if (d.requirements.length === 0) {
        doc.line(d.files.length === 0 ? "Agent-authored, but it changes no file." : "Agent-authored; every changed file is `allow` under the policy, so no approval is needed.");
      } else {
        doc.line("Agent-authored; every approval requirement is met.");
      }
      break;
    case "failure":
      if (d.blocked.length > 0) {
        doc.line(`Agent-authored, and these files may not be changed by coding agents, whatever the approvals (${plural(d.blocked.length, "file")}):`);
        doc.line();
        doc.list(d.blocked.map((f) => `- ${fileLabel(f)} — ${ruleName(f.rule)}${f.pattern ? ` ${code(f.pattern)}` : ""}${f.reason ? `: ${md(f.reason)}` : ""}`), "blocked files", 50);
      } else if (guardVerdict(d) !== undefined) {
        doc.line(guardVerdict(d)!);
      } else if (d.headPolicy?.status === "invalid") {
        doc.line(`This pull request changes \`${POLICY_PATH}\` to a version that is invalid: once merged, it would fail every pull request. Fix the errors below.`);
      } else if (d.unverified.length > 0) {
        doc.line(d.agentAuthored
          ? "Agent-authored, and some facts needed for the decision could not be read, so it cannot pass (fail closed)."
          : "No coding agent was detected in what could be read, but not everything could be read, and an unread commit may be an agent's (fail closed).");
      }
      break;
    case "action_required":
      doc.line("**Still needed:**");
      doc.line();
      for (const r of d.requirements.filter((x) => !x.met)) {
        doc.line(`- ${plural(r.missing, "more approval")} for ${plural(r.files.length, "file")} (${requirementName(r)}) from ${describeRequirementMd(r.requirement, d.contributors)}.`);
      }
      doc.line();
      if (surface === "advisory") {
        doc.line(
          `This advisory run sees no reviews, so it cannot tell whether these approvals exist: under the agent-gate GitHub App a qualifying reviewer approves commit ${code(shortSha(d.headSha))} with a pull request review, and only the app counts approvals and enforces merge.`,
        );
      } else {
        doc.line(`Approve with a review on commit ${code(shortSha(d.headSha))}, or with the **Approve** button of this check.`);
      }
      break;
  }
  doc.line();
}

function pullsSection(doc: BoundedDoc, pulls: PullVerdict[]): void {
  doc.line("#### Pull requests with this head commit");
  doc.line("This check carries the strictest verdict of them:");
  doc.line();
  doc.line("| Pull request | Verdict |");
  doc.line("|---|---|");
  doc.list(pulls.map((p) => `| ${p.number !== null ? `#${p.number}` : "—"} | ${ICON[p.conclusion]} ${md(p.title, 200)} |`), "pull requests", 50);
  doc.line();
}

function headPolicySection(doc: BoundedDoc, head: HeadPolicyCheck | undefined, repairs: boolean): void {
  if (!head || repairs) return;
  if (head.status === "invalid") {
    doc.line(`#### This pull request's \`${POLICY_PATH}\` is invalid (${plural(head.errors.length, "error")})`);
    doc.line("It is not applied here (the policy comes from the default branch), but it would break every pull request once merged:");
    doc.line();
    doc.list(head.errors.map(policyErrorLine), "errors", 30);
    doc.line();
  }
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

function agentsSection(doc: BoundedDoc, agents: DetectedAgent[], allEvidence: Evidence[]): void {
  const evidence = groupEvidence(allEvidence);
  doc.line("#### Agents and evidence");
  if (agents.length > 0) doc.line(`Detected: ${agents.map((a) => `${md(a.name, 80)} (${code(a.id, { max: 60 })})`).join(", ")}`);
  doc.line();
  const row = (e: Evidence) => `| ${code(e.agent, { inTable: true, max: 60 })} | ${e.signal} | ${md(e.where, 120)} | ${code(e.value, { inTable: true, max: 160 })} |`;
  const table = (rows: Evidence[], total: number) => {
    doc.line("| Agent | Signal | Where | Value |");
    doc.line("|---|---|---|---|");
    doc.list(rows.map(row), "pieces of evidence", 30, total);
    doc.line();
  };
  table(evidence.slice(0, EVIDENCE_OPEN_ROWS), Math.min(evidence.length, EVIDENCE_OPEN_ROWS));
  if (evidence.length > EVIDENCE_OPEN_ROWS) {
    // A long table would push the requirements and files out of view: the rest folds away. An HTML
    // block ends at a blank line, so the table inside is parsed as Markdown (GFM §4.6, kind 6).
    const rest = evidence.slice(EVIDENCE_OPEN_ROWS);
    doc.line(`<details><summary>${plural(rest.length, "more piece", "more pieces")} of evidence</summary>`);
    doc.line();
    table(rest.slice(0, 30), rest.length);
    doc.line("</details>");
    doc.line();
  }
}

/** SPEC §2 signal 6: which bot accounts were treated as agents (or reported), and how to trust one. */
function unknownBotsNote(doc: BoundedDoc, d: Decision): void {
  const bots = d.detection.unknownBots ?? [];
  if (bots.length === 0) return;
  const logins = [...new Set(bots.map((b) => b.login))];
  const gating = d.detection.evidence.some((e) => e.signal === "unknown-bot");
  doc.line(
    `**Unknown bot${logins.length === 1 ? "" : "s"}:** ${logins.slice(0, 10).map((l) => code(l, { max: 60 })).join(", ")}${logins.length > 10 ? ` +${logins.length - 10} more` : ""} ` +
      `wrote code in this pull request and ${logins.length === 1 ? "is" : "are"} neither a catalogued coding agent nor trusted automation` +
      `${gating ? ", so agent-gate treats " + (logins.length === 1 ? "it" : "them") + " as a coding agent" : " (reported, not gating: `agents.unknown_bots: report`)"}. ` +
      `If it is automation and not an agent, add it to \`agents.trusted\` in \`${POLICY_PATH}\` (a login or its numeric id); \`agents.unknown_bots\` sets what unknown bots do.`,
  );
  doc.line();
}

/** SPEC §2 "assisted": commits applying AI reviewers' suggestions, shown apart from the agents. */
function assistedSection(doc: BoundedDoc, d: Decision): void {
  const evidence = groupEvidence(d.detection.assistedEvidence ?? []);
  if (evidence.length === 0) return;
  const agents = d.detection.assisted ?? [];
  const gating = evidence.some((e) => d.detection.evidence.some((g) => g.agent === e.agent && g.where === e.where && g.value === e.value));
  doc.line(`#### AI-assisted commits (${gating ? "gating: `agents.assisted: gate`" : "reported, not gating"})`);
  doc.line(
    `Suggestions written by ${agents.map((a) => `${md(a.name, 80)} (${code(a.id, { max: 60 })})`).join(", ") || "AI reviewers"} and applied by a human.`,
  );
  doc.line();
  doc.line("| Reviewer | Signal | Where | Value |");
  doc.line("|---|---|---|---|");
  doc.list(
    evidence.map((e) => `| ${code(e.agent, { inTable: true, max: 60 })} | ${e.signal} | ${md(e.where, 120)} | ${code(e.value, { inTable: true, max: 160 })} |`),
    "pieces of evidence",
    20,
  );
  doc.line();
}

function requirementsSection(doc: BoundedDoc, d: Decision): void {
  doc.line("#### Approval requirements");
  doc.line();
  doc.line("| Requirement | Files | Needs | Approved by | Status |");
  doc.line("|---|---|---|---|---|");
  doc.list(
    d.requirements.map((r) => {
      const needs = `${r.requirement.count} × ${md(describeApprover(r.requirement, r.requirement.count), 400)}`;
      const by = r.approvedBy.length > 0 ? r.approvedBy.slice(0, 10).map(user).join(", ") + (r.approvedBy.length > 10 ? ` +${r.approvedBy.length - 10}` : "") : "—";
      const status = r.met ? "✅ met" : `🔒 ${plural(r.missing, "more approval")} needed`;
      return `| ${r.kind ? requirementKindName(r.kind) : ruleName(r.rule)} | ${formatCount(r.files.length)} | ${needs} | ${by} | ${status} |`;
    }),
    "requirements",
    40,
  );
  doc.line();
  if (d.reviewRequest && d.conclusion === "action_required") reviewRequestLines(doc, d.reviewRequest);
}

/** The edited policy's effect on the other open agent PRs (a PR that changes `.github/agent-policy.yml`). */
function policyPreviewLines(doc: BoundedDoc, p: PolicyPreview): void {
  doc.line(`#### Preview of this pull request's \`${POLICY_PATH}\``);
  if (p.unavailable !== undefined) doc.line(`No preview: ${md(p.unavailable, 400)}.`);
  else
    doc.line(
      `The edited policy is valid. On the ${p.looked === p.limit ? `first ${p.limit}` : `${p.looked}`} other open pull requests (most recently updated first${p.looked === p.limit ? "; more were not looked at" : ""}), it would **block** ${plural(p.block, "agent pull request")} (\`success\` → not), **unblock** ${p.unblock} and leave ${p.leave} as they are.`,
    );
  doc.line();
}

/** `approval.keep_on_update_merge`: whether the approvals of the earlier head were carried over, and why not. */
function updateMergeLines(doc: BoundedDoc, u: UpdateMergeFacts, baseRef: string): void {
  const from = code(shortSha(u.from));
  if (u.carried) {
    doc.line(`Approvals given at ${from} were **carried over**: this commit is an "Update branch" merge of it with the tip of ${code(baseRef)} that changes none of the pull request's files (\`approval.keep_on_update_merge\`).`);
  } else {
    doc.line(`Approvals given at ${from} were **not carried over** to this "Update branch" merge: ${md(u.reason ?? "it does not qualify", 600)}.`);
  }
  doc.line();
}

/** Who was asked to review (once per head commit) and, when they come to ≤ 10 people, who may approve. */
function reviewRequestLines(doc: BoundedDoc, r: ReviewRequestNote): void {
  const asked = [...r.users.map(user), ...r.teams.map((t) => `team ${code(t)}`)];
  if (asked.length > 0 && r.failed !== undefined) doc.line(`Review could not be requested from ${joinList(asked, 10)}: ${md(r.failed, 300)}`);
  else if (asked.length > 0) doc.line(`Review requested from ${joinList(asked, 10)} (once for this commit).`);
  const refused = r.refused ? [...r.refused.users.map(user), ...r.refused.teams.map((t) => `team ${code(t)}`)] : [];
  if (refused.length > 0) doc.line(`Review could not be requested from ${joinList(refused, 10)}: not a collaborator of this repository (GitHub requests reviews only from people and teams with access to it).`);
  if (r.people !== null && r.people.length > 0) doc.line(`Who may approve: ${joinList(r.people.map(user), 10)}.`);
  doc.line();
}

function approvalsSection(doc: BoundedDoc, approvals: ApprovalOutcome[]): void {
  const counted = approvals.filter((a) => a.counted);
  const notCounted = approvals.filter((a) => !a.counted || a.reason);
  doc.line("#### Approvals");
  doc.line();
  // Each label is its own paragraph after a blank line: "Not counted:" written right under the
  // counted list would be a lazy continuation of its last item (CommonMark §5.2).
  if (counted.length > 0) {
    doc.line("Counted:");
    doc.line();
    doc.list(counted.map((a) => `- ✅ ${user(a.login)} (${a.source === "button" ? "Approve button" : "review"})${a.reason ? ` — partly: ${md(a.reason, 400)}` : ""}`), "approvals", 40);
    doc.line();
  }
  const notAtAll = notCounted.filter((a) => !a.counted);
  if (notAtAll.length > 0) {
    doc.line("Not counted:");
    doc.line();
    doc.list(notAtAll.map((a) => `- ✖ ${user(a.login)} (${a.source === "button" ? "Approve button" : "review"}) — ${md(a.reason ?? "not counted", 400)}`), "approvals", 40);
    doc.line();
  }
}

function fileSummarySection(doc: BoundedDoc, files: FileOutcome[], groups: RuleGroup[], surface: RenderSurface): void {
  doc.line(`#### Files by rule (${plural(files.length, "file")})`);
  doc.line();
  doc.line("| Rule | Action | Patterns | Files |");
  doc.line("|---|---|---|---|");
  doc.list(
    groups.map((g) => {
      const pats = g.patterns.length > 0 ? g.patterns.slice(0, 5).map((p) => code(p, { inTable: true, max: 100 })).join(" ") + (g.patterns.length > 5 ? " …" : "") : "—";
      const first = g.files.slice(0, 3).map((f) => code(f.path, { inTable: true, max: 100 })).join(", ") + (g.files.length > 3 ? ", …" : "");
      return `| ${ruleName(g.rule)} | ${g.action} | ${pats} | ${formatCount(g.files.length)}: ${first} |`;
    }),
    "rules",
    40,
  );
  doc.line();
  doc.line(surface === "advisory" ? "Every file with its rule is listed below." : "Every file with its rule is listed in the check's details.");
  doc.line();
}

function policySection(doc: BoundedDoc, policy: { source: PolicySource; hash: string | null }): void {
  doc.line(`Policy: ${md(policy.source.description, 500)} (${policy.source.kind})${policy.hash ? ` · sha256 ${code(policy.hash)}` : ""}`);
}

/** The check's `output.text`: every file under its rule, and the evidence per commit. */
export function renderDetails(d: Decision, limit = CHECK_OUTPUT_MAX): string {
  return detailsOf(d, limit, groupFilesByRule(d.files));
}

function detailsOf(d: Decision, limit: number, groups: RuleGroup[]): string {
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

// ───────────────────────────── terminal text ─────────────────────────────

export interface RenderTextOptions {
  /** Files listed per rule before "… and N more" (default: all). */
  maxFilesPerRule?: number;
  /** Extra lines printed after the verdict (e.g. the CLI's range and policy origin). */
  notes?: string[];
}

const TEXT_MARK: Record<Conclusion, string> = { success: "PASS", failure: "FAIL", action_required: "APPROVAL NEEDED", neutral: "NEUTRAL" };

/** Plain text for a terminal: no Markdown, and no control characters (no escape-sequence injection). */
export function renderText(d: Decision, options: RenderTextOptions = {}): string {
  const s = (x: string) => sanitize(x);
  const out: string[] = [];
  out.push(`${TEXT_MARK[d.conclusion]}: ${s(d.title)}`);
  for (const n of options.notes ?? []) out.push(s(n));
  if (d.pulls && d.pulls.length > 1) {
    out.push("", "Pull requests with this head commit:");
    for (const p of d.pulls) out.push(`  ${p.number !== null ? `#${p.number}` : "-"}  ${p.conclusion}  ${s(p.title)}`);
  }
  if (d.unverified.length > 0) {
    out.push("", "Could not verify:");
    for (const u of d.unverified) out.push(`  - ${s(u)}`);
  }
  if (d.policyErrors.length > 0) {
    out.push("", `Policy errors (${d.policyErrors.length}):`);
    for (const e of d.policyErrors) out.push(`  ${s(policyErrorLocation(e))}: ${s(e.message)}`);
  }
  if (d.headPolicy?.status === "invalid") {
    out.push("", "The changed policy file is invalid:");
    for (const e of d.headPolicy.errors) out.push(`  ${s(policyErrorLocation(e))}: ${s(e.message)}`);
  }
  out.push("", d.agentAuthored ? `Agents: ${d.detection.agents.map((a) => `${s(a.name)} (${s(a.id)})`).join(", ") || "-"}` : "Agents: none detected");
  for (const e of groupEvidence(d.detection.evidence)) out.push(`  - ${e.signal} (${s(e.agent)}): ${s(e.value)} — ${s(e.where)}`);
  const assisted = d.detection.assisted ?? [];
  if (assisted.length > 0) {
    out.push(`AI-assisted: ${assisted.map((a) => `${s(a.name)} (${s(a.id)})`).join(", ")}`);
    for (const e of groupEvidence(d.detection.assistedEvidence ?? [])) out.push(`  - ${e.signal} (${s(e.agent)}): ${s(e.value)} — ${s(e.where)}`);
  }
  if (!d.agentAuthored && d.detection.checked.length > 0) {
    out.push("Checked:");
    for (const c of d.detection.checked) out.push(`  - ${s(c)}`);
  }
  for (const r of d.requirements) {
    const head = `${r.kind ? `${requirementKindName(r.kind)} requirement` : `${ruleNameCapitalized(r.rule)} requirement`}: ${r.requirement.count} x ${describeApprover(r.requirement, r.requirement.count)}`;
    out.push("", `${head} — ${r.met ? "met" : `${r.missing} more needed`} (${plural(r.files.length, "file")})`);
    if (r.approvedBy.length > 0) out.push(`  approved by: ${r.approvedBy.map((a) => "@" + s(a)).join(", ")}`);
  }
  const notCounted = d.approvals.filter((a) => !a.counted);
  if (notCounted.length > 0) {
    out.push("", "Approvals not counted:");
    for (const a of notCounted) out.push(`  - @${s(a.login)} (${a.source}): ${s(a.reason ?? "not counted")}`);
  }
  if (d.files.length > 0) {
    out.push("", `Files by rule (${plural(d.files.length, "file")}):`);
    const max = options.maxFilesPerRule ?? Infinity;
    for (const g of groupFilesByRule(d.files)) {
      const pats = g.patterns.length > 0 ? ` [${g.patterns.map(s).join(", ")}]` : "";
      out.push(`  ${ruleName(g.rule)}${pats}: ${g.action}${g.reason ? ` — ${s(g.reason)}` : ""}`);
      for (const f of g.files.slice(0, max)) out.push(`    ${s(f.path)}${f.previousPath ? ` (renamed from ${s(f.previousPath)})` : ""}`);
      if (g.files.length > max) out.push(`    … and ${plural(g.files.length - max, "more file")}`);
    }
  }
  for (const section of guardSections(d, { md: (x, max) => sanitize(x, max), code: (x, o) => sanitize(x, o?.max), strong: (x) => x })) {
    out.push("", `${section.heading}:`);
    if (section.intro) out.push(`  ${section.intro}`);
    for (const item of section.items) out.push(`  ${item}`);
  }
  out.push("", `Policy: ${s(d.policy.source.description)} (${d.policy.source.kind})${d.policy.hash ? `, sha256 ${d.policy.hash}` : ""}`);
  return out.join("\n") + "\n";
}

// ───────────────────────────── JSON ─────────────────────────────

export interface DecisionJson {
  schema: "agent-gate/decision/v1";
  conclusion: Conclusion;
  title: string;
  number: number | null;
  headSha: string;
  baseRef: string;
  agentAuthored: boolean;
  agents: DetectedAgent[];
  evidence: Evidence[];
  checked: string[];
  commits: { sha: string; agents: DetectedAgent[]; evidence: Evidence[]; assisted: DetectedAgent[]; assistedEvidence: Evidence[] }[];
  files: { path: string; previousPath: string | null; action: PathAction; rule: number | null | "policy-file"; pattern: string | null; reason: string | null; sets: { set: string; pattern: string }[] }[];
  blocked: string[];
  requirements: { rule: number | null; kind: "workflows" | "dependencies" | null; requirement: Requirement; files: string[]; approvedBy: string[]; missing: number; met: boolean }[];
  approvals: { login: string; source: "review" | "button"; counted: boolean; reason: string | null; countedFor: number[] }[];
  unverified: string[];
  policy: { source: PolicySource; hash: string | null; errors: PolicyError[] };
  headPolicy: HeadPolicyCheck | null;
  repairsPolicy: boolean;
  contributors: string[];
  pulls: PullVerdict[] | null;
  /** SPEC §2 assisted class (and unknown bots under `agents.unknown_bots: report`). */
  assisted: DetectedAgent[];
  assistedEvidence: Evidence[];
  /** Bot accounts that wrote code, neither catalogued nor trusted. */
  unknownBots: { login: string; id: number | null; where: string }[];
  /** Workflow escalations and dependency changes (issue 11); null when not analysed. */
  guard: GuardOutcome | null;
}

/** A stable JSON object (fixed key order, explicit nulls) for the CLI's `--format json` and tools. */
export function renderJson(d: Decision): DecisionJson {
  const ev = (e: Evidence): Evidence => ({ agent: e.agent, signal: e.signal, where: e.where, value: e.value });
  const ag = (a: DetectedAgent): DetectedAgent => ({ id: a.id, name: a.name });
  return {
    schema: "agent-gate/decision/v1",
    conclusion: d.conclusion,
    title: d.title,
    number: d.number ?? null,
    headSha: d.headSha,
    baseRef: d.baseRef,
    agentAuthored: d.agentAuthored,
    agents: d.detection.agents.map(ag),
    evidence: d.detection.evidence.map(ev),
    checked: [...d.detection.checked],
    commits: d.detection.commits.map((c) => ({
      sha: c.sha,
      agents: c.agents.map(ag),
      evidence: c.evidence.map(ev),
      assisted: (c.assisted ?? []).map(ag),
      assistedEvidence: (c.assistedEvidence ?? []).map(ev),
    })),
    files: d.files.map((f) => ({
      path: f.path,
      previousPath: f.previousPath ?? null,
      action: f.action,
      rule: f.rule,
      pattern: f.pattern ?? null,
      reason: f.reason ?? null,
      sets: (f.sets ?? []).map((x) => ({ set: x.set, pattern: x.pattern })),
    })),
    blocked: d.blocked.map((f) => f.path),
    requirements: d.requirements.map((r) => ({
      rule: r.rule,
      kind: r.kind ?? null,
      requirement: copyRequirement(r.requirement),
      files: [...r.files],
      approvedBy: [...r.approvedBy],
      missing: r.missing,
      met: r.met,
    })),
    approvals: d.approvals.map((a) => ({ login: a.login, source: a.source, counted: a.counted, reason: a.reason ?? null, countedFor: [...a.countedFor] })),
    unverified: [...d.unverified],
    policy: { source: { kind: d.policy.source.kind, description: d.policy.source.description }, hash: d.policy.hash, errors: d.policyErrors.map((e) => ({ file: e.file, line: e.line, column: e.column, message: e.message })) },
    headPolicy: d.headPolicy ?? null,
    repairsPolicy: d.repairsPolicy,
    contributors: [...(d.contributors ?? [])],
    pulls: d.pulls ? d.pulls.map((p) => ({ number: p.number, conclusion: p.conclusion, title: p.title })) : null,
    assisted: (d.detection.assisted ?? []).map(ag),
    assistedEvidence: (d.detection.assistedEvidence ?? []).map(ev),
    unknownBots: (d.detection.unknownBots ?? []).map((b) => ({ login: b.login, id: b.id, where: b.where })),
    guard: d.guard
      ? {
          escalation: d.guard.escalation,
          findings: d.guard.findings.map((f) => ({ path: f.path, line: f.line, column: f.column, kind: f.kind, message: f.message })),
          dependencyAction: d.guard.dependencyAction,
          dependencies: d.guard.dependencies.map((c) => ({ path: c.path, ecosystem: c.ecosystem, group: c.group, name: c.name, from: c.from, to: c.to })),
          errors: d.guard.errors.map((x) => ({ path: x.path, line: x.line, column: x.column, message: x.message })),
        }
      : null,
  };
}
