import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { requirementsForFiles } from "../src/engine/decide/requirements.js";
import { strictest } from "../src/engine/decide/strictest.js";
import type { DecideInput } from "../src/engine/decide/decide.js";
import type { ApprovalFacts, Decision, PathRule, Policy, PolicyState, PullFacts } from "../src/engine/types.js";
import { HEAD, OLD, agentPull, approval, commit, human, humanPull, ok, policy } from "./helpers/decision-fixtures.js";

const CI: PathRule = { match: [".github/workflows/**"], action: "block", reason: "Agents may not change CI." };
const INFRA: PathRule = { match: ["infra/**", "**/*.tf"], action: "approve", approval: { count: 2, teams: ["acme/platform"] } };
const DOCS: PathRule = { match: ["docs/**", "**/*.md"], action: "allow" };
const STANDARD = policy({ paths: [CI, INFRA, DOCS] });

function run(facts: PullFacts, p: Policy | PolicyState, approvals: ApprovalFacts[] = [], extra: Partial<DecideInput> = {}): Decision {
  const state = "status" in p ? p : ok(p);
  return decide({ facts, policy: state, approvals, ...extra });
}

const INVALID: PolicyState = {
  status: "invalid",
  errors: [
    { file: ".github/agent-policy.yml", line: 3, column: 1, message: 'unknown key "aproval" (did you mean "approval"?)' },
    { file: ".github/agent-policy.yml", line: 9, column: 13, message: 'expected one of block, approve, allow; got "deny"' },
  ],
  source: { kind: "repository", description: "acme/api@main:.github/agent-policy.yml" },
};

describe("SPEC §4 rule by rule", () => {
  const table: { name: string; facts: PullFacts; policy: Policy | PolicyState; approvals?: ApprovalFacts[]; extra?: Partial<DecideInput>; conclusion: string; title: string | RegExp }[] = [
    { name: "rule 0: invalid policy fails an agent PR", facts: agentPull(["src/a.ts"]), policy: INVALID, conclusion: "failure", title: "Policy file is invalid (2 errors)" },
    { name: "rule 0: invalid policy fails a human PR too", facts: humanPull(["src/a.ts"]), policy: INVALID, conclusion: "failure", title: "Policy file is invalid (2 errors)" },
    {
      name: "rule 0 exception: a human PR with a valid head policy repairs it",
      facts: humanPull([".github/agent-policy.yml"]),
      policy: INVALID,
      extra: { headPolicy: { status: "valid" } },
      conclusion: "success",
      title: "Repairs the invalid policy file",
    },
    {
      name: "rule 0 exception does not apply to an agent PR",
      facts: agentPull([".github/agent-policy.yml"]),
      policy: INVALID,
      extra: { headPolicy: { status: "valid" } },
      conclusion: "failure",
      title: "Policy file is invalid (2 errors)",
    },
    {
      name: "rule 0 exception needs a valid head copy",
      facts: humanPull([".github/agent-policy.yml"]),
      policy: INVALID,
      extra: { headPolicy: { status: "invalid", errors: [] } },
      conclusion: "failure",
      title: "Policy file is invalid (2 errors)",
    },
    {
      name: "rule 0 exception needs the PR to change the policy file",
      facts: humanPull(["src/a.ts"]),
      policy: INVALID,
      extra: { headPolicy: { status: "valid" } },
      conclusion: "failure",
      title: "Policy file is invalid (2 errors)",
    },
    {
      name: "rule 0 exception needs every fact verified",
      facts: humanPull([".github/agent-policy.yml"], { unverified: ["commits could not be listed"] }),
      policy: INVALID,
      extra: { headPolicy: { status: "valid" } },
      conclusion: "failure",
      title: "Policy file is invalid (2 errors)",
    },
    {
      name: "unreadable policy never passes",
      facts: humanPull(["src/a.ts"]),
      policy: { status: "unreadable", reason: "HTTP 502 after 3 attempts", source: { kind: "repository", description: "acme/api@main" } },
      conclusion: "failure",
      title: "Policy could not be read",
    },
    { name: "not agent-authored → success", facts: humanPull(["src/a.ts"]), policy: STANDARD, conclusion: "success", title: "No coding agent detected" },
    {
      name: "not agent-authored but unverified → not success",
      facts: humanPull(["src/a.ts"], { unverified: ["The PR has more than 250 commits; only the first 250 were read."] }),
      policy: STANDARD,
      conclusion: "failure",
      title: "Could not verify this pull request (1 problem)",
    },
    { name: "rule 1: disabled → neutral", facts: agentPull([".github/workflows/ci.yml"]), policy: policy({ enabled: false, paths: [CI] }), conclusion: "neutral", title: "Disabled by policy" },
    { name: "rule 1: disabled, human PR → success", facts: humanPull(["src/a.ts"]), policy: policy({ enabled: false }), conclusion: "success", title: "No coding agent detected" },
    { name: "rule 2: a blocked file fails", facts: agentPull([".github/workflows/ci.yml", "src/a.ts"]), policy: STANDARD, conclusion: "failure", title: "Blocked: 1 file may not be changed by agents" },
    {
      name: "rule 2: blocked whatever the approvals",
      facts: agentPull([".github/workflows/ci.yml", ".github/workflows/b.yml"]),
      policy: STANDARD,
      approvals: [approval("alice"), approval("bob")],
      conclusion: "failure",
      title: "Blocked: 2 files may not be changed by agents",
    },
    { name: "rule 3: default approve, no approval → action_required", facts: agentPull(["src/a.ts"]), policy: STANDARD, conclusion: "action_required", title: "Needs 1 more approval from a human with write access" },
    { name: "rule 3/4: met → success", facts: agentPull(["src/a.ts"]), policy: STANDARD, approvals: [approval("alice")], conclusion: "success", title: "Approved by @alice" },
    {
      name: "rule 3: per-rule stricter requirement",
      facts: agentPull(["infra/main.tf"]),
      policy: STANDARD,
      approvals: [approval("alice", { teams: ["acme/platform"] })],
      conclusion: "action_required",
      title: "Needs 1 more approval from a human (acme/platform) with write access",
    },
    {
      name: "rule 3: per-rule requirement met",
      facts: agentPull(["infra/main.tf"]),
      policy: STANDARD,
      approvals: [approval("alice", { teams: ["acme/platform"] }), approval("bob", { teams: ["ACME/Platform"] })],
      conclusion: "success",
      title: "Approved by @alice and @bob",
    },
    {
      name: "rule 3: all requirements must be met",
      facts: agentPull(["infra/main.tf", "src/a.ts"]),
      policy: STANDARD,
      approvals: [approval("alice")],
      conclusion: "action_required",
      title: "Needs 2 more approvals from humans (acme/platform) with write access",
    },
    { name: "rule 4: every file allow → success", facts: agentPull(["docs/a.md", "README.md"]), policy: STANDARD, conclusion: "success", title: "Every changed file is allowed for agents" },
    {
      name: "agent PR with unverified facts → failure, even with approvals",
      facts: agentPull(["src/a.ts"], { unverified: ["The PR has more than 3,000 files."] }),
      policy: STANDARD,
      approvals: [approval("alice")],
      conclusion: "failure",
      title: "Could not verify this pull request (1 problem)",
    },
    {
      name: "agent PR with only allowed files but unverified files → failure",
      facts: agentPull(["docs/a.md"], { unverified: ["Changed files could not be listed: HTTP 500."] }),
      policy: STANDARD,
      conclusion: "failure",
      title: "Could not verify this pull request (1 problem)",
    },
    {
      name: "policy file is never allow, even with default allow",
      facts: agentPull([".github/agent-policy.yml"]),
      policy: policy({ paths: [], default: "allow" }),
      conclusion: "action_required",
      title: "Needs 1 more approval from a human with write access",
    },
    { name: "built-in default policy blocks the policy file", facts: agentPull([".github/agent-policy.yml"]), policy: policy(), conclusion: "failure", title: "Blocked: 1 file may not be changed by agents" },
    {
      name: "a rename out of a blocked directory is blocked",
      facts: agentPull([{ path: "docs/old-ci.yml", previousPath: ".github/workflows/ci.yml" }]),
      policy: STANDARD,
      conclusion: "failure",
      title: "Blocked: 1 file may not be changed by agents",
    },
    {
      name: "targets: a release-only block applies into release branches",
      facts: agentPull(["src/a.ts"], { baseRef: "release/2.0" }),
      policy: policy({ paths: [{ match: ["**"], targets: ["release/**"], action: "block" }] }),
      conclusion: "failure",
      title: "Blocked: 1 file may not be changed by agents",
    },
    {
      name: "targets: not into main",
      facts: agentPull(["src/a.ts"]),
      policy: policy({ paths: [{ match: ["**"], targets: ["release/**"], action: "block" }] }),
      conclusion: "action_required",
      title: "Needs 1 more approval from a human with write access",
    },
    {
      name: "`!` negation: an excluded file falls through to the next rule",
      facts: agentPull(["docs/secrets/key.md"]),
      policy: policy({ paths: [{ match: ["docs/**", "!docs/secrets/**"], action: "allow" }, { match: ["docs/secrets/**"], action: "block" }] }),
      conclusion: "failure",
      title: "Blocked: 1 file may not be changed by agents",
    },
    {
      name: "a PR changing the policy file to an invalid version fails, even by a human",
      facts: humanPull([".github/agent-policy.yml"]),
      policy: STANDARD,
      extra: { headPolicy: { status: "invalid", errors: [{ file: ".github/agent-policy.yml", line: 2, column: 1, message: "unknown key" }] } },
      conclusion: "failure",
      title: "Changes the policy file to an invalid version (1 error)",
    },
    {
      name: "a PR changing the policy file to a valid version is judged as usual",
      facts: humanPull([".github/agent-policy.yml"]),
      policy: STANDARD,
      extra: { headPolicy: { status: "valid" } },
      conclusion: "success",
      title: "No coding agent detected",
    },
    {
      name: "manual label makes a human PR agent-authored",
      facts: humanPull(["src/a.ts"], { labels: ["agent-authored"] }),
      policy: STANDARD,
      conclusion: "action_required",
      title: "Needs 1 more approval from a human with write access",
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      const d = run(t.facts, t.policy, t.approvals ?? [], t.extra ?? {});
      expect({ conclusion: d.conclusion, title: d.title }).toEqual({ conclusion: t.conclusion, title: t.title });
    });
  }
});

describe("decision details", () => {
  it("invalid policy carries its errors and no hash", () => {
    const d = run(agentPull(["src/a.ts"]), INVALID);
    expect(d.policyErrors).toEqual((INVALID as { errors: unknown }).errors);
    expect(d.policy.hash).toBeNull();
    expect(d.agentAuthored).toBe(true);
    expect(d.repairsPolicy).toBe(false);
  });
  it("repair sets repairsPolicy", () => {
    const d = run(humanPull([".github/agent-policy.yml"]), INVALID, [], { headPolicy: { status: "valid" } });
    expect(d.repairsPolicy).toBe(true);
    expect(d.headPolicy).toEqual({ status: "valid" });
  });
  it("unreadable policy says why in unverified", () => {
    const d = run(humanPull(["a"]), { status: "unreadable", reason: "HTTP 502", source: { kind: "repository", description: "acme/api@main" } });
    expect(d.unverified[0]).toContain("HTTP 502");
  });
  it("blocked files list rule and reason", () => {
    const d = run(agentPull([".github/workflows/ci.yml", "src/a.ts"]), STANDARD);
    expect(d.blocked).toEqual([
      { path: ".github/workflows/ci.yml", action: "block", rule: 0, pattern: ".github/workflows/**", reason: "Agents may not change CI.", sets: [{ set: "@ci", pattern: ".github/workflows/**" }] },
    ]);
  });
  it("files with an identical effective requirement share one requirement", () => {
    const same = policy({ paths: [{ match: ["a/**"], action: "approve", approval: { count: 1 } }, { match: ["b/**"], action: "approve" }, INFRA, { match: ["c/**"], action: "approve", approval: { count: 2, teams: ["ACME/platform"] } }] });
    const d = run(agentPull(["a/x", "b/y", "src/z", "infra/m.tf", "c/q"]), same);
    expect(d.requirements.map((r) => ({ rule: r.rule, files: r.files, missing: r.missing }))).toEqual([
      { rule: 2, files: ["infra/m.tf", "c/q"], missing: 2 },
      { rule: null, files: ["a/x", "b/y", "src/z"], missing: 1 },
    ]);
  });
  it("a rule's partial approval is merged over the top-level one", () => {
    const d = run(agentPull(["infra/m.tf"]), policy({ approval: { min_permission: "maintain", exclude_contributors: false }, paths: [INFRA] }));
    expect(d.requirements[0]!.requirement).toEqual({ count: 2, min_permission: "maintain", teams: ["acme/platform"], users: [], exclude_contributors: false, dismiss_on_push: true });
  });
  it("files are matched for non-agent PRs too (for the CLI's listing), but nothing is required", () => {
    const d = run(humanPull([".github/workflows/ci.yml"]), STANDARD);
    expect(d.files).toHaveLength(1);
    expect(d.blocked).toEqual([]);
    expect(d.requirements).toEqual([]);
  });
  it("two distinct humans are needed for count 2; the same human twice counts once", () => {
    const d = run(agentPull(["infra/m.tf"]), STANDARD, [
      approval("alice", { teams: ["acme/platform"] }),
      approval("Alice", { source: "button", state: undefined, teams: ["acme/platform"] }),
    ]);
    expect(d.requirements[0]!.approvedBy).toEqual(["alice"]);
    expect(d.requirements[0]!.missing).toBe(1);
  });
  it("records contributors so the summary can name who may not approve", () => {
    const d = run(agentPull(["src/a.ts"]), STANDARD);
    expect(d.contributors).toContain("Copilot");
  });
  it("carries the PR number", () => {
    expect(run(agentPull(["src/a.ts"]), STANDARD).number).toBe(7);
  });
});

describe("qualifying humans (SPEC §4)", () => {
  const facts = agentPull(["src/a.ts"], {
    author: human("opener"),
    commits: [
      { ...commit("1234567".padEnd(40, "0"), { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: "Copilot" }), committer: { name: "Carol", email: "carol@acme.example", login: "carol" } },
      commit("89abcde".padEnd(40, "0"), { name: "Dave", email: "4242+dave@users.noreply.github.com" }, "Tweak\n\nCo-authored-by: Erin <77+erin@users.noreply.github.com>"),
      { ...commit("fedcba9".padEnd(40, "0"), { login: "frank", name: "Frank", email: "frank@acme.example" }), coAuthors: [{ name: "Gina", email: "gina@acme.example", login: "gina" }] },
    ],
  });
  const req = (extra: Partial<Policy["approval"]> = {}) => policy({ approval: extra });
  const table: { name: string; a: ApprovalFacts; p?: Policy; counted: boolean; reason?: string }[] = [
    { name: "a writer at head counts", a: approval("alice"), counted: true },
    { name: "PR author", a: approval("OPENER"), counted: false, reason: "is the PR author" },
    { name: "commit committer", a: approval("carol"), counted: false, reason: "committed commit 1234567" },
    { name: "commit author by noreply email", a: approval("dave"), counted: false, reason: "authored commit 89abcde" },
    { name: "co-author by trailer noreply email", a: approval("erin"), counted: false, reason: "co-authored commit 89abcde" },
    { name: "commit author by login", a: approval("Frank"), counted: false, reason: "authored commit fedcba9" },
    { name: "co-author resolved by GitHub", a: approval("gina"), counted: false, reason: "co-authored commit fedcba9" },
    { name: "contributors count when exclude_contributors is false", a: approval("opener"), p: req({ exclude_contributors: false }), counted: true },
    { name: "bot", a: approval("renovate[bot]", { account: { login: "renovate[bot]", type: "Bot" } }), counted: false, reason: "bot" },
    { name: "AI reviewer (Copilot code review)", a: approval("copilot-pull-request-reviewer[bot]", { account: { login: "copilot-pull-request-reviewer[bot]", type: "Bot" } }), counted: false, reason: "AI reviewer (Copilot code review): an AI's approval never counts" },
    { name: "AI reviewer even as a User account", a: approval("CodeRabbitAI[bot]", { account: { login: "CodeRabbitAI[bot]", type: "User" } }), counted: false, reason: "AI reviewer (CodeRabbit): an AI's approval never counts" },
    { name: "organization account", a: approval("acme", { account: { login: "acme", type: "Organization" } }), counted: false, reason: "is a Organization account, not a User" },
    { name: "agent identity as a User account", a: approval("Copilot", { account: { login: "Copilot", id: 198982749, type: "User" } }), p: req({ exclude_contributors: false }), counted: false, reason: "is an agent identity (copilot)" },
    { name: "read permission", a: approval("alice", { permission: "read" }), counted: false, reason: "has read permission, needs write" },
    { name: "triage below maintain", a: approval("alice", { permission: "write" }), p: req({ min_permission: "maintain" }), counted: false, reason: "has write permission, needs maintain" },
    { name: "admin above write", a: approval("alice", { permission: "admin" }), counted: true },
    { name: "no access", a: approval("alice", { permission: "none" }), counted: false, reason: "has no access to the repository, needs write" },
    { name: "permission unreadable", a: approval("alice", { permission: null }), counted: false, reason: "repository permission could not be read" },
    { name: "not in the team", a: approval("alice", { teams: [] }), p: req({ teams: ["acme/platform"] }), counted: false, reason: "not in acme/platform" },
    { name: "team unreadable", a: approval("alice", { teams: null }), p: req({ teams: ["acme/platform"] }), counted: false, reason: "team membership could not be verified" },
    { name: "in the team", a: approval("alice", { teams: ["acme/platform"] }), p: req({ teams: ["acme/platform"] }), counted: true },
    { name: "listed user", a: approval("Alice"), p: req({ users: ["alice"] }), counted: true },
    { name: "unlisted user", a: approval("zed"), p: req({ users: ["alice"] }), counted: false, reason: "not one of @alice" },
    { name: "teams and users: a listed user outside the teams qualifies", a: approval("alice", { teams: null }), p: req({ teams: ["acme/platform"], users: ["alice"] }), counted: true },
    { name: "teams and users: a team member not listed qualifies", a: approval("zed", { teams: ["acme/platform"] }), p: req({ teams: ["acme/platform"], users: ["alice"] }), counted: true },
    { name: "teams and users: neither", a: approval("zed", { teams: [] }), p: req({ teams: ["acme/platform"], users: ["alice"] }), counted: false, reason: "not in acme/platform and not one of @alice" },
    { name: "latest review CHANGES_REQUESTED withdraws", a: approval("alice", { state: "CHANGES_REQUESTED" }), counted: false, reason: "latest review is CHANGES_REQUESTED" },
    { name: "latest review COMMENTED is no approval", a: approval("alice", { state: "COMMENTED" }), counted: false, reason: "latest review is COMMENTED" },
    { name: "stale SHA with dismiss_on_push", a: approval("alice", { commitSha: OLD }), counted: false, reason: "approved an older commit bbbbbbb" },
    { name: "stale SHA counts without dismiss_on_push", a: approval("alice", { commitSha: OLD }), p: req({ dismiss_on_push: false }), counted: true },
    { name: "button approval at head counts", a: approval("alice", { source: "button", state: undefined }), counted: true },
    { name: "button approval at an older SHA does not", a: approval("alice", { source: "button", state: undefined, commitSha: OLD }), counted: false, reason: "approved an older commit bbbbbbb" },
    { name: "button approval by the PR author does not", a: approval("opener", { source: "button", state: undefined }), counted: false, reason: "is the PR author" },
  ];
  for (const t of table) {
    it(t.name, () => {
      const d = run(facts, t.p ?? policy(), [t.a]);
      expect(d.conclusion).toBe(t.counted ? "success" : "action_required");
      const a = d.approvals[0]!;
      expect({ counted: a.counted, reason: a.reason }).toEqual({ counted: t.counted, reason: t.reason });
      expect(d.requirements[0]!.approvedBy).toEqual(t.counted ? [t.a.account.login] : []);
    });
  }

  it("contributors are matched by account id when the login was renamed", () => {
    const f = agentPull(["src/a.ts"], { commits: [{ ...commit("1".repeat(40), { name: "Old", email: "555+oldname@users.noreply.github.com" }) }] });
    const d = run(f, policy(), [approval("newname", { account: { login: "newname", id: 555, type: "User" } })]);
    expect(d.approvals[0]!.reason).toBe("authored commit 1111111");
  });

  it("an approval counted for one requirement and not another says which", () => {
    const d = run(agentPull(["infra/m.tf", "src/a.ts"]), STANDARD, [approval("alice")]);
    expect(d.approvals[0]).toEqual({ login: "alice", source: "review", counted: true, countedFor: [1], reason: "rule 2: not in acme/platform" });
  });

  it("CHANGES_REQUESTED after APPROVED: the adapter passes the latest state, which withdraws", () => {
    const before = run(agentPull(["src/a.ts"]), policy(), [approval("alice", { state: "APPROVED" })]);
    const after = run(agentPull(["src/a.ts"]), policy(), [approval("alice", { state: "CHANGES_REQUESTED" })]);
    expect([before.conclusion, after.conclusion]).toEqual(["success", "action_required"]);
  });

  it("approvals do not matter for blocked PRs", () => {
    const d = run(agentPull([".github/workflows/x.yml"]), STANDARD, [approval("alice")]);
    expect(d.approvals[0]).toMatchObject({ counted: false, reason: "approvals do not override blocked files" });
  });
});

describe("strictest", () => {
  const blocked = { ...run(agentPull([".github/workflows/x.yml"], { number: 12 }), STANDARD) };
  const needs = run(agentPull(["src/a.ts"], { number: 13 }), STANDARD);
  const okd = run(humanPull(["src/a.ts"], { number: 14 }), STANDARD);
  const neutral = run(agentPull(["src/a.ts"], { number: 15 }), policy({ enabled: false }));

  it("orders failure > action_required > neutral > success", () => {
    expect(strictest([okd, neutral]).conclusion).toBe("neutral");
    expect(strictest([neutral, needs, okd]).conclusion).toBe("action_required");
    expect(strictest([okd, needs, blocked]).conclusion).toBe("failure");
  });
  it("names the driving PR and lists every PR", () => {
    const d = strictest([okd, needs, blocked]);
    expect(d.title).toBe("#12: Blocked: 1 file may not be changed by agents (+1 more not passing)");
    expect(d.pulls).toEqual([
      { number: 12, conclusion: "failure", title: blocked.title },
      { number: 13, conclusion: "action_required", title: needs.title },
      { number: 14, conclusion: "success", title: okd.title },
    ]);
    expect(d.blocked).toEqual(blocked.blocked);
  });
  it("all passing", () => {
    const d = strictest([okd, { ...okd, number: 16 }]);
    expect(d.conclusion).toBe("success");
    expect(d.title).toBe("All 2 pull requests pass");
  });
  it("one decision is returned unchanged; none is an error", () => {
    expect(strictest([needs])).toBe(needs);
    expect(() => strictest([])).toThrow(/no decisions/);
  });
  it("clearing the harmless twin does not clear the dangerous one", () => {
    const twinOk = run(agentPull(["docs/a.md"], { number: 20 }), STANDARD);
    const twinBad = run(agentPull(["src/a.ts"], { number: 21, baseRef: "release/1" }), policy({ paths: [{ match: ["**"], targets: ["release/**"], action: "block" }] }));
    expect(strictest([twinOk, twinBad])).toMatchObject({ conclusion: "failure", title: expect.stringMatching(/^#21: /) });
  });
});

describe("requirementsForFiles (what the reader looks up reviewers against)", () => {
  const p = policy({
    approval: { min_permission: "write" },
    paths: [CI, INFRA, { match: ["x/**"], action: "approve", approval: { users: ["Alice", "bob"], min_permission: "triage" } }, DOCS],
  });
  const files = (...paths: string[]) => paths.map((path) => ({ path, status: "modified" as const }));
  it("only the requirements of the rules the files fall under, as decide groups them", () => {
    expect(requirementsForFiles(p, files("infra/a.tf", "x/y.ts"), "main").map((r) => [r.min_permission, r.teams, r.users])).toEqual([
      ["write", ["acme/platform"], []],
      ["triage", [], ["Alice", "bob"]],
    ]);
    const d = run(agentPull(["infra/a.tf", "x/y.ts"]), p);
    expect(d.requirements.map((r) => r.requirement)).toEqual(requirementsForFiles(p, files("infra/a.tf", "x/y.ts"), "main"));
  });
  it("the top-level requirement for a file no rule matches; none when no file needs approval", () => {
    expect(requirementsForFiles(p, files("src/a.ts"), "main")).toEqual([p.approval]);
    expect(requirementsForFiles(p, files("docs/a.md", ".github/workflows/ci.yml"), "main")).toEqual([]);
  });
  it("a rule's `targets` are judged on the base branch", () => {
    const t = policy({ paths: [{ match: ["**"], targets: ["release/**"], action: "approve", approval: { min_permission: "admin" } }] });
    expect(requirementsForFiles(t, files("a.ts"), "release/1").map((r) => r.min_permission)).toEqual(["admin"]);
    expect(requirementsForFiles(t, files("a.ts"), "main").map((r) => r.min_permission)).toEqual([t.approval.min_permission]);
  });
  it("head SHA constant used by fixtures is the facts' head", () => {
    expect(agentPull([]).headSha).toBe(HEAD);
  });
});
