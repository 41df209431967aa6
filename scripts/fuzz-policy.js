#!/usr/bin/env node
/**
 * The long pass of the policy-loader fuzzer (test/fuzz/policy-fuzz.ts; the suite runs a short pass):
 *
 *   node scripts/fuzz-policy.js --iterations 20000 [--seed 1] [--slow-ms 2000]
 *
 * Bundles the TypeScript fuzzer with esbuild (a dev dependency, already used for dist/) into
 * node_modules/.cache, runs it, prints a summary and every finding, and exits 1 when there is one.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: { iterations: { type: "string", default: "20000" }, seed: { type: "string", default: "1" }, "slow-ms": { type: "string", default: "2000" } },
});
const iterations = Number(values.iterations);
const seed = Number(values.seed);
const slowMs = Number(values["slow-ms"]);
if (!Number.isSafeInteger(iterations) || iterations < 1 || !Number.isSafeInteger(seed) || !(slowMs > 0)) {
  console.error("usage: node scripts/fuzz-policy.js [--iterations N ≥ 1] [--seed integer] [--slow-ms ms]");
  process.exit(2);
}

const outDir = path.join(ROOT, "node_modules", ".cache", "agent-gate-fuzz");
mkdirSync(outDir, { recursive: true });
const outfile = path.join(outDir, "policy-fuzz.mjs");
await build({ entryPoints: [path.join(ROOT, "test", "fuzz", "policy-fuzz.ts")], bundle: true, platform: "node", format: "esm", packages: "external", outfile, logLevel: "error" });
const { fuzzPolicies } = await import(pathToFileURL(outfile).href);

const started = Date.now();
const report = fuzzPolicies({ seed, iterations, root: ROOT, slowMs });
console.log(`${report.iterations} policies (seed ${seed}): ${report.valid} valid, ${report.invalid} invalid, slowest ${report.slowestMs.toFixed(0)} ms, ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const f of report.findings) console.log(`\n#${f.iteration}: ${f.problem}\n${JSON.stringify(f.text)}`);
if (report.findings.length > 0) {
  console.log(`\n${report.findings.length} findings`);
  process.exitCode = 1;
}
