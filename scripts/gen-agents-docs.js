#!/usr/bin/env node
/**
 * Generates the reference part of docs/agents.md from the built-in catalogue and the list of
 * trusted automation (src/engine/catalogue.ts), so that the page a user reads to ask "is my agent
 * covered?" can never disagree with what the detector matches. Only the text between the GENERATED
 * markers is rewritten; the introduction and the "add an agent" section are written by hand.
 *
 *   npm run build && node scripts/gen-agents-docs.js           rewrite docs/agents.md
 *   npm run build && node scripts/gen-agents-docs.js --check   exit 1 when docs/agents.md is out of date
 *
 * test/docs.test.ts imports `renderAgentsDoc` with the TypeScript catalogue and fails on drift.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const BEGIN_MARKER = "<!-- BEGIN GENERATED: node scripts/gen-agents-docs.js -->";
export const END_MARKER = "<!-- END GENERATED -->";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DOC_FILE = path.join(ROOT, "docs", "agents.md");

/** Inline code that survives backticks inside the value (CommonMark: a longer fence). */
function code(text) {
  const s = String(text);
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = s.startsWith("`") || s.endsWith("`") || s === "" ? " " : "";
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** Table cells cannot hold a raw `|` or a line break. */
function cell(text) {
  return String(text).replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

/** One row per signature: kind, what is matched, where it counts, source. */
function signatureRows(entry) {
  const reviewer = entry.kind === "reviewer";
  const rows = [];
  const as = (agentSide, reviewerSide) => (reviewer ? reviewerSide : agentSide);
  for (const a of entry.accounts ?? []) {
    rows.push(["account", `${code(a.login)}${a.id === undefined ? "" : ` (id ${a.id})`}`, "PR opener, commit author or committer, co-author", a.source]);
  }
  for (const u of entry.userIds ?? []) {
    rows.push(["account id", code(u.id), as("PR opener, commit author or committer, co-author", "commit author or committer: authorship; co-author: assisted"), u.source]);
  }
  for (const e of entry.emails ?? []) {
    rows.push(["e-mail", code(e.email), as("commit author, committer or `Co-authored-by:`", "author/committer: authorship; `Co-authored-by:`: assisted"), e.source]);
  }
  for (const n of entry.nameSuffixes ?? []) rows.push(["name suffix", code(n.suffix), "commit author or committer name", n.source]);
  for (const n of entry.coAuthorNames ?? []) {
    rows.push(["co-author name", `${code(n.prefix)}${n.version === true ? " + a version digit" : "…"}`, "`Co-authored-by:` name, with any or no e-mail", n.source]);
  }
  for (const t of entry.trailers ?? []) {
    rows.push(["trailer", `${code(`${t.key}: ${t.valuePrefix}`)}${t.valuePrefix === "" ? " (any value)" : "…"}`, as("commit message, any paragraph", "commit message (assisted)"), t.source]);
  }
  for (const b of entry.branches ?? []) rows.push(["branch", code(b.glob), "head branch", b.source]);
  for (const m of entry.markers ?? []) rows.push(["marker", code(m.text), as("PR body or commit message", "commit message (assisted)"), m.source]);
  for (const p of entry.subjectPrefixes ?? []) rows.push(["subject prefix", code(p.prefix), as("commit subject or PR title", "commit subject (assisted)"), p.source]);
  return rows;
}

/** The generated reference: every agent, every signature and its source, then the trusted automation. */
export function renderReference(catalogue, trusted) {
  const agents = catalogue.filter((e) => (e.kind ?? "agent") === "agent");
  const reviewers = catalogue.filter((e) => e.kind === "reviewer");
  const out = [];
  out.push(`The built-in catalogue has ${catalogue.length} entries: ${agents.length} coding agents and ${reviewers.length} AI reviewers.`, "");
  out.push("| Id (label `agent:<id>`) | Name | Kind |", "|---|---|---|");
  for (const e of catalogue) out.push(`| ${code(e.id)} | ${cell(e.name)} | ${e.kind === "reviewer" ? "AI reviewer" : "coding agent"} |`);
  out.push("");
  for (const [title, entries] of [["Coding agents", agents], ["AI reviewers", reviewers]]) {
    out.push(`### ${title}`, "");
    for (const e of entries) {
      out.push(`#### ${e.name} (${code(e.id)})`, "");
      out.push("| Signature | Value | Counts in | Source |", "|---|---|---|---|");
      for (const [kind, value, where, source] of signatureRows(e)) out.push(`| ${kind} | ${cell(value)} | ${cell(where)} | ${cell(source)} |`);
      out.push("");
    }
  }
  out.push("### Trusted automation (never an agent, never an unknown bot)", "");
  out.push("| Login | Id | Also by e-mail | What it does | Source |", "|---|---|---|---|---|");
  for (const t of trusted) {
    out.push(`| ${code(t.login)} | ${t.id === null ? "—" : t.id} | ${t.emails.length === 0 ? "—" : t.emails.map(code).join(", ")} | ${cell(t.kind)} | ${cell(t.source)} |`);
  }
  out.push("");
  return out.join("\n");
}

/** `currentDoc` with the text between the markers replaced by the reference. */
export function renderAgentsDoc(currentDoc, catalogue, trusted) {
  const begin = currentDoc.indexOf(BEGIN_MARKER);
  const end = currentDoc.indexOf(END_MARKER, begin === -1 ? 0 : begin);
  if (begin === -1 || end === -1) throw new Error(`docs/agents.md lacks the markers ${BEGIN_MARKER} … ${END_MARKER}`);
  return `${currentDoc.slice(0, begin + BEGIN_MARKER.length)}\n${renderReference(catalogue, trusted)}${currentDoc.slice(end)}`;
}

async function main() {
  const built = path.join(ROOT, "lib", "engine", "catalogue.js");
  const { CATALOGUE, TRUSTED_AUTOMATION } = await import(pathToFileURL(built).href);
  const current = readFileSync(DOC_FILE, "utf8");
  const next = renderAgentsDoc(current, CATALOGUE, TRUSTED_AUTOMATION);
  if (process.argv.includes("--check")) {
    if (next !== current) {
      console.error("docs/agents.md is out of date: run `npm run build && node scripts/gen-agents-docs.js`");
      process.exit(1);
    }
    return;
  }
  if (next === current) console.log("docs/agents.md is up to date");
  else {
    writeFileSync(DOC_FILE, next);
    console.log("docs/agents.md updated");
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
