/**
 * Issue 8 (glob), point 1: the globs the fast path of src/engine/decide/match.ts leaves to minimatch
 * (classes, escapes, extglobs) and detection's branch and e-mail globs (src/engine/detect/compile.ts),
 * against megabyte inputs built to make a backtracking matcher blow up. The issue expected minimatch
 * to compile to a JS RegExp (`+(a|aa)` exponential on `aaaa…ab`, `*[a]*[a]*[a]*[a]*b` polynomial);
 * minimatch 11 (pinned) matches each path segment with @isaacs/nonrecursive-glob-match, a Thompson
 * NFA (time ∝ segment length × pattern length, no backtracking), and walks `**` with a memo of the
 * (section, segment) places already tried. These tests refute the blow-up for every case: a
 * backtracking matcher would not finish them in years, so there is no timing assertion
 * (test/pathological-input.test.ts explains the harness; `npm run bench` prints the speed).
 *
 * What is confirmed instead is a false negative: past 200 `**` sections minimatch stops looking and
 * answers "no match" on purpose, which would silently disable a `block` rule. The policy loader
 * refuses such patterns (src/engine/policy/patterns.ts, MAX_GLOBSTARS).
 */
import { Minimatch } from "minimatch";
import { describe, expect, it } from "vitest";
import { compilePolicy, matchFiles } from "../src/engine/decide/match.js";
import { detectAgents } from "../src/engine/detect.js";
import { BUILTIN_DETECTION_CONFIG } from "../src/engine/decide/detection-config.js";
import { formatPolicyError, loadPolicy } from "../src/engine/policy/load.js";
import type { DetectionConfig, Policy } from "../src/engine/types.js";
import { commit, humanPull } from "./helpers/decision-fixtures.js";

const MB = 1 << 20;
const FILE = ".github/agent-policy.yml";

function load(yaml: string): Policy {
  const r = loadPolicy(yaml, FILE);
  if (!r.ok) throw new Error(r.errors.map(formatPolicyError).join("\n"));
  return r.policy;
}

function errorsOf(yaml: string): string[] {
  const r = loadPolicy(yaml, FILE);
  return r.ok ? [] : r.errors.map(formatPolicyError);
}

/** One `block` rule per pattern (rule i = pattern i), validated by the real loader. */
function blockRules(patterns: string[], targets?: string[]): Policy {
  const t = targets ? `\n    targets: ${JSON.stringify(targets)}` : "";
  return load(`version: 1\npaths:\n${patterns.map((p) => `  - match: [${JSON.stringify(p)}]\n    action: block${t}\n`).join("")}default: allow\n`);
}

const ruleOf = (p: Policy, path: string, base = "main") => matchFiles(compilePolicy(p), [{ path }], base)[0]!.rule;

describe("classes and extglobs (minimatch's part of the path matcher) on megabyte paths", () => {
  const a = "a".repeat(MB);
  const cases: { pattern: string; miss: string; hit: string }[] = [
    // The issue's exponential case: alternation under a repetition, on a…ab.
    { pattern: "+(a|aa)", miss: `${a}b`, hit: a },
    { pattern: "*(a|aa)b", miss: `${a}c`, hit: `${a}b` },
    { pattern: "+(+(a|aa)|aaa)c", miss: `${a}bc`, hit: `${a}c` },
    // The issue's polynomial case: stars with classes between them, and a last character that fails late.
    { pattern: "*[a]*[a]*[a]*[a]*b", miss: a, hit: `${a}b` },
    { pattern: "*[a]*[a]*[a]*[a]*[c]*b", miss: `${a}b`, hit: `${a}cb` },
    // (A leading `@` names a path set and a leading `!` excludes, so these extglobs come second.)
    { pattern: "?@(a|aa)*a*a*a*a*c*b", miss: `${a}b`, hit: `${a}cb` },
    { pattern: "a!(*a*a*a*c)", miss: `${a}c`, hit: `${a}b` },
    { pattern: "a*(a)*(a)*(a)*(a)*(a)*(a)b", miss: `${a}c`, hit: `${a}b` },
    { pattern: "*[[:alpha:]]*[[:alpha:]]*[[:digit:]]", miss: a, hit: `${a}1` },
    // `**` sections with classes, across 500,000 segments.
    { pattern: "**/[a]/**/[a]/**/[c]/**/[b]", miss: `${"a/".repeat(MB / 2)}b`, hit: `${"a/".repeat(MB / 2)}c/b` },
    { pattern: "**/*[a]*/**/*[a]*/**/*[c]*/**/b", miss: `${"a/".repeat(MB / 2)}b`, hit: `${"a/".repeat(MB / 2)}c/b` },
  ];
  for (const c of cases) {
    it(`${c.pattern}: a megabyte that does not match, and one that does`, () => {
      expect(c.miss.length).toBeGreaterThanOrEqual(MB);
      const p = blockRules([c.pattern]);
      expect(ruleOf(p, c.miss)).toBeNull();
      expect(ruleOf(p, c.hit)).toBe(0);
    });
  }

  it("a megabyte base branch against a `targets` extglob and class pattern", () => {
    const p = blockRules(["src/**"], ["+(r|re)lease/*[0-9]*[0-9]*x"]);
    expect(ruleOf(p, "src/a", `${"re".repeat(MB / 2)}lease/1`)).toBeNull();
    expect(ruleOf(p, "src/a", "re".repeat(MB / 2))).toBeNull();
    expect(ruleOf(p, "src/a", "release/1.2x")).toBe(0);
  });
});

describe("detection's branch and e-mail globs on megabyte inputs", () => {
  const config = (def: Record<string, unknown>): DetectionConfig => ({ ...BUILTIN_DETECTION_CONFIG, define: [{ id: "acme", name: "Acme", ...def }] });

  it("a head branch of a megabyte against `+(a|aa)-bot/**` and `*[a]*[a]*[a]*[a]*b`", () => {
    const cfg = config({ branches: ["+(a|aa)-bot/**", "*[a]*[a]*[a]*[a]*b"] });
    const pr = (headRef: string) => humanPull(["src/a.ts"], { headRef });
    expect(detectAgents(pr(`${"a".repeat(MB)}b-bot`), cfg).agentAuthored).toBe(false);
    expect(detectAgents(pr(`${"a".repeat(MB)}c`), cfg).agentAuthored).toBe(false);
    expect(detectAgents(pr(`${"a".repeat(MB)}-bot/x`), cfg).agents.map((x) => x.id)).toContain("acme");
    expect(detectAgents(pr(`${"a".repeat(MB)}b`), cfg).agents.map((x) => x.id)).toContain("acme");
  });

  it("a commit e-mail of a megabyte against `*[a]*[a]*[a]*@agents.acme.example`, `*+*+*+*@*.*.*.x` and escapes", () => {
    const cfg = config({ emails: ["*[a]*[a]*[a]*@agents.acme.example", "*+*+*+*@*.*.*.x", "*\\**\\**\\*@x.example"] });
    const pr = (email: string) => humanPull(["src/a.ts"], { commits: [commit("d".repeat(40), { name: "Dev", email, login: null }, "Fix")] });
    expect(detectAgents(pr(`${"a".repeat(MB)}@agents.acme.example.org`), cfg).agentAuthored).toBe(false);
    expect(detectAgents(pr(`${"a+".repeat(MB / 2)}@b.c`), cfg).agentAuthored).toBe(false);
    expect(detectAgents(pr(`${"A".repeat(MB)}@Agents.Acme.Example`), cfg).agents.map((x) => x.id)).toContain("acme");
    expect(detectAgents(pr(`${"*".repeat(MB)}@y.example`), cfg).agentAuthored).toBe(false);
    expect(detectAgents(pr(`${"*".repeat(MB)}@x.example`), cfg).agents.map((x) => x.id)).toContain("acme");
  });
});

describe("an e-mail glob is an address pattern, never minimatch's negation or comment", () => {
  const cfg = { ...BUILTIN_DETECTION_CONFIG, define: [{ id: "acme", name: "Acme", emails: ["!*@acme.example", "#*@acme.example"] }] } as unknown as DetectionConfig;
  const pr = (email: string) => humanPull(["src/a.ts"], { commits: [commit("d".repeat(40), { name: "Dev", email, login: null }, "Fix")] });

  it("`!*@acme.example` does not make every other address an agent's; it matches `!bot@acme.example`", () => {
    expect(detectAgents(pr("alice@example.com"), cfg).agentAuthored).toBe(false);
    expect(detectAgents(pr("!bot@acme.example"), cfg).agents.map((x) => x.id)).toContain("acme");
  });

  it("`#*@acme.example` is not a comment that matches nothing", () => {
    expect(detectAgents(pr("#ci@acme.example"), cfg).agents.map((x) => x.id)).toContain("acme");
  });
});

describe("define branches have no exclusions", () => {
  it("a leading ! is a validation error (minimatch would read it as every other branch)", () => {
    const errors = errorsOf(`version: 1\nagents:\n  define:\n    - id: acme\n      branches: ["!main"]\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/:5:18: pattern "!main" at agents\.define\[0\]\.branches\[0\] starts with "!" — expected the agent's own branches/);
    // A negated minimatch glob matches every other branch: what the error prevents.
    expect(new Minimatch("!main", { dot: true }).match("feature/alice")).toBe(true);
  });
});

describe("confirmed: past 200 `**` sections minimatch answers no match on purpose, so the loader refuses them", () => {
  const sections = (n: number) => `${Array.from({ length: n }, () => "**/a").join("/")}/**/[b]`;
  const path = (n: number) => `${"a/".repeat(n)}b`;

  it("minimatch itself: 150 sections match, 201 sections do not, on a path both should match", () => {
    expect(new Minimatch(sections(150), { dot: true, nonegate: true, nocomment: true }).match(path(150))).toBe(true);
    expect(new Minimatch(sections(201), { dot: true, nonegate: true, nocomment: true }).match(path(201))).toBe(false);
    expect(sections(201).length).toBeLessThanOrEqual(1024);
  });

  it("a pattern with more than 64 `**` is a validation error at its line and column, with a suggestion", () => {
    const errors = errorsOf(`version: 1\npaths:\n  - match: [${JSON.stringify(sections(201))}]\n    action: block\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\.github\/agent-policy\.yml:3:13: pattern "\*\*\/a\/.*" at paths\[0\]\.match\[0\] has 202 `\*\*` segments/);
    expect(errors[0]).toContain("at most 64");
    // Targets, define branches and define e-mails are refused alike.
    const many = "**/".repeat(70) + "x";
    expect(errorsOf(`version: 1\npaths:\n  - match: ["**"]\n    targets: [${JSON.stringify(many)}]\n    action: block\n`)[0]).toMatch(/:4:15: .* has 70 `\*\*` segments/);
    const define = `version: 1\nagents:\n  define:\n    - id: acme\n      branches: [${JSON.stringify(many)}]\n      emails: [${JSON.stringify(many)}]\n`;
    const de = errorsOf(define);
    expect(de).toHaveLength(2);
    expect(de[0]).toMatch(/:5:18: .*agents\.define\[0\]\.branches\[0\] has 70 `\*\*`/);
    expect(de[1]).toMatch(/:6:16: .*agents\.define\[0\]\.emails\[0\] has 70 `\*\*`/);
  });

  it("64 `**` segments are accepted and match as written", () => {
    const p = blockRules([`${"**/a/".repeat(63)}**/[b]`]);
    expect(ruleOf(p, `${"a/".repeat(63)}b`)).toBe(0);
    expect(ruleOf(p, `${"a/".repeat(62)}b`)).toBeNull();
  });
});
