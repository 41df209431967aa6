/**
 * Rendering of the guard analysis (issue 11): the named sets each file belongs to, workflow
 * escalations, dependency changes, and the check-run annotations of the findings. Lines are built
 * here and added by the size-bounded document (bounded-doc.ts); untrusted text goes through `md`/`code`.
 */
import { pathSet } from "../policy/path-sets.js";
import { errorLocation } from "../policy/errors.js";
import type { Decision, FileOutcome, GuardOutcome } from "../types.js";
import type { EscalationKind } from "../workflows/escalations.js";

interface Escape {
  md: (s: string, max?: number) => string;
  code: (s: string, o?: { max?: number; inTable?: boolean }) => string;
  /** Emphasis of trusted text: `**x**` in Markdown (the default), plain in a terminal. */
  strong?: (s: string) => string;
}

const bold = (e: Escape, s: string) => (e.strong ? e.strong(s) : `**${s}**`);

/** GitHub accepts at most 50 annotations per check-run request ("Update a check run": output.annotations). */
export const ANNOTATIONS_PER_REQUEST = 50;

const KIND_LABEL: Record<EscalationKind, string> = {
  permissions: "permissions widened",
  trigger: "privileged trigger",
  secrets: "secrets",
  "script-injection": "script injection",
  "unpinned-action": "unpinned action",
  "self-hosted-runner": "self-hosted runner",
};

/** A message whose backtick-delimited parts are code (the analysis puts no backtick inside a part). */
export function messageMd(message: string, e: Escape): string {
  return message
    .split("`")
    .map((part, i) => (i % 2 === 1 ? e.code(part, { max: 200 }) : e.md(part, 600)))
    .join("");
}

/** "- `CLAUDE.md` — @control-plane: why …" for each file in a named set (agent-authored decisions). */
export function setLines(files: readonly FileOutcome[], e: Escape): string[] {
  return files
    .filter((f) => f.sets && f.sets.length > 0)
    .map((f) => {
      const sets = f.sets!.map((s) => {
        const set = pathSet(s.set);
        return `${bold(e, s.set)} (${e.code(s.pattern, { max: 100 })})${set ? `: ${set.why}` : ""}`;
      });
      const both = f.sets!.length > 1 ? " — in two sets; either one's rule can match it" : "";
      return `- ${e.code(f.path)} — ${sets.join("; ")}${both}`;
    });
}

const ESCALATION_EFFECT: Record<GuardOutcome["escalation"], string> = {
  block: "`workflows.escalation: block`: the pull request cannot merge while they remain.",
  approve: "`workflows.escalation: approve`: each such file needs its rule's requirement, and one approver with at least `maintain` permission.",
  report: "`workflows.escalation: report`: reported only.",
};

const DEPENDENCY_EFFECT: Record<GuardOutcome["dependencyAction"], string> = {
  block: "`dependencies.action: block`: agents may not add or change dependencies.",
  approve: "`dependencies.action: approve`: they need the `dependencies.approval` requirement.",
  report: "`dependencies.action: report`: listed only.",
};

export interface GuardSection {
  heading: string;
  intro?: string;
  items: string[];
  noun: string;
  cap: number;
}

/** The summary's guard sections, in order (empty sections left out). */
export function guardSections(d: Decision, e: Escape): GuardSection[] {
  const out: GuardSection[] = [];
  const sets = setLines(d.files, e);
  if (d.agentAuthored && sets.length > 0) {
    out.push({ heading: `Files in named sets (${sets.length})`, items: sets, noun: "files", cap: 30 });
  }
  const g = d.guard;
  if (!g) return out;
  if (g.errors.length > 0) {
    out.push({
      heading: `Could not analyse (${g.errors.length})`,
      intro: "These changed files cannot be parsed, so what they grant or install could not be checked; no approval can pass them (fail closed):",
      items: g.errors.map((x) => `- ${e.code(errorLocation(x.path, x.line, x.column))} ${e.md(x.message, 600)}`),
      noun: "errors",
      cap: 30,
    });
  }
  if (g.findings.length > 0) {
    const over = g.findings.length - ANNOTATIONS_PER_REQUEST;
    out.push({
      heading: `Workflow escalations (${g.findings.length})`,
      intro: `${messageMd(ESCALATION_EFFECT[g.escalation], e)}${over > 0 ? ` The first ${ANNOTATIONS_PER_REQUEST} are annotated on their lines (GitHub accepts ${ANNOTATIONS_PER_REQUEST} per request); all are listed here.` : " Each is annotated on its line in the check run."}`,
      items: g.findings.map((f) => `- ${e.code(`${f.path}:${f.line}`)} ${bold(e, KIND_LABEL[f.kind])}: ${messageMd(f.message, e)}`),
      noun: "findings",
      cap: 100,
    });
  }
  if (g.dependencies.length > 0) {
    const sorted = [...g.dependencies].sort((a, b) => (a.ecosystem < b.ecosystem ? -1 : a.ecosystem > b.ecosystem ? 1 : 0));
    out.push({
      heading: `Dependency changes (${g.dependencies.length})`,
      intro: messageMd(DEPENDENCY_EFFECT[g.dependencyAction], e),
      items: sorted.map((c) => {
        const to = c.to === "" ? "(no version)" : e.code(c.to, { max: 120 });
        const from = c.from === null ? "added" : `changed from ${c.from === "" ? "(no version)" : e.code(c.from, { max: 120 })}`;
        return `- ${c.ecosystem}: ${e.code(c.name, { max: 150 })} ${to} — ${from} in ${e.code(c.path)} (${e.md(c.group, 80)})`;
      }),
      noun: "dependency changes",
      cap: 100,
    });
  }
  return out;
}

/** One line for the verdict of a failure the guard imposed. */
export function guardVerdict(d: Decision): string | undefined {
  const g = d.guard;
  if (!g) return undefined;
  if (g.errors.length > 0) return "Agent-authored, and some changed workflow or manifest files cannot be parsed, so they could not be checked (fail closed).";
  if (g.escalation === "block" && g.findings.length > 0) return "Agent-authored, and its workflow changes widen CI privileges, which the policy blocks (`workflows.escalation: block`).";
  if (g.dependencyAction === "block" && g.dependencies.length > 0) return "Agent-authored, and it adds or changes dependencies, which the policy blocks (`dependencies.action: block`).";
  return undefined;
}

/** A check-run annotation (REST "Update a check run", `output.annotations[]`). */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

/**
 * The annotations of a decision: parse errors, then escalation findings, at most 50 (one request).
 * `failure` when the finding gates (block, or an error), else `warning`. Plain text (GitHub does not
 * render Markdown in annotations); controls are stripped by the caller's `sanitize`.
 */
export function decisionAnnotations(d: Decision, sanitize: (s: string, max?: number) => string): CheckAnnotation[] {
  const g = d.guard;
  if (!g) return [];
  const out: CheckAnnotation[] = [];
  for (const x of g.errors) {
    if (x.line < 1) continue;
    out.push({ path: x.path, start_line: x.line, end_line: x.line, annotation_level: "failure", title: "agent-gate: cannot parse", message: sanitize(x.message, 1000) });
  }
  const level = g.escalation === "report" ? "warning" : "failure";
  for (const f of g.findings) {
    out.push({ path: f.path, start_line: f.line, end_line: f.line, annotation_level: level, title: `agent-gate: ${KIND_LABEL[f.kind]}`, message: sanitize(f.message, 1000) });
  }
  return out.slice(0, ANNOTATIONS_PER_REQUEST);
}

export function requirementKindName(kind: "workflows" | "dependencies"): string {
  return kind === "workflows" ? "workflow escalation" : "dependencies";
}
