/** Issue 11 in the decision: named sets, workflow escalations and dependency additions (engine level). */
import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { compilePolicy, matchFiles, pathSetsMatcher } from "../src/engine/decide/match.js";
import { PATH_SETS } from "../src/engine/policy/path-sets.js";
import { BUILTIN_DEFAULT_POLICY } from "../src/engine/policy/defaults.js";
import { loadPolicy } from "../src/engine/policy/load.js";
import { renderCheck } from "../src/engine/render/check.js";
import { renderJson } from "../src/engine/render/json.js";
import { renderText } from "../src/engine/render/text.js";
import { decisionAnnotations } from "../src/engine/render/guard.js";
import { sanitize } from "../src/engine/render/markdown.js";
import type { ApprovalFacts, FileContent, Policy, PullFacts } from "../src/engine/types.js";
import { agentPull, approval, humanPull, ok, policy } from "./helpers/decision-fixtures.js";

const WF = ".github/workflows/ci.yml";
const BASE_WF = "on: push\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n";
const ESCALATED_WF = BASE_WF.replace("on: push", "on: pull_request_target");

function withContents(facts: PullFacts, contents: FileContent[]): PullFacts {
  return { ...facts, contents };
}

function run(facts: PullFacts, p: Policy, approvals: ApprovalFacts[] = []) {
  return decide({ facts, policy: ok(p), approvals });
}

const maintainer = (login: string) => approval(login, { permission: "maintain" });

describe("named path sets in match", () => {
  it("@set stands for its members, !@set excludes them", () => {
    const p = policy({ paths: [{ match: ["**", "!@ci"], action: "allow" }, { match: ["@ci"], action: "block" }] });
    const out = matchFiles(compilePolicy(p), [{ path: "src/a.ts" }, { path: WF }, { path: "tools/x/action.yaml" }], "main");
    expect(out.map((f) => [f.path, f.action])).toEqual([["src/a.ts", "allow"], [WF, "block"], ["tools/x/action.yaml", "block"]]);
    expect(out[1]!.pattern).toBe("@ci (.github/workflows/**)");
  });

  it("an unknown set name is a policy error with its position, never a pattern that matches nothing", () => {
    const r = loadPolicy('version: 1\npaths:\n  - match: ["@cii"]\n    action: block\n', ".github/agent-policy.yml");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0]!.line).toBe(3);
      expect(r.errors[0]!.message).toMatch(/unknown path set "@cii".*expected one of: @control-plane, @ci, @dependencies.*did you mean "@ci"/);
    }
    expect(loadPolicy('version: 1\npaths:\n  - match: ["**", "!@nope"]\n    action: block\n', "p").ok).toBe(false);
    expect(loadPolicy('version: 1\npaths:\n  - match: ["@dependencies"]\n    action: approve\n', "p").ok).toBe(true);
  });

  it("every member is a valid glob that matches a sample path, and the issue's list is covered", () => {
    const sets = pathSetsMatcher();
    const samples: [string, string][] = [
      ["AGENTS.md", "@control-plane"], ["pkg/AGENTS.md", "@control-plane"], ["CLAUDE.md", "@control-plane"], ["CLAUDE.local.md", "@control-plane"],
      [".claude/settings.json", "@control-plane"], [".mcp.json", "@control-plane"], [".vscode/mcp.json", "@control-plane"], [".cursor/rules/a.mdc", "@control-plane"],
      [".cursorrules", "@control-plane"], [".windsurfrules", "@control-plane"], [".clinerules", "@control-plane"], [".roo/rules/a.md", "@control-plane"],
      ["GEMINI.md", "@control-plane"], [".gemini/settings.json", "@control-plane"], [".github/copilot-instructions.md", "@control-plane"],
      [".github/instructions/ts.instructions.md", "@control-plane"], [".github/agents/x.agent.md", "@control-plane"], [".github/skills/a/SKILL.md", "@control-plane"],
      [".github/hooks/h.json", "@control-plane"], [".husky/pre-commit", "@control-plane"], [".pre-commit-config.yaml", "@control-plane"], [".gitmodules", "@control-plane"],
      ["CODEOWNERS", "@control-plane"], [".github/CODEOWNERS", "@control-plane"], ["docs/CODEOWNERS", "@control-plane"], [".github/agent-policy.yml", "@control-plane"],
      [WF, "@ci"], ["action.yml", "@ci"], [".gitlab-ci.yml", "@ci"], [".circleci/config.yml", "@ci"], ["Jenkinsfile", "@ci"],
      ["package.json", "@dependencies"], ["a/b/package-lock.json", "@dependencies"], ["pnpm-lock.yaml", "@dependencies"], ["yarn.lock", "@dependencies"],
      ["requirements-dev.txt", "@dependencies"], ["pyproject.toml", "@dependencies"], ["poetry.lock", "@dependencies"], ["uv.lock", "@dependencies"], ["go.mod", "@dependencies"],
      ["Cargo.toml", "@dependencies"], ["pom.xml", "@dependencies"], ["build.gradle.kts", "@dependencies"], ["Gemfile", "@dependencies"], ["composer.json", "@dependencies"],
      ["src/App.csproj", "@dependencies"], ["packages.config", "@dependencies"],
    ];
    for (const [path, set] of samples) expect(sets(path).map((s) => s.set), path).toContain(set);
    expect(sets(".github/workflows/copilot-setup-steps.yml").map((s) => s.set)).toEqual(["@control-plane", "@ci"]);
    expect(sets("src/index.ts")).toEqual([]);
    for (const set of PATH_SETS) for (const m of set.members) expect(m.source, m.pattern).toMatch(/^(https:\/\/|SPEC)/);
  });
});

describe("the built-in default policy (no file anywhere)", () => {
  it("@control-plane and @ci files need a maintainer; the summary says which set and why", () => {
    const facts = agentPull(["CLAUDE.md", ".github/workflows/ci.yml", "src/a.ts"]);
    const writer = run(facts, BUILTIN_DEFAULT_POLICY, [approval("alice")]);
    expect(writer.conclusion).toBe("action_required");
    expect(writer.requirements.map((r) => r.requirement.min_permission).sort()).toEqual(["maintain", "write"]);
    const summary = renderCheck(writer).summary;
    expect(summary).toContain("Files in named sets");
    expect(summary).toMatch(/CLAUDE\.md` — \*\*@control-plane\*\*.*widens its own powers/);
    expect(summary).toMatch(/ci\.yml` — \*\*@ci\*\*.*secrets/);
    const both = run(facts, BUILTIN_DEFAULT_POLICY, [maintainer("bob")]);
    expect(both.conclusion).toBe("success");
  });

  it("the policy file stays blocked, and is never allow in any policy", () => {
    expect(run(agentPull([".github/agent-policy.yml"]), BUILTIN_DEFAULT_POLICY, [maintainer("bob")]).conclusion).toBe("failure");
    const lax = policy({ paths: [{ match: ["@control-plane"], action: "allow" }] });
    const d = run(agentPull([".github/agent-policy.yml"]), lax);
    expect(d.files[0]!.action).toBe("approve");
    expect(d.conclusion).toBe("action_required");
  });

  it("a human PR is not held up by the sets", () => {
    expect(run(humanPull(["CLAUDE.md", WF]), BUILTIN_DEFAULT_POLICY).conclusion).toBe("success");
  });
});

describe("workflows.escalation", () => {
  const lenient = (escalation: "block" | "approve" | "report"): Policy => policy({ paths: [{ match: ["**"], action: "allow" }], workflows: { escalation } });
  const facts = withContents(agentPull([WF]), [{ path: WF, base: BASE_WF, head: ESCALATED_WF }]);

  it("block (the default) fails, whatever the approvals", () => {
    const d = run(facts, policy({ paths: [{ match: ["**"], action: "allow" }] }), [maintainer("bob")]);
    expect(d.conclusion).toBe("failure");
    expect(d.title).toBe("Blocked: workflow changes widen CI privileges (1 finding)");
    expect(d.guard!.findings[0]!.kind).toBe("trigger");
    expect(renderCheck(d).summary).toContain("Workflow escalations (1)");
    expect(decisionAnnotations(d, sanitize)).toEqual([
      { path: WF, start_line: 1, end_line: 1, annotation_level: "failure", title: "agent-gate: privileged trigger", message: expect.stringContaining("pull_request_target") },
    ]);
  });

  it("approve: the file needs its rule's requirement (even under allow) and one maintainer", () => {
    const p = lenient("approve");
    expect(run(facts, p).conclusion).toBe("action_required");
    const writerOnly = run(facts, p, [approval("alice")]);
    expect(writerOnly.conclusion).toBe("action_required");
    expect(writerOnly.requirements.find((r) => r.kind === "workflows")).toMatchObject({ met: false, missing: 1 });
    expect(run(facts, p, [maintainer("bob")]).conclusion).toBe("success");
  });

  it("report: annotations and summary only", () => {
    const d = run(facts, lenient("report"));
    expect(d.conclusion).toBe("success");
    expect(d.guard!.findings).toHaveLength(1);
    expect(decisionAnnotations(d, sanitize)[0]!.annotation_level).toBe("warning");
  });

  it("at most 50 annotations per request; the summary lists every finding", () => {
    const jobs = Array.from({ length: 60 }, (_, i) => `  j${i}:\n    runs-on: self-hosted\n    steps: []\n`).join("");
    const head = `on: push\npermissions: {}\njobs:\n${jobs}`;
    const d = run(withContents(agentPull([WF]), [{ path: WF, base: null, head }]), lenient("report"));
    expect(d.guard!.findings).toHaveLength(60);
    expect(decisionAnnotations(d, sanitize)).toHaveLength(50);
    const summary = renderCheck(d).summary;
    expect(summary).toContain("The first 50 are annotated");
    expect(summary).toContain("j59");
  });

  it("an unparsable workflow fails closed naming file and line; a missing content fails closed too", () => {
    const broken = run(withContents(agentPull([WF]), [{ path: WF, base: BASE_WF, head: "on: [push\n" }]), lenient("report"), [maintainer("bob")]);
    expect(broken.conclusion).toBe("failure");
    expect(broken.title).toMatch(/^Cannot analyse 1 changed workflow or manifest file/);
    expect(renderCheck(broken).summary).toContain(".github/workflows/ci.yml:");
    const missing = run(withContents(agentPull([WF]), []), lenient("report"), [maintainer("bob")]);
    expect(missing.conclusion).toBe("failure");
    expect(missing.unverified[0]).toMatch(/could not be read/);
  });

  it("human PRs are not analysed", () => {
    const d = run(withContents(humanPull([WF]), [{ path: WF, base: BASE_WF, head: ESCALATED_WF }]), policy());
    expect(d.conclusion).toBe("success");
    expect(d.guard).toBeUndefined();
  });
});

describe("dependencies.action", () => {
  const PKG = "package.json";
  const facts = withContents(agentPull([PKG]), [{ path: PKG, base: '{"dependencies":{}}', head: '{"dependencies":{"left-pad":"^1.3.0"}}' }]);
  const onlyScripts = withContents(agentPull([PKG]), [{ path: PKG, base: '{"scripts":{"a":"x"}}', head: '{"scripts":{"a":"y"}}' }]);
  const all = (dependencies: Policy["dependencies"]) => policy({ paths: [{ match: ["**"], action: "allow" }], dependencies });

  it("report (default): listed in summary, text and JSON; nothing gates", () => {
    const d = run(facts, all({ action: "report" }));
    expect(d.conclusion).toBe("success");
    expect(d.guard!.dependencies).toEqual([{ path: PKG, ecosystem: "npm", group: "dependencies", name: "left-pad", from: null, to: "^1.3.0" }]);
    expect(renderCheck(d).summary).toMatch(/npm: `left-pad` `\^1\.3\.0` — added in `package\.json`/);
    expect(renderText(d)).toContain("left-pad");
    expect(renderJson(d).guard!.dependencies[0]!.name).toBe("left-pad");
  });

  it("approve: the dependencies.approval requirement must be met", () => {
    const p = all({ action: "approve", approval: { teams: ["acme/security"] } });
    const d = run(facts, p, [approval("alice")]);
    expect(d.conclusion).toBe("action_required");
    expect(d.requirements.find((r) => r.kind === "dependencies")!.requirement.teams).toEqual(["acme/security"]);
    expect(run(facts, p, [approval("sam", { teams: ["acme/security"] })]).conclusion).toBe("success");
    expect(run(onlyScripts, p).conclusion).toBe("success");
  });

  it("block: fails; a scripts-only edit passes", () => {
    expect(run(facts, all({ action: "block" }), [maintainer("bob")]).title).toBe("Blocked: agents may not add or change dependencies (1 change)");
    expect(run(onlyScripts, all({ action: "block" })).conclusion).toBe("success");
  });

  it("a changed manifest that cannot be parsed fails whatever the action", () => {
    const broken = withContents(agentPull([PKG]), [{ path: PKG, base: "{}", head: "{" }]);
    const d = run(broken, all({ action: "report" }), [maintainer("bob")]);
    expect(d.conclusion).toBe("failure");
    expect(renderCheck(d).summary).toContain("invalid JSON");
  });

  it("dependencies.approval needs action approve (policy error)", () => {
    const r = loadPolicy("version: 1\ndependencies:\n  approval: { count: 2 }\n", "p");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toMatch(/only allowed with dependencies.action: approve/);
    const good = loadPolicy("version: 1\ndependencies:\n  action: approve\n  approval: { count: 2 }\nworkflows:\n  escalation: report\n", "p");
    expect(good.ok && good.policy.dependencies).toEqual({ action: "approve", approval: { count: 2 } });
    expect(good.ok && good.policy.workflows).toEqual({ escalation: "report" });
    expect(loadPolicy("version: 1\nworkflows:\n  escalation: allow\n", "p").ok).toBe(false);
  });
});
