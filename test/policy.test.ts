import { readFileSync, readdirSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_DEFAULT_POLICY,
  POLICY_PATH,
  formatPolicyError,
  loadPolicy,
  loadPolicyLayers,
  validatePolicyText,
} from "../src/engine/policy/load.js";
import { parseExtends } from "../src/engine/policy/extends.js";
import { policyHash } from "../src/engine/policy/hash.js";
import { describePointer } from "../src/engine/policy/pointers.js";
import { suggest } from "../src/engine/policy/wording.js";
import { MAX_POLICY_VALUES, parsePolicyDocument } from "../src/engine/policy/yaml.js";
import type { LoadResult } from "../src/engine/policy/load.js";
import { POLICY_SCHEMA } from "../src/engine/policy/schema.js";
import type { Policy, PolicyError } from "../src/engine/types.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/policies/${name}`, import.meta.url), "utf8");
const FILE = ".github/agent-policy.yml";

function errorsOf(text: string, file = FILE): PolicyError[] {
  const result = loadPolicy(text, file);
  if (result.ok) throw new Error(`expected errors, got a policy: ${JSON.stringify(result.policy)}`);
  return result.errors;
}

function policyOf(result: LoadResult): Policy {
  if (!result.ok) throw new Error(`expected a policy, got:\n${result.errors.map(formatPolicyError).join("\n")}`);
  return result.policy;
}

/** The one error of a document, as `line:column: message`. */
function onlyError(text: string): string {
  const errors = errorsOf(text);
  expect(errors, errors.map(formatPolicyError).join("\n")).toHaveLength(1);
  const [e] = errors;
  expect(e!.file).toBe(FILE);
  return `${e!.line}:${e!.column}: ${e!.message}`;
}

const DEFAULTS: Policy = {
  version: 1,
  enabled: true,
  agents: {
    builtin: true,
    signals: ["identity", "trailer", "branch", "marker", "manual", "unknown-bot"],
    define: [],
    ignore: [],
    trusted: [],
    unknown_bots: "agent",
    assisted: "report",
  },
  labels: { agent: "agent-authored", per_agent: true },
  approval: {
    count: 1,
    min_permission: "write",
    teams: [],
    users: [],
    exclude_contributors: true,
    dismiss_on_push: true,
  },
  reviewFlow: { request_reviews: true, keep_on_update_merge: false },
  workflows: { escalation: "block" },
  dependencies: { action: "report" },
  paths: [],
  default: "approve",
};

describe("schema errors name the file, line, column and what was expected", () => {
  it("unknown top-level key, with a suggestion for a close typo", () => {
    expect(onlyError("version: 1\naproval:\n  count: 1\n")).toBe(
      '2:1: unknown key "aproval" at top level — expected one of: version, _extends, enabled, agents, labels, ' +
        'approval, workflows, dependencies, paths, default — did you mean "approval"?',
    );
  });

  it("unknown nested key, with a suggestion", () => {
    expect(onlyError("version: 1\napproval:\n  count: 1\n  min-permission: admin\n")).toBe(
      '4:3: unknown key "min-permission" at approval — expected one of: count, min_permission, teams, users, ' +
        'exclude_contributors, dismiss_on_push, request_reviews, keep_on_update_merge — did you mean "min_permission"?',
    );
  });

  it("unknown key with nothing close: no suggestion", () => {
    expect(onlyError("version: 1\nlabels:\n  colour: red\n")).toBe(
      '3:3: unknown key "colour" at labels — expected one of: agent, per_agent',
    );
  });

  it("unknown key inside a list item", () => {
    expect(onlyError('version: 1\npaths:\n  - match: ["a/**"]\n    action: allow\n    reasn: docs\n')).toBe(
      '5:5: unknown key "reasn" at paths[0] — expected one of: match, targets, action, reason, approval — did you mean "reason"?',
    );
  });

  it("wrong type", () => {
    expect(onlyError("version: 1\napproval:\n  count: two\n")).toBe(
      '3:10: expected an integer ≥ 1 at approval.count, got "two"',
    );
    expect(onlyError("version: 1\nenabled: yes\n")).toBe('2:10: expected true or false at enabled, got "yes"');
    expect(onlyError('version: 1\npaths:\n  - "docs/**"\n')).toBe(
      '3:5: expected a mapping with keys match, targets, action, reason, approval at paths[0], got "docs/**"',
    );
  });

  it("an empty value points at its key", () => {
    expect(onlyError("version: 1\napproval:\n  count:\n  users: []\n")).toBe(
      "3:3: expected an integer ≥ 1 at approval.count, got an empty value",
    );
  });

  it("bad enum value lists the allowed values", () => {
    expect(onlyError("version: 1\napproval:\n  min_permission: writ\n")).toBe(
      '3:19: expected one of: read, triage, write, maintain, admin at approval.min_permission, got "writ" — did you mean "write"?',
    );
    expect(onlyError("version: 1\ndefault: deny\n")).toBe(
      '2:10: expected one of: block, approve, allow at default, got "deny"',
    );
    expect(onlyError("version: 1\nagents:\n  signals: [identity, trailers]\n")).toBe(
      '3:23: expected one of: identity, trailer, branch, marker, manual, unknown-bot at agents.signals[1], got "trailers" — did you mean "trailer"?',
    );
  });

  it("count 0", () => {
    expect(onlyError("version: 1\napproval:\n  count: 0\n")).toBe("3:10: expected an integer ≥ 1 at approval.count, got 0");
    expect(onlyError("version: 1\napproval:\n  count: 1.5\n")).toBe("3:10: expected an integer ≥ 1 at approval.count, got 1.5");
  });

  it("bad team format", () => {
    expect(onlyError("version: 1\napproval:\n  teams: [acme/platform, platform]\n")).toBe(
      '3:26: expected a team written "org/team-slug" at approval.teams[1], got "platform"',
    );
  });

  it("bad user login", () => {
    expect(onlyError('version: 1\napproval:\n  users: ["@alice"]\n')).toBe(
      '3:11: expected a GitHub login (letters, digits and single hyphens, no "@") at approval.users[0], got "@alice"',
    );
  });

  it("approval on a rule whose action is not approve", () => {
    const text = [
      "version: 1",
      "paths:",
      '  - match: [".github/workflows/**"]',
      "    action: block",
      "    approval: { count: 2 }",
      "",
    ].join("\n");
    expect(onlyError(text)).toBe(
      '5:5: "approval" at paths[0] is only allowed on a rule with action: approve (this rule\'s action is "block") — ' +
        'remove it, or make the action "approve"',
    );
  });

  it("missing version", () => {
    expect(onlyError("# policy\napproval:\n  count: 1\n")).toBe(
      '2:1: missing "version: 1" at top level — every policy file must declare its format version, "version: 1"',
    );
  });

  it("version 2, and a quoted version", () => {
    expect(onlyError("version: 2\n")).toBe('1:10: unsupported policy version 2 at version — this agent-gate reads "version: 1" only');
    expect(onlyError('version: "1"\n')).toBe('1:10: expected the number 1 at version, got "1" — write "version: 1"');
  });

  it("labels.agent: true is invalid, false and a name are valid", () => {
    expect(onlyError("version: 1\nlabels:\n  agent: true\n")).toBe(
      "3:10: expected a non-empty string of at most 50 characters or false at labels.agent, got true",
    );
    expect(policyOf(loadPolicy("version: 1\nlabels:\n  agent: false\n", FILE)).labels.agent).toBe(false);
    expect(policyOf(loadPolicy("version: 1\nlabels:\n  agent: ai\n", FILE)).labels.agent).toBe("ai");
  });

  it("missing required keys of a path rule", () => {
    expect(onlyError("version: 1\npaths:\n  - action: approve\n")).toBe(
      '3:5: missing required key "match" at paths[0] (a non-empty list of non-empty strings of at most 1024 characters)',
    );
    expect(onlyError("version: 1\npaths:\n  - match: []\n    action: allow\n")).toBe(
      "3:12: expected a non-empty list of non-empty strings of at most 1024 characters at paths[0].match, got an empty list",
    );
  });

  it("duplicate list items", () => {
    expect(onlyError("version: 1\nagents:\n  signals: [identity, branch, identity]\n")).toBe(
      '3:31: duplicate item "identity" at agents.signals[2] (already at [0]) — each value may appear only once',
    );
  });

  it("custom agents: label-safe id, at least one signature, unique ids", () => {
    expect(onlyError("version: 1\nagents:\n  define:\n    - id: Acme_Bot\n      logins: [x]\n")).toBe(
      '4:11: expected an id of lowercase letters, digits and hyphens, starting with a letter or digit at agents.define[0].id, got "Acme_Bot"',
    );
    expect(onlyError("version: 1\nagents:\n  define:\n    - id: acme\n      name: ACME\n")).toBe(
      '4:7: agent "acme" at agents.define[0] has no signature — expected at least one of: logins, emails, branches, markers',
    );
    expect(onlyError("version: 1\nagents:\n  define:\n    - { id: acme, logins: [a] }\n    - { id: acme, emails: [b] }\n")).toBe(
      '5:13: duplicate agent id "acme" at agents.define[1].id (already defined at agents.define[0]) — ids must be unique: they name the label agent:<id>',
    );
  });

  it("a rule of exclusions only matches nothing and is refused (it would silently weaken a block)", () => {
    expect(onlyError('version: 1\npaths:\n  - match: ["!docs/**"]\n    action: block\n')).toBe(
      '3:12: paths[0].match has only exclusion patterns ("!…"), so it matches nothing — expected at least one pattern without "!" (e.g. "**" to mean "everything except")',
    );
    expect(onlyError('version: 1\npaths:\n  - match: ["**"]\n    targets: ["!main"]\n    action: block\n')).toMatch(/^4:\d+: paths\[0\]\.targets has only exclusion patterns/);
    expect(loadPolicy('version: 1\npaths:\n  - match: ["**", "!docs/**"]\n    action: block\n', FILE).ok).toBe(true);
  });

  it("_extends must be Probot's syntax", () => {
    expect(onlyError('_extends: "not a repo!"\nversion: 1\n')).toBe(
      '1:11: expected a repository to extend: "repo", "owner/repo" or "owner/repo:path/to/file.yml" at _extends, got "not a repo!"',
    );
    for (const ok of [".github", "acme/.github", "acme/policies:shared/agents.yml", "policies:strict.yaml"]) {
      expect(validatePolicyText(`_extends: ${ok}\nversion: 1\n`, FILE), ok).toEqual([]);
    }
  });

  it("reports every error of a file at once, in document order", () => {
    const text = [
      "version: 1", //                           1
      "approval:", //                            2
      "  cout: 2", //                            3
      "  min_permission: owner", //              4
      "labels:", //                              5
      "  agent: yes please", //                  6  (valid: a string)
      "  per_agent: 1", //                       7
      "defualt: allow", //                       8
      "",
    ].join("\n");
    const errors = errorsOf(text);
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [3, 3],
      [4, 19],
      [7, 14],
      [8, 1],
    ]);
    expect(errors[3]!.message).toContain('did you mean "default"?');
    for (const e of errors) expect(formatPolicyError(e)).toMatch(/^\.github\/agent-policy\.yml:\d+:\d+: .+/);
  });

  it("positions survive CRLF line endings, a byte-order mark and flow style", () => {
    expect(onlyError("version: 1\r\napproval:\r\n  count: 0\r\n")).toBe(
      "3:10: expected an integer ≥ 1 at approval.count, got 0",
    );
    expect(onlyError("\uFEFFversion: 1\nfoo: 1\n")).toMatch(/^2:1: unknown key "foo"/);
    expect(onlyError("{version: 1, approval: {count: 1, team: [a/b]}}\n")).toMatch(/^1:35: unknown key "team" at approval/);
  });

  it("an error inside an aliased value points at the alias", () => {
    const text = [
      "version: 1",
      "paths:",
      "  - match: [a]",
      "    action: approve",
      "    approval: &strict { count: 2, colour: 1 }",
      "  - match: [b]",
      "    action: approve",
      "    approval: *strict",
      "",
    ].join("\n");
    expect(errorsOf(text).map((e) => `${e.line}:${e.column}`)).toEqual(["5:35", "8:15"]);
  });
});

describe("YAML errors", () => {
  it("syntax error at js-yaml's mark", () => {
    expect(onlyError("version: 1\napproval:\n  count: 1\n   teams: []\n")).toBe(
      "4:9: invalid YAML: bad indentation of a mapping entry",
    );
    expect(onlyError("version: 1\napproval: [\n")).toBe(
      "3:1: invalid YAML: unexpected end of the stream within a flow collection",
    );
  });

  it("duplicate keys are rejected at the second occurrence", () => {
    expect(onlyError("version: 1\napproval:\n  count: 2\n  count: 1\n")).toBe(
      '4:3: duplicate key "count": each key may appear only once in a mapping (the second would silently replace the first)',
    );
    expect(onlyError("version: 1\ndefault: block\nenabled: true\ndefault: allow\n")).toMatch(/^4:1: duplicate key "default"/);
  });

  it("several documents in one file", () => {
    expect(onlyError("# policy\nversion: 1\n---\nversion: 1\n")).toBe(
      "3:1: invalid YAML: expected a single document in the stream, but found more",
    );
  });

  it("tags outside YAML's core schema are refused, timestamps stay strings", () => {
    expect(onlyError("version: 1\nenabled: !!js/function 'x'\n")).toMatch(/^2:\d+: invalid YAML: unknown tag/);
    // With js-yaml's default schema this would be a Date; here it is a string and so a clear error.
    expect(onlyError("version: 1\nlabels:\n  per_agent: 2024-01-01\n")).toBe(
      '3:14: expected true or false at labels.per_agent, got "2024-01-01"',
    );
  });

  it("empty file, comments only, and a file that is not a mapping", () => {
    const empty = 'the policy file is empty — expected a mapping of policy keys, starting with "version: 1"';
    expect(onlyError("")).toBe(`1:1: ${empty}`);
    expect(onlyError("# nothing yet\n\n")).toBe(`1:1: ${empty}`);
    expect(onlyError("---\n")).toBe(`1:1: ${empty}`);
    const keys = "version, _extends, enabled, agents, labels, approval, workflows, dependencies, paths, default";
    expect(onlyError("# rules\n- version: 1\n")).toBe(`2:1: expected a mapping with keys ${keys} at top level, got a list`);
    expect(onlyError("version 1\n")).toBe(`1:1: expected a mapping with keys ${keys} at top level, got "version 1"`);
  });

  it("a billion-laughs document is refused quickly instead of hanging", () => {
    let text = 'version: 1\nx0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 12; i++) text += `x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(",")}]\n`;
    const started = performance.now();
    const result = parsePolicyDocument(text, FILE);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).toContain(`more than ${MAX_POLICY_VALUES} values`);
  });

  it("merge keys and aliases are allowed", () => {
    const text = [
      "version: 1",
      "paths:",
      "  - match: [infra/**]",
      "    action: approve",
      "    approval: &strict { count: 2, teams: [acme/platform] }",
      "  - match: [db/**]",
      "    action: approve",
      "    approval: { <<: *strict, count: 3 }",
      "",
    ].join("\n");
    const policy = policyOf(loadPolicy(text, FILE));
    expect(policy.paths.map((r) => r.approval)).toEqual([
      { count: 2, teams: ["acme/platform"] },
      { count: 3, teams: ["acme/platform"] },
    ]);
    // A shared YAML value must not become a shared object in the policy.
    expect(policy.paths[0]!.approval!.teams).not.toBe(policy.paths[1]!.approval!.teams);
  });
});

describe("defaults", () => {
  it("a minimal file gets every SPEC §3 default", () => {
    const result = loadPolicy("version: 1\n", FILE);
    expect(policyOf(result)).toEqual(DEFAULTS);
  });

  it("the SPEC §3 example loads with exactly its values", () => {
    const policy = policyOf(loadPolicy(fixture("spec-example.yml"), FILE));
    expect(policy.agents.define).toEqual([
      {
        id: "acme-bot",
        name: "ACME agent",
        logins: ["acme-agent[bot]"],
        emails: ["agent@acme.example"],
        branches: ["acme-ai/**"],
        markers: ["Generated by ACME Agent"],
      },
    ]);
    expect(policy.agents.ignore).toEqual(["some-helper[bot]"]);
    expect(policy.agents.trusted).toEqual(["acme-release[bot]"]);
    expect(policy.paths).toEqual([
      { match: [".github/workflows/**", ".github/actions/**"], action: "block", reason: "Agents may not change CI." },
      // A rule's approval stays partial: the decision merges it over the top-level requirement.
      { match: ["infra/**", "**/*.tf"], action: "approve", approval: { count: 2, teams: ["acme/platform"] } },
      { match: ["docs/**", "**/*.md"], action: "allow" },
      { match: ["**"], targets: ["release/**"], action: "block" },
    ]);
    // Everything else in the example spells out the defaults.
    expect({ ...policy, agents: { ...policy.agents, define: [], ignore: [], trusted: [] }, paths: [] }).toEqual(DEFAULTS);
  });

  it("a custom agent's name defaults to its id", () => {
    const policy = policyOf(loadPolicy("version: 1\nagents:\n  define:\n    - { id: acme, markers: [ACME] }\n", FILE));
    expect(policy.agents.define).toEqual([{ id: "acme", name: "acme", logins: [], emails: [], branches: [], markers: ["ACME"] }]);
  });

  it("the schema's `default` annotations are the values the loader applies", () => {
    const props = POLICY_SCHEMA.properties;
    const loaded = policyOf(loadPolicy("version: 1\n", FILE));
    expect(props.enabled.default).toBe(loaded.enabled);
    expect(props.default.default).toBe(loaded.default);
    expect(props.paths.default).toEqual(loaded.paths);
    const agents = props.agents.properties as Record<string, { default?: unknown }>;
    for (const [key, value] of Object.entries(loaded.agents)) expect(agents[key]!.default, `agents.${key}`).toEqual(value);
    const labels = props.labels.properties as Record<string, { default?: unknown }>;
    for (const [key, value] of Object.entries(loaded.labels)) expect(labels[key]!.default, `labels.${key}`).toEqual(value);
    const approval = props.approval.properties as Record<string, { default?: unknown }>;
    for (const [key, value] of Object.entries(loaded.approval)) expect(approval[key]!.default, `approval.${key}`).toEqual(value);
  });

  it("a broken file never yields a policy", () => {
    const result = loadPolicy("version: 1\napproval:\n  count: 0\n", FILE);
    expect(result.ok).toBe(false);
    expect("policy" in result).toBe(false);
  });

  it("the policy file's own rule is not rewritten (the decision enforces 'never allow')", () => {
    const policy = policyOf(loadPolicy(`version: 1\npaths:\n  - match: ["${POLICY_PATH}"]\n    action: allow\n`, FILE));
    expect(policy.paths).toEqual([{ match: [POLICY_PATH], action: "allow" }]);
  });
});

describe("_extends layers", () => {
  const layers = [
    { text: fixture("repo-extends.yml"), file: "acme/api:.github/agent-policy.yml" },
    { text: fixture("org-base.yml"), file: "acme/.github:policies/base.yml" },
  ];

  it("the extending file's top-level keys replace the extended ones whole", () => {
    const policy = policyOf(loadPolicyLayers(layers));
    // approval comes whole from the repository: count 1, and NOT the base's teams.
    expect(policy.approval).toEqual(DEFAULTS.approval);
    // paths is replaced, never concatenated.
    expect(policy.paths).toEqual([{ match: ["src/**"], action: "approve" }]);
    // Keys the repository does not set come from the base.
    expect(policy.labels).toEqual({ agent: "ai-authored", per_agent: false });
    expect(policy.agents.ignore).toEqual(["acme-helper[bot]"]);
    expect(policy.default).toBe("block");
    // And keys neither sets get the defaults.
    expect(policy.agents.signals).toEqual(DEFAULTS.agents.signals);
  });

  it("a chain of three layers: nearer layers win", () => {
    const top = { text: "version: 1\n_extends: middle\ndefault: allow\n", file: "top.yml" };
    const middle = { text: "version: 1\n_extends: acme/base\ndefault: approve\nenabled: false\n", file: "middle.yml" };
    const base = { text: "version: 1\ndefault: block\nenabled: true\nlabels: { agent: false }\n", file: "base.yml" };
    const policy = policyOf(loadPolicyLayers([top, middle, base]));
    expect([policy.default, policy.enabled, policy.labels.agent]).toEqual(["allow", false, false]);
  });

  it("errors point into the layer that holds them", () => {
    const result = loadPolicyLayers([layers[0]!, { text: fixture("org-base-broken.yml"), file: "acme/.github:policies/base.yml" }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map(formatPolicyError)).toEqual([
      'acme/.github:policies/base.yml:4:3: unknown key "team" at approval — expected one of: count, min_permission, teams, users, exclude_contributors, dismiss_on_push, request_reviews, keep_on_update_merge — did you mean "teams"?',
      'acme/.github:policies/base.yml:5:10: expected one of: block, approve, allow at default, got "deny"',
    ]);
  });

  it("errors in several layers are all reported, each with its own file", () => {
    const result = loadPolicyLayers([
      { text: "version: 1\n_extends: base\napproval: { count: 0 }\n", file: "repo.yml" },
      { text: "version: 1\napproval: [\n", file: "base.yml" },
    ]);
    expect(result.ok ? [] : result.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["repo.yml:3", "base.yml:3"]);
  });

  it("every layer must declare its version", () => {
    const result = loadPolicyLayers([
      { text: "version: 1\n_extends: base\n", file: "repo.yml" },
      { text: "default: block\n", file: "base.yml" },
    ]);
    expect(result.ok ? [] : result.errors.map(formatPolicyError)).toEqual([
      'base.yml:1:1: missing "version: 1" at top level — every policy file must declare its format version, "version: 1"',
    ]);
  });

  it("the document exposes _extends for the adapter to follow", () => {
    const parsed = parsePolicyDocument(fixture("repo-extends.yml"), "repo.yml");
    expect(parsed.ok && parsed.doc.extends).toBe("acme/.github:policies/base.yml");
    const none = parsePolicyDocument("version: 1\n", "repo.yml");
    expect(none.ok && none.doc.extends).toBe(null);
  });

  it("parseExtends follows Probot's syntax", () => {
    const from = { owner: "acme", path: POLICY_PATH };
    expect(parseExtends(".github", from)).toEqual({ owner: "acme", repo: ".github", path: POLICY_PATH });
    expect(parseExtends("other/policies", from)).toEqual({ owner: "other", repo: "policies", path: POLICY_PATH });
    expect(parseExtends("other/policies:shared/strict.yml", from)).toEqual({
      owner: "other",
      repo: "policies",
      path: "shared/strict.yml",
    });
    expect(parseExtends("a b", from)).toBe(null);
    expect(parseExtends("acme/x:file.json", from)).toBe(null);
  });

  it("no layers is an error, not a policy", () => {
    expect(loadPolicyLayers([]).ok).toBe(false);
  });
});

describe("policy hash", () => {
  it("is sha256 hex, independent of key order and of spelled-out defaults", () => {
    const a = loadPolicy("version: 1\napproval: { count: 2, min_permission: admin }\ndefault: block\n", FILE);
    const b = loadPolicy(
      "default: block\napproval:\n  min_permission: admin\n  count: 2\n  dismiss_on_push: true\nversion: 1\nenabled: true\n",
      FILE,
    );
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(policyHash(a.policy)).toBe(a.hash);
    // Object key order of the policy value itself does not matter either.
    const reordered = Object.fromEntries(Object.entries(a.policy).reverse()) as unknown as Policy;
    expect(policyHash(reordered)).toBe(a.hash);
  });

  it("changes when the meaning changes (list order included: first match wins)", () => {
    const base = policyOf(loadPolicy("version: 1\n", FILE));
    const hash = policyHash(base);
    expect(policyHash({ ...base, approval: { ...base.approval, count: 2 } })).not.toBe(hash);
    const rules = (order: string[]) =>
      policyOf(loadPolicy(`version: 1\npaths:\n${order.map((m) => `  - { match: ["${m}"], action: allow }`).join("\n")}\n`, FILE));
    expect(policyHash(rules(["a", "b"]))).not.toBe(policyHash(rules(["b", "a"])));
  });
});

describe("BUILTIN_DEFAULT_POLICY", () => {
  it("needs one approval with the default requirement, maintainers for @control-plane and @ci, and blocks agent changes to the policy file", () => {
    expect({ ...BUILTIN_DEFAULT_POLICY, paths: [] }).toEqual(DEFAULTS);
    expect(BUILTIN_DEFAULT_POLICY.paths).toHaveLength(3);
    const [rule, controlPlane, ci] = BUILTIN_DEFAULT_POLICY.paths;
    expect(rule!.match).toEqual([".github/agent-policy.yml"]);
    expect(rule!.action).toBe("block");
    expect(rule!.reason).toMatch(/\S/);
    expect(POLICY_PATH).toBe(".github/agent-policy.yml");
    // Issue 11 §1: the named sets need a human with maintain.
    for (const [r, set] of [[controlPlane, "@control-plane"], [ci, "@ci"]] as const) {
      expect(r!.match).toEqual([set]);
      expect(r!.action).toBe("approve");
      expect(r!.approval).toEqual({ min_permission: "maintain" });
      expect(r!.reason).toMatch(/\S/);
    }
  });

  it("is what the equivalent policy file loads to, and is frozen", () => {
    const [, cp, ci] = BUILTIN_DEFAULT_POLICY.paths;
    const text =
      `version: 1\npaths:\n  - match: ["${POLICY_PATH}"]\n    action: block\n    reason: ${JSON.stringify(BUILTIN_DEFAULT_POLICY.paths[0]!.reason)}\n` +
      `  - match: ["@control-plane"]\n    action: approve\n    approval: { min_permission: maintain }\n    reason: ${JSON.stringify(cp!.reason)}\n` +
      `  - match: ["@ci"]\n    action: approve\n    approval: { min_permission: maintain }\n    reason: ${JSON.stringify(ci!.reason)}\n`;
    const loaded = loadPolicy(text, FILE);
    expect(loaded.ok && loaded.policy).toEqual(BUILTIN_DEFAULT_POLICY);
    expect(loaded.ok && loaded.hash).toBe(policyHash(BUILTIN_DEFAULT_POLICY));
    expect(Object.isFrozen(BUILTIN_DEFAULT_POLICY.approval)).toBe(true);
    expect(() => (BUILTIN_DEFAULT_POLICY.paths as unknown[]).push({})).toThrow(TypeError);
  });
});

describe("the shipped JSON Schema", () => {
  const shipped = readFileSync(new URL("../schema/agent-policy.schema.json", import.meta.url), "utf8");

  it("is the TypeScript module, byte for byte (run `npm run build && node scripts/gen-schema.js`)", () => {
    expect(shipped).toBe(`${JSON.stringify(POLICY_SCHEMA, null, 2)}\n`);
  });

  it("compiles under ajv strict mode", () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    const validate = ajv.compile(JSON.parse(shipped) as object);
    expect(validate({ version: 1 })).toBe(true);
    expect(validate({ version: 1, approval: { count: 0 } })).toBe(false);
  });

  it("gives every property a description", () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== "object") return;
      const schema = node as Record<string, unknown>;
      if (typeof schema["description"] !== "string" || schema["description"].length < 10) missing.push(path || "(root)");
      for (const [key, child] of Object.entries((schema["properties"] ?? {}) as Record<string, unknown>)) {
        walk(child, `${path}.${key}`);
      }
      if (schema["items"] !== undefined) walk(schema["items"], `${path}[]`);
    };
    walk(JSON.parse(shipped), "");
    expect(missing).toEqual([]);
  });

  it("accepts the example policies of the repository", () => {
    const dir = new URL("../examples/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith(".yml"));
    for (const f of files) {
      expect(validatePolicyText(readFileSync(new URL(f, dir), "utf8"), `examples/${f}`).map(formatPolicyError)).toEqual([]);
    }
  });
});

describe("helpers", () => {
  it("formatPolicyError", () => {
    expect(formatPolicyError({ file: "a.yml", line: 3, column: 7, message: "bad" })).toBe("a.yml:3:7: bad");
    expect(formatPolicyError({ file: "a.yml", line: 0, column: 0, message: "unreadable" })).toBe("a.yml: unreadable");
  });

  it("describePointer", () => {
    expect(describePointer("")).toBe("top level");
    expect(describePointer("/paths/0/approval/count")).toBe("paths[0].approval.count");
    expect(describePointer("/a~1b/with space")).toBe('["a/b"]["with space"]');
  });

  it("suggest only close candidates", () => {
    expect(suggest("aproval", ["approval", "paths"])).toBe("approval");
    expect(suggest("minPermission", ["min_permission", "count"])).toBe("min_permission");
    expect(suggest("colour", ["agent", "per_agent"])).toBeUndefined();
  });

  it("positionOf and keyPositionOf", () => {
    const parsed = parsePolicyDocument("# c\nversion: 1\napproval:\n  # x\n  count:   2\n", FILE);
    if (!parsed.ok) throw new Error("parse failed");
    const { doc } = parsed;
    expect(doc.positionOf("")).toEqual({ line: 2, column: 1 });
    expect(doc.positionOf("/approval")).toEqual({ line: 5, column: 3 });
    expect(doc.keyPositionOf("/approval")).toEqual({ line: 3, column: 1 });
    expect(doc.positionOf("/approval/count")).toEqual({ line: 5, column: 12 });
    // Unknown paths fall back to the nearest ancestor.
    expect(doc.positionOf("/approval/teams/3")).toEqual({ line: 5, column: 3 });
  });

  it("validatePolicyText is empty for a valid file", () => {
    expect(validatePolicyText(fixture("spec-example.yml"), FILE)).toEqual([]);
    expect(validatePolicyText("version: 1\nfoo: 1\n", FILE)).toHaveLength(1);
  });
});

describe("approval.request_reviews (issue 12)", () => {
  it("defaults to true, can be turned off, and is policy-wide: a rule's approval may not set it", () => {
    expect(policyOf(loadPolicy("version: 1\n", FILE)).reviewFlow).toEqual({ request_reviews: true, keep_on_update_merge: false });
    expect(policyOf(loadPolicy("version: 1\napproval:\n  request_reviews: false\n", FILE)).reviewFlow).toEqual({ request_reviews: false, keep_on_update_merge: false });
    expect(onlyError("version: 1\npaths:\n  - match: ['**']\n    action: approve\n    approval:\n      request_reviews: false\n")).toMatch(/^6:7: unknown key "request_reviews" at paths\[0\]\.approval/);
  });
});
