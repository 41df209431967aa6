/**
 * `npm run bench` (after the build): runs every `scripts/bench-*.js` module — each exports
 * `async function run()` returning rows `{ section, name, measured, target, ok }` — and prints one
 * table. SPEC §8's budgets are measured here, not by timed tests. Exits 1 when a target is missed,
 * 0 when every target holds; rows without a target (`ok: null`, shown with "—") are informational.
 * Add a section by adding a `bench-<name>.js` module; this file does not change.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => /^bench-[\w-]+\.js$/.test(f))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const rows = [];
for (const file of modules) {
  const mod = await import(pathToFileURL(join(here, file)).href);
  if (typeof mod.run !== "function") throw new Error(`scripts/${file} must export "async function run()" returning benchmark rows`);
  rows.push(...(await mod.run()));
}

const header = ["section", "benchmark", "measured", "target", ""];
const table = [header, ...rows.map((r) => [r.section, r.name, r.measured, r.target, r.ok === null ? "" : r.ok ? "ok" : "MISSED"])];
const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
const line = (row) => row.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd();
console.log(line(table[0]));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of table.slice(1)) console.log(line(row));
if (rows.some((r) => r.ok === false)) process.exitCode = 1;
