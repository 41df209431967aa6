/**
 * The example policies in examples/ are valid, point editors at the shipped schema, and decide
 * what their comments say on made-up pull requests.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { formatPolicyError, loadPolicy } from "../src/engine/policy/load.js";
import type { ApprovalFacts, Conclusion, Decision, Permission, Policy, PolicyState, PullFacts } from "../src/engine/types.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const EXAMPLES = path.join(ROOT, "examples");
const HEAD = "c0ffee0000000000000000000000000000000001";

function load(name: string): Policy {
  const result = loadPolicy(readFileSync(path.join(EXAMPLES, name), "utf8"), `examples/${name}`);
  if (!result.ok) throw new Error(result.errors.map(formatPolicyError).join("\n"));
  return result.policy;
}

function state(policy: Policy): PolicyState {
  return { status: "ok", policy, hash: "0".repeat(64), source: { kind: "repository", description: "acme/app@main:.github/agent-policy.yml" } };
}

const CLAUDE = "Co-Authored-By: Claude <noreply@anthropic.com>";
const ADA = { name: "Ada Lovelace", email: "ada@example.com" };

/** An agent PR: a human's commit with Claude Code's co-author trailer (or a human PR with `agent: false`). */
function pull(files: string[], o: { baseRef?: string; agent?: boolean } = {}): PullFacts {
  const trailer = o.agent === false ? "" : `\n\n${CLAUDE}\n`;
  return {
    repository: "acme/app",
    number: 7,
    title: "Change things",
    body: "",
    author: { login: "ada", id: 1, type: "User" },
    headRef: "feature/things",
    headSha: HEAD,
    baseRef: o.baseRef ?? "main",
    baseSha: "b".repeat(40),
    labels: [],
    commits: [{ sha: HEAD, author: ADA, committer: ADA, message: `Change things${trailer}` }],
    files: files.map((p) => ({ path: p, status: "modified" as const })),
    unverified: [],
  };
}

function approval(login: string, permission: Permission, teams: string[] = []): ApprovalFacts {
  return { account: { login, id: login.length + 100, type: "User" }, source: "review", commitSha: HEAD, state: "APPROVED", permission, teams };
}

function run(policy: Policy, facts: PullFacts, approvals: ApprovalFacts[] = []): Decision {
  return decide({ facts, policy: state(policy), approvals });
}

function conclusion(policy: Policy, facts: PullFacts, approvals: ApprovalFacts[] = []): Conclusion {
  return run(policy, facts, approvals).conclusion;
}

describe("examples/", () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".yml"));

  it("has the three documented policies", () => {
    expect(files).toEqual(expect.arrayContaining(["strict-default.yml", "monorepo-teams.yml", "docs-only-agents.yml"]));
  });

  it.each(files)("%s is valid, commented, and names the shipped schema for editors", (name) => {
    const text = readFileSync(path.join(EXAMPLES, name), "utf8");
    const result = loadPolicy(text, `examples/${name}`);
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([]);
    const first = text.split("\n")[0]!;
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(m, first).not.toBeNull();
    expect(existsSync(path.resolve(EXAMPLES, m![1]!)), m![1]).toBe(true);
    expect(text.split("\n").filter((l) => l.trimStart().startsWith("#")).length).toBeGreaterThan(3);
  });
});

describe("strict-default.yml", () => {
  const policy = load("strict-default.yml");

  it("needs one approval for ordinary agent work, documentation included", () => {
    expect(conclusion(policy, pull(["src/app.ts", "README.md"]))).toBe("action_required");
    expect(conclusion(policy, pull(["src/app.ts", "README.md"]), [approval("grace", "write")])).toBe("success");
  });

  it("blocks CI, code owners, the policy and release machinery whatever the approvals", () => {
    const lots = [approval("grace", "admin", ["acme/platform"]), approval("linus", "admin", ["acme/platform"])];
    for (const file of [".github/workflows/ci.yml", ".github/agent-policy.yml", "CODEOWNERS", "scripts/release/publish.sh", ".goreleaser.yaml"]) {
      const d = run(policy, pull(["src/app.ts", file]), lots);
      expect(d.conclusion, file).toBe("failure");
      expect(d.blocked.map((f) => f.path)).toEqual([file]);
    }
  });

  it("gates applied AI-review suggestions and unknown bots; its trusted release bot passes", () => {
    const withCommit = (message: string, author = ADA) => ({ ...pull(["src/app.ts"], { agent: false }), commits: [{ sha: HEAD, author, committer: author, message }] });
    const suggestion = withCommit("Apply suggestion from @Copilot\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>");
    expect(conclusion(policy, suggestion)).toBe("action_required");
    const release = { name: "acme-release[bot]", email: "77+acme-release[bot]@users.noreply.github.com" };
    expect(conclusion(policy, withCommit("Release 1.2.3", release))).toBe("success");
    const other = { name: "acme-helper[bot]", email: "78+acme-helper[bot]@users.noreply.github.com" };
    expect(conclusion(policy, withCommit("Regenerate", other))).toBe("action_required");
  });

  it("blocks any agent work into a release branch", () => {
    expect(conclusion(policy, pull(["src/app.ts"], { baseRef: "release/2.4" }), [approval("grace", "admin")])).toBe("failure");
    expect(conclusion(policy, pull(["src/app.ts"], { baseRef: "main" }), [approval("grace", "admin")])).toBe("success");
  });

  it("needs two platform engineers for infrastructure", () => {
    const facts = pull(["infra/network/main.tf"]);
    expect(conclusion(policy, facts, [approval("grace", "write", ["acme/platform"])])).toBe("action_required");
    expect(conclusion(policy, facts, [approval("grace", "write", ["acme/platform"]), approval("bob", "admin", ["acme/web"])])).toBe(
      "action_required",
    );
    expect(conclusion(policy, facts, [approval("grace", "write", ["acme/platform"]), approval("linus", "write", ["acme/platform"])])).toBe(
      "success",
    );
  });

  it("lets human pull requests through", () => {
    expect(conclusion(policy, pull([".github/workflows/ci.yml"], { agent: false }))).toBe("success");
  });
});

describe("monorepo-teams.yml", () => {
  const policy = load("monorepo-teams.yml");

  it("asks each owning team, and every requirement must be met", () => {
    const facts = pull(["services/search/index.ts", "web/src/App.tsx"]);
    const search = approval("sam", "write", ["acme/search"]);
    const frontend = approval("fran", "write", ["acme/frontend"]);
    expect(conclusion(policy, facts, [search])).toBe("action_required");
    expect(conclusion(policy, facts, [frontend])).toBe("action_required");
    expect(conclusion(policy, facts, [search, frontend])).toBe("success");
  });

  it("accepts the named user besides the frontend team", () => {
    expect(conclusion(policy, pull(["packages/ui/Button.tsx"]), [approval("design-lead", "write")])).toBe("success");
  });

  it("needs two from payments for payments code", () => {
    const facts = pull(["services/payments/charge.ts"]);
    expect(conclusion(policy, facts, [approval("pat", "write", ["acme/payments"])])).toBe("action_required");
    expect(conclusion(policy, facts, [approval("pat", "write", ["acme/payments"]), approval("pia", "write", ["acme/payments"])])).toBe(
      "success",
    );
  });

  it("sends pull requests into release branches to the release managers, whatever the directory", () => {
    const facts = pull(["services/search/index.ts"], { baseRef: "release/1.x" });
    expect(conclusion(policy, facts, [approval("sam", "admin", ["acme/search"])])).toBe("action_required");
    const managers = [approval("rm1", "maintain", ["acme/release-managers"]), approval("rm2", "maintain", ["acme/release-managers"])];
    expect(conclusion(policy, facts, managers)).toBe("success");
    // Release managers with only write access do not meet min_permission: maintain.
    const writers = [approval("rm1", "write", ["acme/release-managers"]), approval("rm2", "write", ["acme/release-managers"])];
    expect(conclusion(policy, facts, writers)).toBe("action_required");
  });

  it("lets agents change documentation freely, except the security policy and team-owned docs", () => {
    expect(conclusion(policy, pull(["docs/guide.md", "README.md"]))).toBe("success");
    expect(conclusion(policy, pull(["SECURITY.md"]))).toBe("action_required");
    // First match wins: a README inside a team's directory belongs to the team's rule.
    const d = run(policy, pull(["services/search/README.md"]));
    expect(d.conclusion).toBe("action_required");
    expect(d.files[0]?.reason).toBe("Owned by the search team.");
  });

  it("recognises the organisation's own agent", () => {
    const facts = pull(["services/search/index.ts"], { agent: false });
    expect(run(policy, facts).agentAuthored).toBe(false);
    const own = { name: "ACME agent", email: "agent@acme.example" };
    const d = run(policy, { ...facts, commits: [{ sha: HEAD, author: own, committer: own, message: "Tune ranking" }] });
    expect(d.agentAuthored).toBe(true);
    expect(d.detection.agents.map((a) => a.id)).toContain("acme-bot");
  });
});

describe("docs-only-agents.yml", () => {
  const policy = load("docs-only-agents.yml");

  it("lets an agent change documentation without approval", () => {
    expect(conclusion(policy, pull(["README.md"]))).toBe("success");
    expect(conclusion(policy, pull(["docs/setup.md", "docs/guide/intro.mdx"]))).toBe("success");
  });

  it("blocks an agent touching anything else, whatever the approvals", () => {
    const admins = [approval("grace", "admin"), approval("linus", "admin")];
    const d = run(policy, pull(["README.md", "src/index.ts"]), admins);
    expect(d.conclusion).toBe("failure");
    expect(d.blocked.map((f) => f.path)).toEqual(["src/index.ts"]);
    expect(conclusion(policy, pull([".github/agent-policy.yml"]), admins)).toBe("failure");
  });

  it("does not count .github templates or SECURITY.md as documentation", () => {
    expect(conclusion(policy, pull([".github/PULL_REQUEST_TEMPLATE.md"]))).toBe("failure");
    expect(conclusion(policy, pull(["SECURITY.md"]))).toBe("failure");
  });

  it("does not affect people", () => {
    expect(conclusion(policy, pull(["src/index.ts"], { agent: false }))).toBe("success");
  });
});

describe("supply-chain-guard.yml", () => {
  const policy = load("supply-chain-guard.yml");
  const withContents = (facts: PullFacts, contents: NonNullable<PullFacts["contents"]>): PullFacts => ({ ...facts, contents });

  it("blocks agent edits of their own instructions and tools; docs pass without approval", () => {
    for (const file of ["AGENTS.md", "CLAUDE.md", ".cursor/rules/x.mdc", ".mcp.json", ".husky/pre-commit", "CODEOWNERS"]) {
      expect(conclusion(policy, pull([file]), [approval("grace", "admin")]), file).toBe("failure");
    }
    expect(conclusion(policy, pull(["docs/guide.md"]))).toBe("success");
  });

  it("an escalating workflow needs two maintainers (the @ci rule) and passes with them", () => {
    const wf = ".github/workflows/ci.yml";
    const facts = withContents(pull([wf]), [{ path: wf, base: "on: push\njobs: {}\n", head: "on: pull_request_target\njobs: {}\n" }]);
    expect(conclusion(policy, facts, [approval("grace", "maintain")])).toBe("action_required");
    expect(conclusion(policy, facts, [approval("grace", "maintain"), approval("linus", "maintain")])).toBe("success");
  });

  it("a new dependency needs the security team; a scripts-only edit does not", () => {
    const pkg = (deps: string) => `{"scripts":{"t":"x"},"dependencies":{${deps}}}`;
    const added = withContents(pull(["package.json"]), [{ path: "package.json", base: pkg('"a":"1"'), head: pkg('"a":"1","b":"2"') }]);
    expect(conclusion(policy, added, [approval("grace", "write")])).toBe("action_required");
    expect(conclusion(policy, added, [approval("grace", "write"), approval("sec", "write", ["acme/security"])])).toBe("success");
    const scripts = withContents(pull(["package.json"]), [{ path: "package.json", base: pkg('"a":"1"'), head: pkg('"a":"1"').replace('"x"', '"y"') }]);
    expect(conclusion(policy, scripts, [approval("grace", "write")])).toBe("success");
  });
});
