/**
 * Policy-loader fuzzer (issue 8, point 11 and the attacker pass): seeded, bounded mutations of the
 * shipped examples and the test fixtures. Every outcome must be a valid policy or errors that each
 * name a file, line and column, are one line without control or bidi characters, and are not the
 * loader's "could not be validated" safety net (which means a library threw: a bug to fix at its
 * cause). A case that takes longer than `slowMs` is reported too (a hang in the making).
 *
 * Short pass: test/fuzz/policy-fuzz.test.ts (in the suite). Long pass:
 * `node scripts/fuzz-policy.js --iterations 20000 [--seed N]`.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { hasUnsafeText } from "../../src/engine/escape.js";
import { compilePolicy, matchFiles } from "../../src/engine/decide/match.js";
import { formatPolicyError, loadPolicy, validatePolicyText } from "../../src/engine/policy/load.js";
import { seededRandom } from "../fake-github/faults.js";

export interface FuzzFinding {
  iteration: number;
  problem: string;
  /** The mutated file (clipped for the report). */
  text: string;
}

export interface FuzzOptions {
  seed: number;
  iterations: number;
  /** Directory holding examples/ and test/fixtures/policies/. */
  root: string;
  slowMs?: number;
}

export interface FuzzReport {
  iterations: number;
  valid: number;
  invalid: number;
  findings: FuzzFinding[];
  slowestMs: number;
}

/** Pieces that hit YAML's and the schema's corners: syntax, control and bidi characters, never-matching globs, huge values. */
const TOKENS = [
  ":", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "<<: *a", "!!str ", "!!binary ", "|", ">", "'", '"', "#", "%YAML 1.2", "---", "...", "? ",
  "\t", "\n", "\r\n", "\r", "\u0000", "\u001b[31m", "\u0085", "\u2028", "\u202e", "\ufeff", "\ud800", "😀",
  "./x", "../x", "src\\a.ts", "/", "//", "docs/", "!", "!**", "{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}", "{1..100000}", "@ci", "@control-plane",
  "true", "false", "null", "~", "0", "-1", "1e999", "0x10", "version: 1", "version: 2", "_extends: x", "_extends: ../../x",
  "action: block", "action: deny", "min_permission: admin", "count: 0", "teams: [a/b]", "users: [\"@x\"]",
];

const KEYS = ["version", "enabled", "agents", "builtin", "signals", "define", "id", "logins", "emails", "branches", "markers", "ignore", "trusted", "labels", "agent", "per_agent", "approval", "count", "paths", "match", "targets", "action", "reason", "default", "_extends"];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

function mutate(rand: () => number, text: string): string {
  const at = () => Math.floor(rand() * (text.length + 1));
  switch (Math.floor(rand() * 12)) {
    case 0: {
      const i = at();
      return text.slice(0, i) + text.slice(i + 1 + Math.floor(rand() * 20));
    }
    case 1: {
      const i = at();
      return text.slice(0, i) + pick(rand, TOKENS) + text.slice(i);
    }
    case 2: {
      const lines = text.split("\n");
      const i = Math.floor(rand() * lines.length);
      lines.splice(i, 0, lines[Math.floor(rand() * lines.length)] ?? "");
      return lines.join("\n");
    }
    case 3: {
      const lines = text.split("\n");
      const i = Math.floor(rand() * lines.length);
      const j = Math.floor(rand() * lines.length);
      [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
      return lines.join("\n");
    }
    case 4: {
      // Re-indent one line.
      const lines = text.split("\n");
      const i = Math.floor(rand() * lines.length);
      lines[i] = " ".repeat(Math.floor(rand() * 9)) + (lines[i] ?? "").trimStart();
      return lines.join("\n");
    }
    case 5: {
      // A scalar after a key replaced by a token or a long run.
      const i = text.indexOf(": ", at());
      if (i === -1) return text + pick(rand, TOKENS);
      const end = text.indexOf("\n", i);
      const value = rand() < 0.3 ? pick(rand, TOKENS).repeat(1 + Math.floor(rand() * 2000)) : pick(rand, TOKENS);
      return text.slice(0, i + 2) + JSON.stringify(value) + (end === -1 ? "" : text.slice(end));
    }
    case 6: {
      // A long flow list or deep nesting.
      const n = 1 + Math.floor(rand() * 3000);
      const value = rand() < 0.5 ? `[${Array.from({ length: n }, () => pick(rand, ["a", "'./x'", "1", "{}", "[]"])).join(", ")}]` : `${"[".repeat(n)}${"]".repeat(rand() < 0.8 ? n : n - 1)}`;
      return `${text}\n${pick(rand, KEYS)}: ${value}\n`;
    }
    case 7: {
      // A key renamed to a near-miss or a hostile string.
      const key = pick(rand, KEYS);
      const i = text.indexOf(`${key}:`);
      if (i === -1) return text;
      const replacement = rand() < 0.5 ? key.slice(0, -1) : JSON.stringify(`${key}${pick(rand, TOKENS)}`);
      return text.slice(0, i) + replacement + text.slice(i + key.length);
    }
    case 8: {
      // A path rule appended with hostile patterns.
      const patterns = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => JSON.stringify(rand() < 0.2 ? "a".repeat(1 + Math.floor(rand() * 80_000)) : pick(rand, TOKENS)));
      const paths = text.includes("\npaths:") ? "" : "\npaths:";
      return `${text}${paths}\n  - match: [${patterns.join(", ")}]\n    action: ${pick(rand, ["block", "approve", "allow", "deny"])}\n`;
    }
    case 9: {
      // Aliases and merge keys.
      return `base: &a {count: 1, min_permission: write}\n${text}\nextra: [*a, *a, *a, *a]\napproval:\n  <<: *a\n`;
    }
    case 10:
      return text.slice(0, at());
    default: {
      // Random bytes, any code unit.
      const i = at();
      const junk = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => String.fromCharCode(Math.floor(rand() * 0x10000))).join("");
      return text.slice(0, i) + junk + text.slice(i);
    }
  }
}

function corpus(root: string): { file: string; text: string }[] {
  const dirs = [join(root, "examples"), join(root, "test", "fixtures", "policies")];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".yml"))
      .sort()
      .map((f) => ({ file: `.github/agent-policy.yml`, text: readFileSync(join(dir, f), "utf8") })),
  );
}

/** What is wrong with one outcome, or null. */
export function checkOne(text: string, file = ".github/agent-policy.yml"): string | null {
  let result: ReturnType<typeof loadPolicy>;
  try {
    result = loadPolicy(text, file);
  } catch (error) {
    return `loadPolicy threw: ${String(error)}`;
  }
  let standalone: ReturnType<typeof validatePolicyText>;
  try {
    standalone = validatePolicyText(text, file);
  } catch (error) {
    return `validatePolicyText threw: ${String(error)}`;
  }
  if (result.ok !== (standalone.length === 0)) return `loadPolicy (${result.ok ? "valid" : "invalid"}) and validatePolicyText (${standalone.length} errors) disagree`;
  if (result.ok) {
    try {
      matchFiles(compilePolicy(result.policy), [{ path: "src/a.ts" }, { path: ".github/workflows/ci.yml" }, { path: "docs/x.md" }], "main");
    } catch (error) {
      return `a valid policy does not compile: ${String(error)}`;
    }
    return null;
  }
  if (result.errors.length === 0) return "invalid without an error";
  for (const e of result.errors) {
    if (!(e.line >= 1 && e.column >= 1)) return `error without a position: ${formatPolicyError(e)}`;
    if (e.message.trim() === "") return "empty error message";
    if (hasUnsafeText(e.message) || hasUnsafeText(e.file)) return `unescaped control or bidi character in: ${JSON.stringify(formatPolicyError(e)).slice(0, 300)}`;
    if (formatPolicyError(e).includes("\n")) return "an error spans several lines";
    if (e.message.includes("could not be validated")) return `a library threw inside the loader: ${e.message}`;
  }
  return null;
}

export function fuzzPolicies(options: FuzzOptions): FuzzReport {
  const rand = seededRandom(options.seed);
  const seeds = corpus(options.root);
  const report: FuzzReport = { iterations: 0, valid: 0, invalid: 0, findings: [], slowestMs: 0 };
  const slowMs = options.slowMs ?? 2000;
  for (let i = 0; i < options.iterations; i++) {
    let text = pick(rand, seeds).text;
    const rounds = 1 + Math.floor(rand() * 4);
    for (let r = 0; r < rounds; r++) text = mutate(rand, text);
    const started = performance.now();
    const problem = checkOne(text);
    const ms = performance.now() - started;
    report.slowestMs = Math.max(report.slowestMs, ms);
    report.iterations++;
    if (problem === null && loadPolicy(text, "x").ok) report.valid++;
    else report.invalid++;
    const found = problem ?? (ms > slowMs ? `took ${Math.round(ms)} ms` : null);
    if (found !== null) report.findings.push({ iteration: i, problem: found, text: text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : text });
  }
  return report;
}
