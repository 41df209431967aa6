/** Issue 8, point 11 (b)–(d): never-matching patterns, the root anchor, over-long globs, escaped errors. */
import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { escapeText, hasUnsafeText, quote } from "../src/engine/escape.js";
import { formatPolicyError, loadPolicy } from "../src/engine/policy/load.js";
import type { Policy } from "../src/engine/types.js";
import { agentPull, ok } from "./helpers/decision-fixtures.js";

const FILE = ".github/agent-policy.yml";

function errorsOf(yaml: string): string[] {
  const r = loadPolicy(yaml, FILE);
  return r.ok ? [] : r.errors.map(formatPolicyError);
}

/** The pattern first in `match` (line 3, column 13); an exclusion gets a "**" after it, so the rule is not exclusions only. */
const rule = (pattern: string) => `version: 1\npaths:\n  - match: [${JSON.stringify(pattern)}${pattern.startsWith("!") ? ', "**"' : ""}]\n    action: block\n`;

describe("patterns that can never match are errors with file:line:column and a suggestion", () => {
  const table: [pattern: string, problem: string, suggestion?: string][] = [
    ["./README.md", '"." segment', "README.md"],
    ["../x", '".." segment', "x"],
    ["src/../x", '".." segment', "src/x"],
    ["src\\main.ts", "backslash", "src/main.ts"],
    ["!", 'excludes nothing'],
    ["docs/", 'trailing "/"', "docs/**"],
    ["a//b", "empty segment", "a/b"],
    ["//x", "empty segment", "x"],
    ["!./x", '"." segment', "!x"],
    ["{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}", "braces expand"],
  ];
  for (const [pattern, problem, suggestion] of table) {
    it(pattern, () => {
      const errors = errorsOf(rule(pattern));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^\.github\/agent-policy\.yml:3:13: pattern /);
      expect(errors[0]).toContain("can never match");
      expect(errors[0]).toContain(problem);
      if (suggestion !== undefined) expect(errors[0]).toContain(`did you mean ${quote(suggestion)}?`);
    });
  }

  it("an empty pattern is the schema's error (non-empty string), at its position", () => {
    expect(errorsOf(rule(""))[0]).toMatch(/^\.github\/agent-policy\.yml:3:13: expected a non-empty string/);
  });

  it("branch lists are checked too: targets, and agents.define[].branches (where a leading / never matches)", () => {
    expect(errorsOf(`version: 1\npaths:\n  - match: ["**"]\n    targets: ["release/"]\n    action: block\n`)[0]).toMatch(/:4:15: pattern "release\/" at paths\[0\]\.targets\[0\] can never match/);
    const define = `version: 1\nagents:\n  define:\n    - id: acme\n      branches: ["/acme-ai/**"]\n`;
    expect(errorsOf(define)[0]).toMatch(/:5:18: pattern "\/acme-ai\/\*\*" .* branch names never start with "\/" — did you mean "acme-ai\/\*\*"\?/);
  });

  it("a 70 KB glob or define pattern is a validation error, not minimatch's 'pattern is too long'", () => {
    const long = "a".repeat(70_000);
    expect(errorsOf(rule(long))[0]).toMatch(/:3:13: expected a non-empty string of at most 1024 characters at paths\[0\]\.match\[0\], got "a+"… \(70000 characters\)$/);
    const define = `version: 1\nagents:\n  define:\n    - id: acme\n      branches: ["${long}"]\n      emails: ["${long}"]\n`;
    const errors = errorsOf(define);
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e).toContain("at most 1024 characters");
  });
});

describe("a leading / anchors at the repository root (CODEOWNERS)", () => {
  const loaded = loadPolicy(`version: 1\npaths:\n  - match: ["/action.yml", "/docs/**"]\n    action: block\n`, FILE);

  it("is valid, and blocks exactly the root file", () => {
    expect(loaded.ok).toBe(true);
    const p = (loaded as { policy: Policy }).policy;
    const d = decide({ facts: agentPull(["action.yml", "sub/action.yml", "docs/a.md", "x/docs/a.md"]), policy: ok(p), approvals: [] });
    expect(d.files.map((f) => [f.path, f.action])).toEqual([
      ["action.yml", "block"],
      ["sub/action.yml", "approve"],
      ["docs/a.md", "block"],
      ["x/docs/a.md", "approve"],
    ]);
    expect(d.conclusion).toBe("failure");
  });
});

describe("untrusted text in errors is escaped visibly (issue 8, 11d)", () => {
  const nasty = ["\u001b[31mred", "a\u0000b", "a\rb", "a\nb", "a\u2028b", "a\u0085b", "a\u202eb", "a\u2066b", "a\ufeffb", "a\ud800b"];
  for (const key of nasty) {
    it(`${JSON.stringify(key)} as an unknown key: one line, no raw control or bidi character`, () => {
      const errors = errorsOf(`version: 1\n${JSON.stringify(key)}: 1\n`);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^\.github\/agent-policy\.yml:2:1: unknown key "/);
      expect(hasUnsafeText(errors[0]!)).toBe(false);
      expect(errors[0]).toContain(escapeText(key));
    });
  }

  it("as a value and as an _extends-style file name", () => {
    const errors = errorsOf('version: 1\ndefault: "\\e]0;pwned\\a"\n');
    expect(errors[0]).toContain('got "\\x1b]0;pwned\\x07"');
    const r = loadPolicy("version: 2\n", "evil\u001b[2J.yml");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.file).toBe("evil\\x1b[2J.yml");
  });

  it("escapeText is idempotent and leaves ordinary text alone", () => {
    const once = escapeText("a\u001b\u202eb — ≥ ü 😀");
    expect(once).toBe("a\\x1b\\u202eb — ≥ ü 😀");
    expect(escapeText(once)).toBe(once);
    expect(escapeText("tab\tand\nline", { whitespace: "space" })).toBe("tab and line");
  });
});
