import { minimatch } from "minimatch";
import { describe, expect, it } from "vitest";
import { compilePolicy, matchFile, matchFiles, matchPath } from "../src/engine/decide/match.js";
import type { PathRule } from "../src/engine/types.js";
import { policy } from "./helpers/decision-fixtures.js";

const MM = { dot: true, nonegate: true, nocomment: true };

function compiled(paths: PathRule[], dflt: "approve" | "allow" | "block" = "approve") {
  return compilePolicy(policy({ paths, default: dflt }));
}

describe("glob semantics are minimatch's with dot: true", () => {
  // The fast path translates simple globs to RegExps; every answer must equal minimatch's own.
  const patterns = [
    "**", "*", "*.md", "**/*.md", "docs/**", "docs/*", "docs", "docs/**/*.md", "a/**/b", "**/x", "**/x/**",
    ".github/workflows/**", ".github/**/*.yml", "src/**/test/**", "{a,b}/**", "src/{x,y/z}/*.ts", "*.{tf,tfvars}",
    "infra/**/*.tf", "a?c", "a/*/c", "**/.env*", "x*y*z", "a/**/**/b", "**/*", "@types/**", "pkg+x/**", "#legacy/**",
    "docs/[ab]*.md", "src/**/!(*.test).ts", "a\\*b", "+(a|b)/**", "a/../b", "a//b", "./a", "docs/", "",
    "file.txt", "**/package.json", "dir with space/**", "ünï/**", "a{b", "{1..3}/x", "src/index.ts", "Makefile",
    "**/Makefile", "docs/*.md", "*.", "**/*.tar.gz", "{docs,src}/**/*.{md,ts}", "src/**/*.test.ts", "a/b", "a/b/**",
  ];
  const paths = [
    "a", "b", "x", "a/b", "a/x/b", "a/x/y/b", "docs", "docs/readme.md", "docs/a/b.md", "docs/.hidden",
    "README.md", ".github/workflows/ci.yml", ".github/actions/a/action.yml", ".github/agent-policy.yml",
    "src/test/x.ts", "src/a/test/b/c.ts", "src/x/m.ts", "src/y/z/m.ts", "main.tf", "x.tfvars", "infra/main.tf",
    "infra/mod/a.tf", "abc", "a/b/c", "a/bb/c", ".env", "config/.env.local", "xayaz", "x/y", "node_modules/@types/n/index.d.ts",
    "@types/n/index.d.ts", "pkg+x/a", "#legacy/a", "docs/a1.md", "docs/c1.md", "src/a.test.ts", "src/a.ts", "a*b", "a/x",
    "b/x", "a/./b", "a/../b", "/abs", "trailing/", "dir with space/f", "ünï/f", "a{b", "1/x", "2/x", "file.txt",
    "packages/p/package.json", "package.json", "a\\b", ".md", "docs/.md", "Makefile", "sub/Makefile", "src/index.ts",
    "x.tar.gz", "a/x.tar.gz", "a.", "src/a/b.test.ts", "a/b/c/d", "docs/sub/a.md",
  ];
  for (const pattern of patterns) {
    it(`pattern ${JSON.stringify(pattern)}`, () => {
      const c = compiled([{ match: [pattern], action: "block" }], "allow");
      for (const path of paths) {
        const expected = minimatch(path, pattern, MM);
        expect({ path, matched: matchPath(c, path, "main").action === "block" }).toEqual({ path, matched: expected });
      }
    });
  }

  it("first match over all patterns as rules equals a brute-force minimatch scan (the index is exact)", () => {
    // Every pattern becomes a rule, some with an exclusion, in two orders; the candidate index must
    // never skip a rule that minimatch would match.
    for (const order of [patterns, [...patterns].reverse()]) {
      const rules: PathRule[] = order.map((p, i) => ({ match: i % 4 === 0 ? [p, "!**/*.ts"] : [p], action: "block" }));
      const c = compiled(rules, "allow");
      for (const path of paths) {
        const expected = rules.findIndex((r) => r.match.some((m) => !m.startsWith("!") && minimatch(path, m, MM)) && !r.match.some((m) => m.startsWith("!") && minimatch(path, m.slice(1), MM)));
        expect({ path, rule: matchPath(c, path, "main").rule }).toEqual({ path, rule: expected === -1 ? null : expected });
      }
    }
  });
});

describe("path rules", () => {
  const table: { name: string; rules: PathRule[]; dflt?: "approve" | "allow" | "block"; path: string; base?: string; expect: unknown }[] = [
    {
      name: "first matching rule wins",
      rules: [{ match: ["docs/**"], action: "allow" }, { match: ["**"], action: "block" }],
      path: "docs/a.md",
      expect: { action: "allow", rule: 0, pattern: "docs/**" },
    },
    {
      name: "later rule when the first does not match",
      rules: [{ match: ["docs/**"], action: "allow" }, { match: ["**/*.ts"], action: "block", reason: "no" }],
      path: "src/a.ts",
      expect: { action: "block", rule: 1, pattern: "**/*.ts", reason: "no" },
    },
    {
      name: "default when nothing matches",
      rules: [{ match: ["docs/**"], action: "allow" }],
      dflt: "block",
      path: "src/a.ts",
      expect: { action: "block", rule: null },
    },
    {
      name: "`!` excludes a file from the rule",
      rules: [{ match: ["docs/**", "!docs/secret/**"], action: "allow" }],
      path: "docs/secret/key.md",
      expect: { action: "approve", rule: null },
    },
    {
      name: "`!` does not exclude other files",
      rules: [{ match: ["docs/**", "!docs/secret/**"], action: "allow" }],
      path: "docs/public.md",
      expect: { action: "allow", rule: 0, pattern: "docs/**" },
    },
    {
      name: "a rule of only `!` patterns matches nothing",
      rules: [{ match: ["!docs/**"], action: "block" }],
      dflt: "allow",
      path: "src/a.ts",
      expect: { action: "allow", rule: null },
    },
    {
      name: "targets: rule applies on a matching base branch",
      rules: [{ match: ["**"], targets: ["release/**"], action: "block" }],
      path: "src/a.ts",
      base: "release/1.2",
      expect: { action: "block", rule: 0, pattern: "**" },
    },
    {
      name: "targets: rule skipped on another base branch",
      rules: [{ match: ["**"], targets: ["release/**"], action: "block" }],
      path: "src/a.ts",
      base: "main",
      expect: { action: "approve", rule: null },
    },
    {
      name: "targets: `!` excludes a branch",
      rules: [{ match: ["**"], targets: ["release/**", "!release/legacy"], action: "block" }],
      path: "src/a.ts",
      base: "release/legacy",
      expect: { action: "approve", rule: null },
    },
    {
      name: "dotfiles match `**` (dot: true)",
      rules: [{ match: ["**"], action: "block" }],
      path: ".github/workflows/ci.yml",
      expect: { action: "block", rule: 0, pattern: "**" },
    },
    {
      name: "rule index is the policy's, also after rules skipped by targets",
      rules: [{ match: ["src/**"], targets: ["release/*"], action: "block" }, { match: ["src/**"], action: "allow" }],
      path: "src/a.ts",
      expect: { action: "allow", rule: 1, pattern: "src/**" },
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      expect(matchPath(compiled(t.rules, t.dflt), t.path, t.base ?? "main")).toEqual(t.expect);
    });
  }
});

describe("files: renames and the policy file", () => {
  const rulesA: PathRule[] = [
    { match: [".github/workflows/**"], action: "block", reason: "Agents may not change CI." },
    { match: ["docs/**", ".github/**"], action: "allow" },
  ];
  it("a rename is judged by the stricter of its two names (moving a workflow out is blocked)", () => {
    const out = matchFile(compiled(rulesA), { path: "docs/ci.yml", previousPath: ".github/workflows/ci.yml", status: "renamed" }, "main");
    expect(out).toEqual({ path: "docs/ci.yml", previousPath: ".github/workflows/ci.yml", action: "block", rule: 0, pattern: ".github/workflows/**", reason: "Agents may not change CI." });
  });
  it("a rename into a protected directory is blocked by the new name", () => {
    const out = matchFile(compiled(rulesA), { path: ".github/workflows/x.yml", previousPath: "docs/x.yml" }, "main");
    expect(out.action).toBe("block");
  });
  it("equal actions keep the new name's rule", () => {
    const out = matchFile(compiled([{ match: ["docs/**"], action: "allow" }, { match: ["guide/**"], action: "allow" }]), { path: "guide/a.md", previousPath: "docs/a.md" }, "main");
    expect(out).toMatchObject({ action: "allow", rule: 1 });
  });
  it("the policy file is never allow: allow becomes approve with rule policy-file", () => {
    const out = matchFile(compiled(rulesA, "allow"), { path: ".github/agent-policy.yml" }, "main");
    expect(out).toMatchObject({ action: "approve", rule: "policy-file" });
  });
  it("the policy file is never allow, also when renamed away", () => {
    const out = matchFile(compiled([], "allow"), { path: "old-policy.yml", previousPath: ".github/agent-policy.yml" }, "main");
    expect(out).toMatchObject({ action: "approve", rule: "policy-file" });
  });
  it("a block on the policy file stays block", () => {
    const out = matchFile(compiled([{ match: [".github/agent-policy.yml"], action: "block" }], "allow"), { path: ".github/agent-policy.yml" }, "main");
    expect(out).toMatchObject({ action: "block", rule: 0 });
  });
  it("matchFiles equals matchFile per file", () => {
    const c = compiled(rulesA);
    const files = [{ path: "a" }, { path: "docs/b", previousPath: ".github/workflows/x" }, { path: ".github/agent-policy.yml" }];
    expect(matchFiles(c, files, "main")).toEqual(files.map((f) => matchFile(c, f, "main")));
  });
  it("compiles a policy object once", () => {
    const p = policy({ paths: rulesA });
    expect(compilePolicy(p)).toBe(compilePolicy(p));
  });
});
