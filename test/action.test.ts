/**
 * The advisory GitHub Action (action.yml → dist/index.mjs): a JavaScript action on the runner's
 * Node 24 that installs nothing. Checked here:
 * - action.yml declares `node24` with the bundle, and the documented inputs and outputs;
 * - (that dist/index.mjs is what today's sources make is a drift test in test/docs.test.ts);
 * - the bundle runs ALONE — copied into an empty directory, no node_modules — the way the runner
 *   does (INPUT_* variables, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT), against real git repositories:
 *   the decision in the job summary, worded as an advisory run (no check, no button), and the
 *   step failing as `fail-on` says.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { DIST_FILE } from "../scripts/gen-action-dist.js";
import { createRepo, tempDir, type TestRepo } from "./helpers/git-repo.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const read = (file: string): string => readFileSync(path.join(ROOT, file), "utf8");

interface ActionFile {
  name: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}
const action = yaml.load(read("action.yml")) as ActionFile;

describe("action.yml", () => {
  it("is a node24 JavaScript action running the bundle, with the documented inputs and outputs", () => {
    expect(action.runs).toEqual({ using: "node24", main: "dist/index.mjs" });
    expect(Object.keys(action.inputs).sort()).toEqual(["base", "base-ref", "fail-on", "fetch", "head", "head-ref", "policy", "working-directory"].sort());
    expect(action.inputs["fail-on"]?.default).toBe("blocked");
    expect(action.inputs.base?.default).toBe("${{ github.event.pull_request.base.sha }}");
    expect(action.inputs.head?.default).toBe("${{ github.event.pull_request.head.sha }}");
    expect(action.inputs["base-ref"]?.default).toBe("${{ github.event.pull_request.base.ref }}");
    expect(Object.keys(action.outputs).sort()).toEqual(["exit-code", "result"]);
  });

  it("is documented in docs/advisory-action.md, which says why it is only advisory", () => {
    const doc = read("docs/advisory-action.md");
    expect(doc).toMatch(/fetch-depth: 0/);
    expect(doc).toMatch(/pull_request/);
    expect(doc).toMatch(/can (edit|change) (its own|the) workflow/i);
    expect(doc).toMatch(/GitHub App/);
    expect(doc).not.toMatch(/setup-node|npm ci/);
    for (const input of Object.keys(action.inputs)) expect(doc, input).toContain(`\`${input}\``);
  });

});

interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
}

/** The action directory as a job sees it after `uses:`: action.yml and dist/ only. */
let actionDir: string;

/** Runs the bundle the way the runner runs a `node24` action: `node <action>/dist/index.mjs`, inputs as INPUT_*. */
function runAction(cwd: string, repo: TestRepo, inputs: Record<string, string>): StepRun {
  const dir = tempDir("agent-gate-action-");
  const summaryFile = path.join(dir, "summary.md");
  const outputFile = path.join(dir, "output.txt");
  writeFileSync(summaryFile, "");
  writeFileSync(outputFile, "");
  const defaults: Record<string, string> = { "fail-on": "blocked", "base-ref": "", "head-ref": "", policy: "", fetch: "true", "working-directory": "." };
  const env: Record<string, string> = { ...(repo.env as Record<string, string>), GITHUB_WORKSPACE: cwd, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_OUTPUT: outputFile };
  for (const [k, v] of Object.entries({ ...defaults, ...inputs })) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [path.join(actionDir, action.runs.main)], { cwd: dir, encoding: "utf8", env });
  const outputs = Object.fromEntries(
    readFileSync(outputFile, "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, summary: readFileSync(summaryFile, "utf8"), outputs };
}

const CLAUDE_TRAILER = "\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n";

describe("the bundled action, alone in an empty directory, against real git repositories", () => {
  let repo: TestRepo;
  let base: string;
  let blockedHead: string;
  let humanHead: string;
  let docsHead: string;
  let approvalHead: string;

  beforeAll(() => {
    actionDir = tempDir("agent-gate-uses-");
    mkdirSync(path.join(actionDir, "dist"));
    copyFileSync(path.join(ROOT, "action.yml"), path.join(actionDir, "action.yml"));
    copyFileSync(DIST_FILE, path.join(actionDir, "dist", "index.mjs"));
    repo = createRepo({
      initial: {
        ".github/agent-policy.yml":
          "version: 1\npaths:\n  - match: [\".github/workflows/**\"]\n    action: block\n    reason: Agents may not change CI.\n  - match: [\"docs/**\"]\n    action: allow\ndefault: approve\n",
        ".github/workflows/ci.yml": "on: push\n",
      },
    });
    base = repo.git("rev-parse", "HEAD").trim();
    repo.branch("claude/ci-tweak");
    blockedHead = repo.commit(`Tweak CI${CLAUDE_TRAILER}`, { files: { ".github/workflows/ci.yml": "on: [push, pull_request]\n" } });
    repo.checkout("main");
    repo.branch("feature/human");
    humanHead = repo.commit("Human change", { files: { "src/a.ts": "export const a = 1;\n" } });
    repo.checkout("main");
    // A human identity and no trailer: only the branch name says "agent".
    repo.branch("claude/docs");
    docsHead = repo.commit("Explain the cache", { files: { "src/cache.ts": "export {};\n" } });
    repo.checkout("main");
    repo.branch("claude/feature");
    approvalHead = repo.commit(`Add a feature${CLAUDE_TRAILER}`, { files: { "src/feature.ts": "export {};\n" } });
    repo.checkout("main");
  });

  it("blocked agent work: writes the decision to the job summary and fails (fail-on: blocked)", () => {
    const r = runAction(repo.dir, repo, { base, head: blockedHead, "base-ref": "main" });
    expect(r.code, r.stderr).toBe(1);
    expect(r.outputs).toEqual({ result: "blocked", "exit-code": "2" });
    expect(r.summary).toMatch(/^### /m);
    expect(r.summary).toContain(".github/workflows/ci.yml");
    expect(r.summary).toMatch(/Agents may not change CI/);
    expect(r.summary).toContain("Advisory run of `agent-gate check`");
    expect(r.stdout).toContain("::error title=agent-gate::agent-gate: blocked (fail-on: blocked)");
  });

  it("agent work needing approval: the summary speaks as an advisory run — no button, no check", () => {
    const r = runAction(repo.dir, repo, { base, head: approvalHead, "fail-on": "approval" });
    expect(r.code, r.stderr).toBe(1);
    expect(r.outputs.result).toBe("approval");
    expect(r.summary).toContain("This advisory run sees no reviews");
    expect(r.summary).not.toMatch(/button/i);
    expect(r.summary).not.toMatch(/\bthis check\b|check's details|Checks tab/i);
  });

  it("fail-on: never reports the same decision and passes", () => {
    const r = runAction(repo.dir, repo, { base, head: blockedHead, "fail-on": "never" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs.result).toBe("blocked");
    expect(r.summary).toContain(".github/workflows/ci.yml");
    expect(r.stdout).toContain("::warning title=agent-gate::");
  });

  it("human work passes and says no coding agent was detected", () => {
    const r = runAction(repo.dir, repo, { base, head: humanHead, "fail-on": "approval" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ result: "ok", "exit-code": "0" });
    expect(r.summary).toMatch(/no coding agent detected/i);
  });

  it("head-ref feeds the branch signal: the same commit is agent work only under an agent's branch name", () => {
    const withRef = runAction(repo.dir, repo, { base, head: docsHead, "head-ref": "claude/docs", "fail-on": "approval" });
    expect(withRef.outputs.result, withRef.stderr).toBe("approval");
    expect(withRef.code).toBe(1);
    expect(withRef.summary).toContain("claude/docs");
    // The private remote-tracking ref used for the branch name is removed again.
    expect(repo.git("for-each-ref", "refs/remotes/agent-gate-pr")).toBe("");

    const withoutRef = runAction(repo.dir, repo, { base, head: docsHead });
    expect(withoutRef.outputs.result, withoutRef.stderr).toBe("ok");
  });

  it("a crafted head-ref is an argument, never shell: nothing runs, the ref is just not used", () => {
    const marker = path.join(tempDir("agent-gate-inject-"), "pwned");
    const r = runAction(repo.dir, repo, { base, head: humanHead, "head-ref": `x$(touch ${marker})` });
    expect(r.outputs.result, r.stderr).toBe("ok");
    expect(spawnSync("test", ["-e", marker]).status).not.toBe(0);
  });

  it("fetches the range into a shallow clone (actions/checkout's default depth 1)", () => {
    // uploadpack.allowAnySHA1InWant: like GitHub, the "server" serves commits asked for by id.
    repo.git("config", "uploadpack.allowAnySHA1InWant", "true");
    const clone = path.join(tempDir("agent-gate-clone-"), "clone");
    execFileSync("git", ["clone", "-q", "--depth", "1", "--branch", "main", `file://${repo.dir}`, clone], { env: repo.env });
    const inClone = (...args: string[]) => execFileSync("git", args, { cwd: clone, env: repo.env, encoding: "utf8" }).trim();
    expect(inClone("rev-parse", "--is-shallow-repository")).toBe("true");
    expect(spawnSync("git", ["cat-file", "-e", `${blockedHead}^{commit}`], { cwd: clone, env: repo.env }).status).not.toBe(0);

    const r = runAction(clone, repo, { base, head: blockedHead });
    expect(r.outputs.result, r.stdout + r.stderr).toBe("blocked");
    expect(r.summary).toContain(".github/workflows/ci.yml");
    expect(inClone("rev-parse", "--is-shallow-repository")).toBe("false");
  });

  it("with fetch: false, a shallow clone is an error that says what to do", () => {
    const clone = path.join(tempDir("agent-gate-clone-"), "clone");
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo.dir}`, clone], { env: repo.env });
    const r = runAction(clone, repo, { base, head: blockedHead, fetch: "false" });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("fetch-depth: 0");
  });

  it("an invalid policy on the base is an error, quoted in the summary with its position", () => {
    repo.branch("broken-base", base);
    const brokenBase = repo.commit("Break the policy", { files: { ".github/agent-policy.yml": "version: 1\ndefault: sometimes\n" } });
    const head = repo.commit(`Agent change${CLAUDE_TRAILER}`, { files: { "src/b.ts": "export {};\n" } });
    repo.checkout("main");
    const r = runAction(repo.dir, repo, { base: brokenBase, head, "fail-on": "blocked" });
    expect(r.code).toBe(1);
    expect(r.outputs.result).toBe("error");
    expect(r.outputs["exit-code"]).toBe("3");
    expect(r.summary).toContain("agent-gate could not decide");
    expect(r.summary).toMatch(/agent-policy\.yml:2:\d+/);
    expect(r.stdout).toMatch(/::error title=agent-gate::.*agent-policy\.yml:2:\d+/);
  });

  it("rejects an unknown fail-on value and a missing range before running anything", () => {
    const bad = runAction(repo.dir, repo, { base, head: humanHead, "fail-on": "always" });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('input fail-on must be blocked, approval or never (got "always")');
    expect(bad.summary).toBe("");

    const none = runAction(repo.dir, repo, { base: "", head: "" });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain("run this action on a pull_request event");
  });
});
