/** A Decision as plain text for a terminal (the CLI's default output). */
import { describeApprover } from "../decide/words.js";
import { ruleName, ruleNameCapitalized } from "../decide/rule-name.js";
import { policyErrorLocation } from "../policy/errors.js";
import type { Conclusion, Decision } from "../types.js";
import { plural } from "./bounded-doc.js";
import { groupEvidence, groupFilesByRule } from "./groups.js";
import { guardSections, requirementKindName } from "./guard.js";
import { sanitize } from "./markdown.js";

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
