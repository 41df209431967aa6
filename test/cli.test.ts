import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { HUMAN, createRepo, isolatedGitEnv, tempDir } from "./helpers/git-repo.js";
import type { TestRepo } from "./helpers/git-repo.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "bin", "agent-gate.js");
const POLICY = ".github/agent-policy.yml";
const TRAILER = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], cwd: string, env: Record<string, string | undefined>): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd,
    env,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

const run = (r: TestRepo, ...args: string[]): Promise<Run> => cli(args, r.dir, r.env);

/** stdout of `check --format json`, parsed (fails the test with the CLI's stderr otherwise). */
async function checkJson(r: TestRepo, ...args: string[]): Promise<{ code: number; json: JsonOut; stderr: string }> {
  const out = await run(r, "check", "--format", "json", ...args);
  let json: JsonOut;
  try {
    json = JSON.parse(out.stdout) as JsonOut;
  } catch {
    throw new Error(`no JSON on stdout (exit ${out.code}); stderr: ${out.stderr}`);
  }
  return { code: out.code, json, stderr: out.stderr };
}

interface JsonOut {
  range: { base: string; baseSha: string; baseBranch: string | null; head: string; headSha: string };
  conclusion: string;
  commits: { sha: string; agents: { id: string }[]; evidence: { signal: string; value: string }[] }[];
  files: { path: string; previousPath?: string | null; action: string; rule: number | null | "policy-file" }[];
  [key: string]: unknown;
}

/** A repository whose main branch carries `policy` (when given), with a feature branch checked out. */
function repoWithPolicy(policy: string | null, initial: Record<string, string> = {}): TestRepo {
  const r = createRepo({ initial: { ...initial, ...(policy === null ? {} : { [POLICY]: policy }) } });
  r.branch("feature");
  return r;
}

const DOCS_ALLOWED = `version: 1
paths:
  - match: [".github/workflows/**"]
    action: block
    reason: "Agents may not change CI."
  - match: ["docs/**", "**/*.md"]
    action: allow
default: approve
`;

describe("agent-gate check", () => {
  it("exits 0 when no coding agent took part", async () => {
    const r = repoWithPolicy(null);
    r.commit("Add feature", { files: { "src/a.ts": "export {};\n" } });
    const out = await run(r, "check", "--base", "main");
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^PASS: .*\nRange: main\.\.HEAD, 1 commit, 1 changed file \(base [0-9a-f]{12}, head [0-9a-f]{12}\)\n/);
    expect(out.stdout.toLowerCase()).toContain("no coding agent");
  });

  it("exits 0 for a Claude commit touching only paths the policy allows", async () => {
    const r = repoWithPolicy(DOCS_ALLOWED);
    const sha = r.commit(`Document the API${TRAILER}`, { files: { "docs/api.md": "# API\n" } });
    const { code, json } = await checkJson(r, "--base", "main");
    expect(json.conclusion).toBe("success");
    expect(code).toBe(0);
    expect(json.commits).toHaveLength(1);
    expect(json.commits[0]?.sha).toBe(sha);
    expect(json.commits[0]?.agents.map((a) => a.id)).toEqual(["claude-code"]);
    expect(json.commits[0]?.evidence.map((e) => e.signal)).toContain("trailer");
    expect(json.files).toEqual([expect.objectContaining({ path: "docs/api.md", action: "allow", rule: 1 })]);
  });

  it("exits 2 when an agent commit touches a blocked path, naming the file and the reason", async () => {
    const r = repoWithPolicy(DOCS_ALLOWED);
    r.commit(`Speed up CI${TRAILER}`, { files: { ".github/workflows/x.yml": "on: push\n", "docs/ci.md": "x\n" } });
    const out = await run(r, "check", "--base", "main");
    expect(out.code).toBe(2);
    expect(out.stdout).toContain(".github/workflows/x.yml");
    expect(out.stdout).toContain("Agents may not change CI.");
  });

  it("exits 1 (approval needed) under the built-in default policy", async () => {
    const r = repoWithPolicy(null);
    r.commit(`Refactor${TRAILER}`, { files: { "src/a.ts": "export const a = 1;\n" } });
    const { code, json } = await checkJson(r, "--base", "main");
    expect(json.conclusion).toBe("action_required");
    expect(code).toBe(1);
    expect(JSON.stringify(json)).toContain("built-in default");
  });

  it("detects the agent from the head branch name alone", async () => {
    const r = createRepo();
    r.branch("claude/fix-typo");
    r.commit("Fix typo", { files: { "src/a.ts": "x\n" } });
    const { code, json } = await checkJson(r, "--base", "main");
    expect(code).toBe(1);
    expect(JSON.stringify(json)).toContain("claude/fix-typo");
  });

  it("reads the policy from the base ref: a head commit that relaxes it does not take effect", async () => {
    const strict = `version: 1
paths:
  - match: ["src/**"]
    action: block
    reason: "Agents may not touch src."
default: allow
`;
    const relaxed = strict.replace("action: block", "action: allow");
    const r = repoWithPolicy(strict);
    r.commit(`Relax the policy and change src${TRAILER}`, { files: { [POLICY]: relaxed, "src/a.ts": "x\n" } });
    // An uncommitted copy in the working tree is not read either.
    r.write(POLICY, "version: 1\nenabled: false\n");
    const { code, json } = await checkJson(r, "--base", "main");
    expect(code).toBe(2);
    expect(json.files).toContainEqual(expect.objectContaining({ path: "src/a.ts", action: "block", rule: 0 }));
    // The head's copy is validated and reported, never applied.
    expect(json.headPolicy).toEqual({ status: "valid" });

    const text = await run(r, "check", "--base", "main");
    expect(text.code).toBe(2);
    expect(text.stdout).toContain("main:.github/agent-policy.yml");
    expect(text.stdout).toContain(
      "This range changes .github/agent-policy.yml: the new version is valid, but it is not applied here (the policy comes from main:.github/agent-policy.yml).",
    );
  });

  it("reports an invalid head copy of the policy with its line and column", async () => {
    const r = repoWithPolicy(DOCS_ALLOWED);
    r.commit(`Break the policy${TRAILER}`, { files: { [POLICY]: "version: 1\npaths:\n  - match: [\"x\"]\n    acton: allow\n" } });
    const { json } = await checkJson(r, "--base", "main");
    const head = json.headPolicy as { status: string; errors: { file: string; line: number; column: number }[] };
    expect(head.status).toBe("invalid");
    expect(head.errors).toContainEqual({
      file: "HEAD:.github/agent-policy.yml",
      line: 4,
      column: 5,
      message: expect.stringContaining("acton"),
    });
    const text = await run(r, "check", "--base", "main");
    expect(text.stdout).toContain("HEAD:.github/agent-policy.yml:4:5");
  });

  it("exits 3 with file:line:column when the base policy is invalid, even for human work", async () => {
    const r = repoWithPolicy("version: 1\ndefault: approve\naproval:\n  count: 2\n");
    r.commit("Human change", { files: { "src/a.ts": "x\n" } });
    const out = await run(r, "check", "--base", "main");
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/^main:\.github\/agent-policy\.yml:3:1: .*aproval/m);
    expect(out.stdout).toContain("aproval");
  });

  it("lets a human PR repair an invalid base policy (SPEC §4 rule 0)", async () => {
    const r = repoWithPolicy("version: 1\naproval:\n  count: 2\n");
    r.commit("Fix the policy", { files: { [POLICY]: "version: 1\napproval:\n  count: 2\n" } });
    const { code, json } = await checkJson(r, "--base", "main");
    expect(json.repairsPolicy).toBe(true);
    expect(code).toBe(0);
  });

  it("refuses a base policy it cannot read whole: _extends offline, or a directory", async () => {
    const r = repoWithPolicy("_extends: acme/.github:policies/strict.yml\nversion: 1\ndefault: allow\n");
    r.commit(`Change${TRAILER}`, { files: { "src/a.ts": "x\n" } });
    const ext = await run(r, "check", "--base", "main");
    expect(ext.code).toBe(3);
    expect(ext.stderr).toBe(
      'agent-gate: cannot read policy main:.github/agent-policy.yml: it extends "acme/.github:policies/strict.yml", which cannot be read offline; pass the complete policy with --policy FILE (a file without `_extends`)\n',
    );

    const d = createRepo({ initial: { [`${POLICY}/oops.yml`]: "version: 1\n" } });
    d.branch("feature");
    d.commit(`Change${TRAILER}`, { files: { "src/a.ts": "x\n" } });
    const dir = await run(d, "check", "--base", "main");
    expect(dir.code).toBe(3);
    expect(dir.stderr).toMatch(/^agent-gate: cannot read policy main:\.github\/agent-policy\.yml: .*is a tree, not a file\n$/);
  });

  it("applies `targets` rules by the base branch name", async () => {
    const policy = `version: 1
paths:
  - match: ["**"]
    targets: ["release/**"]
    action: block
    reason: "Release branches are frozen for agents."
default: allow
`;
    const r = createRepo({ initial: { [POLICY]: policy } });
    r.git("branch", "release/1.0");
    r.git("update-ref", "refs/remotes/origin/release/1.0", r.git("rev-parse", "HEAD").trim());
    r.branch("feature");
    r.commit(`Backport${TRAILER}`, { files: { "src/a.ts": "x\n" } });
    expect((await run(r, "check", "--base", "main")).code).toBe(0);
    expect((await run(r, "check", "--base", "release/1.0")).code).toBe(2);
    const remote = await checkJson(r, "--base", "origin/release/1.0");
    expect(remote.code).toBe(2);
    expect(remote.json.range.baseBranch).toBe("release/1.0");

    // A commit id is not a branch: `targets` cannot be applied, so the result is never success…
    const sha = r.git("rev-parse", "main").trim();
    const bySha = await checkJson(r, "--base", sha);
    expect(bySha.json.conclusion).not.toBe("success");
    expect(bySha.code).not.toBe(0);
    expect(JSON.stringify(bySha.json)).toContain("--target");
    // …unless --target names the branch.
    expect((await run(r, "check", "--base", sha, "--target", "release/1.0")).code).toBe(2);
    expect((await run(r, "check", "--base", sha, "--target", "main")).code).toBe(0);
    // Human work is not held up: path rules only gate agent work.
    r.branch("human", "main");
    r.commit("Human backport", { files: { "src/b.ts": "y\n" } });
    expect((await run(r, "check", "--base", sha)).code).toBe(0);
  });

  it("a branch wins over a tag of the same name (`--base main`, `origin/main`, the default base)", async () => {
    // git resolves a bare name tag-first (gitrevisions(7)); a tag anyone can push must not supply the policy.
    const r = createRepo({ initial: { [POLICY]: "version: 1\ndefault: block\n" } });
    const branchTip = r.git("rev-parse", "main").trim();
    r.branch("lenient");
    const lenient = r.commit("Lenient policy", { files: { [POLICY]: "version: 1\ndefault: allow\n" } });
    r.git("tag", "main", lenient);
    r.git("tag", "-a", "-m", "annotated", "origin/main", lenient);
    r.git("update-ref", "refs/remotes/origin/main", branchTip);
    r.branch("feature", "refs/heads/main");
    r.commit(`Agent work${TRAILER}`, { files: { "src/a.ts": "x\n" } });
    // Without the fix the tag's lenient policy would apply: success.
    expect(r.git("rev-parse", "main").trim()).toBe(lenient);

    const viaBranch = await checkJson(r, "--base", "main");
    expect(viaBranch.code).toBe(2);
    expect(viaBranch.json.range).toMatchObject({ base: "refs/heads/main", baseSha: branchTip, baseBranch: "main" });
    expect(JSON.stringify(viaBranch.json)).toContain("refs/heads/main:.github/agent-policy.yml");
    expect(viaBranch.stderr).toBe("");

    const viaRemote = await checkJson(r, "--base", "origin/main");
    expect(viaRemote.code).toBe(2);
    expect(viaRemote.json.range).toMatchObject({ base: "refs/remotes/origin/main", baseSha: branchTip, baseBranch: "main" });

    // The default base tries `main`: the branch too. A suffix keeps the branch (`main~0` is main).
    expect((await run(r, "check")).code).toBe(2);
    expect((await checkJson(r, "--base", "main~0")).json.range).toMatchObject({ base: "refs/heads/main~0", baseSha: branchTip });
    // A tag asked for by its full name is still the tag.
    const viaTag = await checkJson(r, "--base", "refs/tags/main");
    expect(viaTag.json.range.baseSha).toBe(lenient);
    // Without a clash the name is shown as given.
    r.git("tag", "-d", "main");
    expect((await checkJson(r, "--base", "main")).json.range).toMatchObject({ base: "main", baseSha: branchTip });
  });

  it("still blocks a blocked file renamed to an allowed path (both names are judged)", async () => {
    const r = repoWithPolicy(DOCS_ALLOWED.replace("default: approve", "default: allow"), {
      ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    });
    r.commit(`Move CI docs${TRAILER}`, { renames: { ".github/workflows/ci.yml": "docs/ci.yml" } });
    const { code, json } = await checkJson(r, "--base", "main");
    expect(code).toBe(2);
    expect(json.files).toEqual([
      expect.objectContaining({ path: "docs/ci.yml", previousPath: ".github/workflows/ci.yml", action: "block" }),
    ]);
  });

  it("uses --policy FILE instead of the base ref's policy", async () => {
    const r = repoWithPolicy(null);
    r.commit(`Docs${TRAILER}`, { files: { "docs/a.md": "a\n" } });
    const file = path.join(tempDir(), "policy.yml");
    writeFileSync(file, DOCS_ALLOWED);
    expect((await run(r, "check", "--base", "main")).code).toBe(1);
    const out = await run(r, "check", "--base", "main", "--policy", file);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(file);
    const missing = await run(r, "check", "--base", "main", "--policy", "nope.yml");
    expect(missing).toMatchObject({ code: 3, stdout: "", stderr: "agent-gate: cannot read policy file nope.yml: no such file\n" });
    // An `_extends` file given with --policy: the way out is a complete file, not "--policy" again.
    const ext = path.join(tempDir(), "ext.yml");
    writeFileSync(ext, "_extends: acme/.github\nversion: 1\n");
    const extended = await run(r, "check", "--base", "main", "--policy", ext);
    expect(extended.code).toBe(3);
    expect(extended.stderr).toContain('it extends "acme/.github", which cannot be read offline; give --policy a file without `_extends`');
    expect(extended.stderr).not.toContain("pass the complete policy with --policy FILE");
  });

  it("prints the check summary as Markdown", async () => {
    const r = repoWithPolicy(DOCS_ALLOWED);
    r.commit(`CI${TRAILER}`, { files: { ".github/workflows/x.yml": "on: push\n" } });
    const out = await run(r, "check", "--base", "main", "--format", "markdown");
    expect(out.code).toBe(2);
    expect(out.stdout).toMatch(/^#+ .*Blocked/);
    expect(out.stdout).toContain("| `claude-code` | trailer |");
    expect(out.stdout).toContain("`.github/workflows/x.yml`");
  });

  it("json lists every commit with its agents and evidence, every file with its rule, and the decision", async () => {
    const r = repoWithPolicy(DOCS_ALLOWED);
    const human = r.commit("Human part", { files: { "src/h.ts": "h\n" } });
    const agent = r.commit(`Agent part${TRAILER}`, { files: { "docs/a.md": "a\n" } });
    const { code, json } = await checkJson(r, "--base", "main");
    expect(code).toBe(1);
    expect(json.range).toMatchObject({ base: "main", baseBranch: "main", head: "HEAD", headSha: agent });
    expect(json.commits.map((c) => c.sha)).toEqual([human, agent]);
    expect(json.commits[0]).toMatchObject({ sha: human, agents: [], evidence: [] });
    expect(json.commits[1]?.evidence).toContainEqual(
      expect.objectContaining({ signal: "trailer", value: expect.stringContaining("noreply@anthropic.com") }),
    );
    expect(json.files).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "src/h.ts", action: "approve", rule: null }),
        expect.objectContaining({ path: "docs/a.md", action: "allow", rule: 1 }),
      ]),
    );
    expect(json.conclusion).toBe("action_required");
  });

  it("picks origin/HEAD as the default base, then main", async () => {
    const r = repoWithPolicy(null);
    r.commit(`Agent${TRAILER}`, { files: { "src/a.ts": "x\n" } });
    const viaMain = await checkJson(r);
    expect(viaMain.json.range.base).toBe("main");
    // origin/HEAD → origin/main, which already contains the agent commit: nothing left to judge.
    r.git("update-ref", "refs/remotes/origin/main", r.git("rev-parse", "HEAD").trim());
    r.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main");
    const viaOrigin = await checkJson(r);
    expect(viaOrigin.json.range).toMatchObject({ base: "origin/HEAD", baseBranch: "main" });
    expect(viaOrigin.json.commits).toEqual([]);
    expect(viaOrigin.code).toBe(0);
  });

  it("says clearly when no default base exists", async () => {
    const r = createRepo();
    r.git("branch", "-m", "main", "trunk");
    const out = await run(r, "check");
    expect(out.code).toBe(3);
    expect(out.stderr).toBe(
      "agent-gate: no base ref: none of origin/HEAD, main, master, origin/main, origin/master exists; pass --base REF\n",
    );
  });

  it("fails with one line outside a repository and for unknown refs", async () => {
    const dir = tempDir();
    const outside = await cli(["check"], dir, isolatedGitEnv(dir));
    expect(outside).toEqual({ code: 3, stdout: "", stderr: `agent-gate: not a git repository: ${dir}\n` });

    const r = createRepo();
    const unknown = await run(r, "check", "--base", "nope");
    expect(unknown).toEqual({ code: 3, stdout: "", stderr: "agent-gate: unknown ref: nope\n" });
    const unknownHead = await run(r, "check", "--base", "main", "--head=--output=x");
    expect(unknownHead).toEqual({ code: 3, stdout: "", stderr: "agent-gate: unknown ref: --output=x\n" });
    expect(existsSync(path.join(r.dir, "x"))).toBe(false);
  });

  it("rejects bad usage with exit 3 and a pointer to --help", async () => {
    const r = createRepo();
    const format = await run(r, "check", "--format", "yaml");
    expect(format.code).toBe(3);
    expect(format.stderr).toBe(
      'agent-gate: unknown format "yaml" (expected text, json or markdown)\nRun "agent-gate check --help" for usage.\n',
    );
    const option = await run(r, "check", "--bse", "main");
    expect(option.code).toBe(3);
    expect(option.stderr).toBe(`agent-gate: Unknown option '--bse'\nRun "agent-gate check --help" for usage.\n`);
    expect((await run(r, "validate", "a.yml", "b.yml")).stderr).toBe(
      'agent-gate: unexpected argument: b.yml\nRun "agent-gate validate --help" for usage.\n',
    );
    const missing = await run(r, "check", "--base");
    expect(missing.code).toBe(3);
    expect(missing.stderr.split("\n")[0]).toMatch(/^agent-gate: .*--base/);
    expect((await run(r, "frobnicate")).stderr).toMatch(/^agent-gate: unknown command: frobnicate\n/);
    expect((await run(r)).code).toBe(3);
  });

  it("prints help and version", async () => {
    const r = createRepo();
    const help = await run(r, "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes:");
    expect(help.stdout).toMatch(/ 1 {2}approval needed/);
    // Every option of `check` is in the top-level usage too, --target included.
    for (const option of ["--base REF", "--head REF", "--policy FILE", "--target BRANCH", "--format"]) expect(help.stdout).toContain(option);
    const checkHelp = await run(r, "check", "--help");
    expect(checkHelp.stdout).toContain("--policy FILE");
    expect(checkHelp.stdout).toContain("never from the working");
    expect((await run(r, "validate", "-h")).stdout).toContain("Usage: agent-gate validate [FILE]");
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(await run(r, "--version")).toEqual({ code: 0, stdout: `agent-gate ${pkg.version}\n`, stderr: "" });
  });
});

describe("agent-gate validate", () => {
  it("accepts a valid policy and prints its hash", async () => {
    const r = createRepo({ initial: { [POLICY]: DOCS_ALLOWED } });
    mkdirSync(path.join(r.dir, "sub"));
    const out = await run(r, "validate");
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^\.github\/agent-policy\.yml: valid policy \(hash [0-9a-f]{12,64}\)\n$/);
    // From a subdirectory, the repository's policy is found.
    const sub = await cli(["validate"], path.join(r.dir, "sub"), r.env);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/^\.\.\/\.github\/agent-policy\.yml: valid policy/);
  });

  it("prints file:line:column for each error and exits 3", async () => {
    const dir = tempDir();
    const file = path.join(dir, "p.yml");
    writeFileSync(file, "version: 1\nenabled: maybe\nlabels:\n  agnet: x\n");
    const out = await cli(["validate", "p.yml"], dir, isolatedGitEnv(dir));
    expect(out.code).toBe(3);
    expect(out.stdout).toBe("");
    const lines = out.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^p\.yml:2:10: /);
    expect(lines[1]).toMatch(/^p\.yml:4:3: .*agnet/);
  });

  it("reports YAML syntax errors and unreadable files in one line", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "bad.yml"), "version: 1\npaths: [\n");
    const bad = await cli(["validate", "bad.yml"], dir, isolatedGitEnv(dir));
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^bad\.yml:\d+:\d+: /);
    const missing = await cli(["validate", "none.yml"], dir, isolatedGitEnv(dir));
    expect(missing).toEqual({ code: 3, stdout: "", stderr: "agent-gate: cannot read policy file none.yml: no such file\n" });
  });
});

describe("the built binary", () => {
  beforeAll(async () => {
    // `npm test` builds before vitest runs; a lone `vitest run test/cli.test.ts` may not have.
    if (!existsSync(path.join(ROOT, "lib", "cli", "main.js"))) {
      await execFileP("npx", ["tsc", "-p", "tsconfig.build.json"], ROOT, process.env);
    }
  });

  it("runs check and validate with the documented exit codes, no stack traces", async () => {
    const r = repoWithPolicy(DOCS_ALLOWED);
    r.commit(`CI${TRAILER}`, { files: { ".github/workflows/x.yml": "on: push\n" }, author: HUMAN });
    const blocked = await execFileP(process.execPath, [BIN, "check", "--base", "main", "--format", "json"], r.dir, r.env);
    expect(blocked.code).toBe(2);
    expect((JSON.parse(blocked.stdout) as JsonOut).conclusion).toBe("failure");

    const unknown = await execFileP(process.execPath, [BIN, "check", "--base", "nope"], r.dir, r.env);
    expect(unknown).toEqual({ code: 3, stdout: "", stderr: "agent-gate: unknown ref: nope\n" });

    writeFileSync(path.join(r.dir, "bad.yml"), "version: 2\n");
    const invalid = await execFileP(process.execPath, [BIN, "validate", "bad.yml"], r.dir, r.env);
    expect(invalid.code).toBe(3);
    expect(invalid.stderr).toMatch(/^bad\.yml:1:10: /);
    expect(invalid.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});

function execFileP(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
