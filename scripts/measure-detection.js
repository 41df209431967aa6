#!/usr/bin/env node
/**
 * Recall and false alarms of the built-in catalogue on labelled real commits (issue 9's measure:
 * identity/trailer commits, weaker signals, unlisted bots, and look-alikes that must raise nothing),
 * for each fixture file apart:
 *
 *   test/fixtures/detection/real-commits.json      the commits the catalogue was built from (an upper bound)
 *   test/fixtures/detection/held-out-commits.json  a sample labelled before the detector was run on it
 *
 *   npm run build && node scripts/measure-detection.js [--verbose]
 *
 * The verdicts come from src/engine/detect/measure.ts, the same function test/detect-real.test.ts uses.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIR = path.join(ROOT, "test", "fixtures", "detection");
export const FIXTURE_FILES = [
  { name: "built from (real-commits.json)", file: path.join(DIR, "real-commits.json") },
  { name: "held out (held-out-commits.json)", file: path.join(DIR, "held-out-commits.json") },
];

const pct = (t) => (t.n === 0 ? "—" : `${((100 * t.ok) / t.n).toFixed(1)} %`);

async function main() {
  const { BUILTIN_DETECTION_CONFIG } = await import(pathToFileURL(path.join(ROOT, "lib", "engine", "index.js")).href);
  const { measureFixtures } = await import(pathToFileURL(path.join(ROOT, "lib", "engine", "detect", "measure.js")).href);
  const verbose = process.argv.includes("--verbose");
  for (const { name, file } of FIXTURE_FILES) {
    const { commits } = JSON.parse(readFileSync(file, "utf8"));
    const m = measureFixtures(commits, BUILTIN_DETECTION_CONFIG);
    console.log(`${name}: ${commits.length} real commits`);
    for (const [k, g] of [...m.groups].sort(([a], [b]) => a.localeCompare(b))) {
      console.log(`  ${k.padEnd(44)} ${String(g.ok).padStart(4)}/${String(g.n).padEnd(4)} ${k.startsWith("negatives") ? "clean" : "found"} ${pct(g)}`);
    }
    console.log(`  recall, identity or trailer: ${pct(m.strong)} (${m.strong.ok}/${m.strong.n})`);
    console.log(`  recall, weaker signals:      ${pct(m.weak)} (${m.weak.ok}/${m.weak.n})`);
    if (m.bots.n > 0) console.log(`  unlisted bots flagged:       ${pct(m.bots)} (${m.bots.ok}/${m.bots.n})`);
    console.log(`  false alarms:                ${m.negatives.n - m.negatives.ok} of ${m.negatives.n} look-alikes`);
    for (const { commit: c, verdict: v } of m.misses) {
      console.log(`  miss: ${c.ref} expected ${c.expect ?? "nothing"} (${c.cls ?? "negative"}), got agents [${v.agents}] assisted [${v.assisted}]`);
    }
    if (verbose) console.log("");
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
