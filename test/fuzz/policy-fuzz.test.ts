/**
 * The short pass of the policy-loader fuzzer in the suite (seeded, so a failure reproduces): 400
 * mutated policies. The long pass: `node scripts/fuzz-policy.js --iterations 20000`.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkOne, fuzzPolicies } from "./policy-fuzz.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("policy-loader fuzzer", () => {
  it("400 seeded mutations of the examples and fixtures: each a valid policy or positioned, escaped errors", () => {
    const report = fuzzPolicies({ seed: 20261204, iterations: 400, root: ROOT, slowMs: 20_000 });
    expect(report.findings.map((f) => `#${f.iteration}: ${f.problem}`)).toEqual([]);
    expect(report.iterations).toBe(400);
    // The mutations reach both sides: some stay valid, most break.
    expect(report.valid).toBeGreaterThan(0);
    expect(report.invalid).toBeGreaterThan(0);
  }, 120_000);

  it("the checker itself catches what it must (a control character in a message would be flagged)", () => {
    expect(checkOne("version: 1\n")).toBeNull();
    expect(checkOne('version: 1\n"\\e[31m": 1\n')).toBeNull();
  });
});
