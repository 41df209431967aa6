import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { loadPolicy } from "../src/engine/policy/load.js";
import { DEFAULT_REQUIREMENT } from "../src/engine/policy/defaults.js";
import { POLICY_SCHEMA } from "../src/engine/policy/schema.js";
import { REQUIREMENT_KEY_NAMES, requirementGroupKey } from "../src/engine/policy/requirement-keys.js";
import type { Requirement } from "../src/engine/types.js";
import { agentPull, ok, policy } from "./helpers/decision-fixtures.js";

/** For each requirement key, a value other than the default (so two rules can differ in it alone). */
const OTHER: { [K in keyof Requirement]: Requirement[K] } = {
  count: 2,
  min_permission: "maintain",
  teams: ["acme/platform"],
  users: ["bob"],
  exclude_contributors: false,
  dismiss_on_push: false,
};

describe("REQUIREMENT_KEYS: one definition of each approval requirement key", () => {
  it("covers every key of a rule's `approval` in the schema, and of the defaults", () => {
    const rules = (POLICY_SCHEMA as unknown as { properties: { paths: { items: { properties: { approval: { properties: object } } } } } }).properties.paths.items.properties;
    expect(Object.keys(rules.approval.properties).sort()).toEqual([...REQUIREMENT_KEY_NAMES].sort());
    expect(Object.keys(DEFAULT_REQUIREMENT).sort()).toEqual([...REQUIREMENT_KEY_NAMES].sort());
    expect(Object.keys(OTHER).sort()).toEqual([...REQUIREMENT_KEY_NAMES].sort());
  });

  it.each(REQUIREMENT_KEY_NAMES)("two rules differing only in `%s` stay two requirements", (key) => {
    const differing = { [key]: OTHER[key] } as Partial<Requirement>;
    const p = policy({
      paths: [
        { match: ["a/**"], action: "approve", approval: {} },
        { match: ["b/**"], action: "approve", approval: differing },
      ],
    });
    const d = decide({ facts: agentPull(["a/x.ts", "b/y.ts"]), policy: ok(p), approvals: [] });
    expect(d.requirements).toHaveLength(2);
    expect(requirementGroupKey({ ...DEFAULT_REQUIREMENT, ...differing })).not.toBe(requirementGroupKey({ ...DEFAULT_REQUIREMENT }));
  });

  it("rules asking the same thing share one requirement; login case and order do not matter", () => {
    const p = policy({
      paths: [
        { match: ["a/**"], action: "approve", approval: { users: ["Bob", "alice"], teams: ["acme/Platform"] } },
        { match: ["b/**"], action: "approve", approval: { users: ["alice", "bob"], teams: ["acme/platform"] } },
      ],
    });
    const d = decide({ facts: agentPull(["a/x.ts", "b/y.ts"]), policy: ok(p), approvals: [] });
    expect(d.requirements).toHaveLength(1);
  });

  it("the loader takes every key from the policy file", () => {
    const yaml = [
      "version: 1",
      "paths:",
      "  - match: ['a/**']",
      "    action: approve",
      "    approval:",
      "      count: 2",
      "      min_permission: maintain",
      "      teams: [acme/platform]",
      "      users: [bob]",
      "      exclude_contributors: false",
      "      dismiss_on_push: false",
      "",
    ].join("\n");
    const loaded = loadPolicy(yaml, ".github/agent-policy.yml");
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    expect(loaded.policy.paths[0]!.approval).toEqual(OTHER);
  });
});
