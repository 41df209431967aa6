import { describe, expect, it } from "vitest";
import { analyzeWorkflowChange, isAnalysedWorkflowFile, unpinnedReason, type EscalationKind } from "../src/engine/workflows/escalations.js";
import { expressions, secretNames } from "../src/engine/workflows/model.js";

const WF = ".github/workflows/ci.yml";

const BASE = `name: ci
on: [push, pull_request]
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: third/party@0123456789abcdef0123456789abcdef01234567
      - run: npm test
        env:
          TOKEN: \${{ secrets.NPM_TOKEN }}
`;

/** One edit per escalation kind: [name, kind, head text, line of the finding]. */
const CASES: [string, EscalationKind, string, number][] = [
  ["new write scope", "permissions", BASE.replace("  contents: read\n", "  contents: read\n  pull-requests: write\n"), 5],
  ["write-all", "permissions", BASE.replace("permissions:\n  contents: read\n", "permissions: write-all\n"), 3],
  ["permissions removed", "permissions", BASE.replace("permissions:\n  contents: read\n", ""), 4],
  ["job-level write scope", "permissions", BASE.replace("    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n"), 9],
  ["pull_request_target", "trigger", BASE.replace("on: [push, pull_request]", "on: [push, pull_request_target]"), 2],
  ["workflow_run (mapping)", "trigger", BASE.replace("on: [push, pull_request]", "on:\n  push:\n  workflow_run:\n    workflows: [build]"), 4],
  ["issue_comment (string)", "trigger", BASE.replace("on: [push, pull_request]", "on: issue_comment"), 2],
  ["secrets: inherit", "secrets", BASE + "  call:\n    uses: ./.github/workflows/reusable.yml\n    secrets: inherit\n", 16],
  ["newly referenced secret", "secrets", BASE.replace("npm test\n", "npm test && deploy ${{ secrets['DEPLOY_KEY'] }}\n"), 11],
  ["github.event in run", "script-injection", BASE.replace("      - run: npm test\n", "      - run: |\n          echo start\n          echo \"${{ github.event.pull_request.title }}\"\n"), 13],
  ["github.head_ref in run", "script-injection", BASE.replace("run: npm test", "run: git checkout ${{ github.head_ref }}"), 11],
  ["github-script script", "script-injection", BASE.replace("      - run: npm test\n", "      - uses: actions/github-script@v7\n        with:\n          script: console.log('${{ github.event.issue.body }}')\n      - run: npm test\n"), 13],
  ["unpinned third-party action", "unpinned-action", BASE.replace("      - run: npm test\n", "      - uses: someone/action@v1\n      - run: npm test\n"), 11],
  ["unpinned docker image", "unpinned-action", BASE.replace("      - run: npm test\n", "      - uses: docker://alpine:3\n      - run: npm test\n"), 11],
  ["self-hosted runner", "self-hosted-runner", BASE.replace("runs-on: ubuntu-latest", "runs-on: [self-hosted, linux]"), 7],
];

describe("workflow privilege analysis, one escalation per kind", () => {
  it.each(CASES)("%s", (_name, kind, head, line) => {
    const { findings, errors } = analyzeWorkflowChange({ path: WF, base: BASE, head });
    expect(errors).toEqual([]);
    expect(findings.map((f) => f.kind)).toEqual([kind]);
    expect(findings[0]!.line).toBe(line);
    expect(findings[0]!.path).toBe(WF);
  });

  it("an unchanged file, or one that only narrows, has no finding", () => {
    expect(analyzeWorkflowChange({ path: WF, base: BASE, head: BASE }).findings).toEqual([]);
    const narrower = BASE.replace("  contents: read\n", "  contents: none\n").replace("      - uses: third/party@0123456789abcdef0123456789abcdef01234567\n", "");
    expect(analyzeWorkflowChange({ path: WF, base: BASE, head: narrower }).findings).toEqual([]);
    // Edits that grant nothing: a renamed step, a new first-party action, a new pinned action, a local action.
    const harmless = BASE.replace("      - run: npm test\n", "      - name: build\n        run: npm run build\n      - uses: actions/setup-node@v4\n      - uses: other/thing@89abcdef0123456789abcdef0123456789abcdef\n      - uses: ./local\n      - run: npm test\n");
    expect(analyzeWorkflowChange({ path: WF, base: BASE, head: harmless }).findings).toEqual([]);
  });

  it("what the base already had is not reported again", () => {
    const risky = BASE.replace("on: [push, pull_request]", "on: [pull_request_target]").replace("run: npm test", "run: echo ${{ github.event.pull_request.title }}");
    expect(analyzeWorkflowChange({ path: WF, base: risky, head: risky + "# comment\n" }).findings).toEqual([]);
  });

  it("a new workflow reports everything it grants, including the default token", () => {
    const head = "on: pull_request_target\njobs:\n  a:\n    runs-on: self-hosted\n    steps:\n      - uses: x/y@main\n";
    const kinds = analyzeWorkflowChange({ path: ".github/workflows/new.yaml", base: null, head }).findings.map((f) => f.kind);
    expect(kinds.sort()).toEqual(["permissions", "self-hosted-runner", "trigger", "unpinned-action"]);
  });

  it("composite actions: steps' run and uses are analysed", () => {
    const base = "name: x\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n";
    const head = "name: x\nruns:\n  using: composite\n  steps:\n    - run: echo ${{ github.event.comment.body }}\n      shell: bash\n    - uses: evil/action@v2\n";
    const f = analyzeWorkflowChange({ path: "tools/ci/action.yml", base, head }).findings;
    expect(f.map((x) => [x.kind, x.line])).toEqual([["script-injection", 5], ["unpinned-action", 7]]);
  });

  it("a head version that is not YAML is an error with its line; a broken base counts as empty", () => {
    const bad = analyzeWorkflowChange({ path: WF, base: BASE, head: "on: [push\njobs: {}\n" });
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0]!.path).toBe(WF);
    expect(bad.errors[0]!.line).toBeGreaterThan(0);
    expect(bad.errors[0]!.message).toMatch(/^invalid YAML: /);
    expect(analyzeWorkflowChange({ path: WF, base: BASE, head: "- a list\n" }).errors[0]!.message).toMatch(/expected a mapping/);
    const fromBroken = analyzeWorkflowChange({ path: WF, base: "on: [", head: BASE });
    expect(fromBroken.errors).toEqual([]);
    expect(fromBroken.findings.map((f) => f.kind)).toContain("secrets");
    // Duplicate keys would let a reader and GitHub disagree: refused.
    expect(analyzeWorkflowChange({ path: WF, base: null, head: "on: push\non: pull_request_target\njobs: {}\n" }).errors).toHaveLength(1);
    expect(analyzeWorkflowChange({ path: WF, base: BASE, head: null })).toEqual({ findings: [], errors: [] });
  });

  it("aliases are followed where a value is read", () => {
    const head = "x-perms: &p\n  contents: write\non: push\npermissions: *p\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: []\n";
    const f = analyzeWorkflowChange({ path: WF, base: BASE, head }).findings;
    expect(f.map((x) => x.kind)).toContain("permissions");
  });

  it("attack: a privilege hidden behind a YAML merge key is still read", () => {
    const head = "x-job: &job\n  runs-on: self-hosted\n  permissions: write-all\non: push\njobs:\n  a:\n    <<: *job\n    steps: []\n";
    const f = analyzeWorkflowChange({ path: WF, base: null, head }).findings;
    expect(f.map((x) => x.kind).sort()).toEqual(["permissions", "self-hosted-runner"]);
    expect(f.find((x) => x.kind === "self-hosted-runner")!.line).toBe(7);
  });

  it("recognises workflow and action metadata paths", () => {
    expect(isAnalysedWorkflowFile(".github/workflows/a.yml")).toBe(true);
    expect(isAnalysedWorkflowFile(".github/workflows/a.yaml")).toBe(true);
    expect(isAnalysedWorkflowFile(".github/workflows/sub/a.yml")).toBe(false);
    expect(isAnalysedWorkflowFile(".github/workflows/README.md")).toBe(false);
    expect(isAnalysedWorkflowFile("action.yml")).toBe(true);
    expect(isAnalysedWorkflowFile("a/b/action.yaml")).toBe(true);
    expect(isAnalysedWorkflowFile("a/b/my-action.yml")).toBe(false);
  });

  it("pinning rules", () => {
    expect(unpinnedReason("actions/checkout@v4")).toBeUndefined();
    expect(unpinnedReason("github/codeql-action/init@v3")).toBeUndefined();
    expect(unpinnedReason("a/b@0123456789abcdef0123456789abcdef01234567")).toBeUndefined();
    expect(unpinnedReason("a/b@0123456789ABCDEF0123456789abcdef01234567")).toMatch(/full commit SHA/);
    expect(unpinnedReason("a/b@v1.2.3")).toMatch(/full commit SHA/);
    expect(unpinnedReason("a/b")).toMatch(/without a ref/);
    expect(unpinnedReason("docker://alpine@sha256:abc")).toBeUndefined();
    expect(unpinnedReason("./.github/actions/x")).toBeUndefined();
  });

  it("expression scanning is linear and exact", () => {
    expect(expressions("a ${{ x }} b ${{y}}")).toEqual([{ expr: "x", at: 2 }, { expr: "y", at: 13 }]);
    expect(secretNames("secrets.A || secrets['B-c'] || mysecrets.C || x.secrets.D")).toEqual(["A", "B-c"]);
    // Pathological input: an indexOf scan finishes (a backtracking pattern would not, in the test's timeout).
    const big = "${{ ".repeat(50_000) + "secrets".repeat(50_000);
    expect(expressions(big)).toEqual([]);
    expect(secretNames(big)).toEqual([]);
  });

  it("messages never carry a backtick inside a code part (the renderer splits on them)", () => {
    const head = BASE.replace("  test:\n", "  \"te`st\":\n").replace("runs-on: ubuntu-latest", "runs-on: self-hosted");
    const f = analyzeWorkflowChange({ path: WF, base: BASE, head }).findings;
    for (const x of f) expect(x.message.split("`").length % 2).toBe(1);
    expect(f.some((x) => x.message.includes("te'st"))).toBe(true);
  });
});
