#!/usr/bin/env node
/**
 * Recall and false alarms of the built-in catalogue on the real commits of
 * test/fixtures/detection/real-commits.json (issue 9's measure: identity/trailer commits, weaker
 * signals, and look-alikes that must raise nothing).
 *
 *   npm run build && node scripts/measure-detection.js [--verbose]
 *
 * Each commit is judged alone, as the CLI sees it (git identities only, no GitHub logins). A
 * positive counts as found when its expected agent is detected in the expected class (`agents` for
 * agent work, `assisted` for applied AI suggestions); a negative is a false alarm when anything at
 * all is detected, in either class.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures", "detection", "real-commits.json");

/** `Name <email>` → identity (the fixture's own format; the last `<` starts the address). */
export function identity(text) {
  const lt = text.lastIndexOf("<");
  return { name: text.slice(0, lt).trim(), email: text.slice(lt + 1, text.endsWith(">") ? -1 : undefined).trim() };
}

export function factsOf(commit) {
  return {
    repository: commit.ref.split("@")[0],
    number: null,
    title: "",
    body: "",
    author: null,
    headRef: "",
    headSha: "0".repeat(40),
    baseRef: "main",
    labels: [],
    commits: [{ sha: `${commit.ref.split("@")[1]}`.padEnd(40, "0"), author: identity(commit.author), committer: identity(commit.committer), message: commit.message }],
    files: [],
    unverified: [],
  };
}

/** The verdict on one fixture commit: found (positives) or false alarm (negatives), and what was seen. */
export function judge(detectAgents, config, commit) {
  const d = detectAgents(factsOf(commit), config);
  const agents = d.agents.map((a) => a.id);
  const assisted = (d.assisted ?? []).map((a) => a.id);
  if (commit.expect === null) return { ok: agents.length === 0 && assisted.length === 0, agents, assisted };
  const pool = commit.cls === "assisted" ? assisted : agents;
  return { ok: pool.includes(commit.expect), agents, assisted };
}

async function main() {
  const { detectAgents, BUILTIN_DETECTION_CONFIG } = await import(pathToFileURL(path.join(ROOT, "lib", "engine", "index.js")).href);
  const { commits } = JSON.parse(readFileSync(FIXTURES, "utf8"));
  const groups = new Map();
  const misses = [];
  for (const c of commits) {
    const key = c.expect === null ? `negatives: ${c.strength}` : `${c.cls} (${c.strength})`;
    const g = groups.get(key) ?? { n: 0, ok: 0 };
    const v = judge(detectAgents, BUILTIN_DETECTION_CONFIG, c);
    g.n++;
    if (v.ok) g.ok++;
    else misses.push({ ref: c.ref, expect: c.expect, cls: c.cls, got: v });
    groups.set(key, g);
  }
  const pct = (a, b) => (b === 0 ? "—" : `${((100 * a) / b).toFixed(1)} %`);
  const sum = (pred) => [...groups].filter(([k]) => pred(k)).reduce((acc, [, g]) => ({ n: acc.n + g.n, ok: acc.ok + g.ok }), { n: 0, ok: 0 });
  console.log(`real commits: ${commits.length}`);
  for (const [k, g] of [...groups].sort()) console.log(`  ${k.padEnd(44)} ${String(g.ok).padStart(3)}/${String(g.n).padEnd(3)} ${k.startsWith("negatives") ? "clean" : "found"} ${pct(g.ok, g.n)}`);
  const strong = sum((k) => k.endsWith("(strong)"));
  const weak = sum((k) => k.endsWith("(weak)"));
  const neg = sum((k) => k.startsWith("negatives"));
  console.log(`recall, identity or trailer: ${pct(strong.ok, strong.n)} (${strong.ok}/${strong.n})`);
  console.log(`recall, weaker signals:      ${pct(weak.ok, weak.n)} (${weak.ok}/${weak.n})`);
  console.log(`false alarms:                ${neg.n - neg.ok} of ${neg.n} look-alikes`);
  if (process.argv.includes("--verbose") || misses.length > 0) for (const m of misses) console.log(`  miss: ${m.ref} expected ${m.expect ?? "nothing"} (${m.cls ?? "negative"}), got agents [${m.got.agents}] assisted [${m.got.assisted}]`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
