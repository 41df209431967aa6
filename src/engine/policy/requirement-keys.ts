/**
 * The keys of an approval requirement (`approval` at the top level and in a rule), defined once.
 * The loader copies them from the policy file with this table, the decision groups files whose
 * requirements agree on every key into one requirement with it, and the JSON output writes them
 * with it: a key added to `Requirement` and left out here is a compile error (`satisfies` below),
 * and one missing from the schema or the defaults fails test/requirement-keys.test.ts.
 * Why grouping must see every key: two rules that differ only in who may approve (say `users`)
 * merged into one requirement would let one rule's approvers satisfy the other's files.
 */
import type { Requirement } from "../types.js";

interface RequirementKey<K extends keyof Requirement> {
  /** The value as the loader takes it from the (schema-validated) policy document. */
  fromPolicy(value: unknown): Requirement[K];
  /** The value two requirements must share to be one group (order and case of logins do not matter). */
  groupValue(value: Requirement[K]): unknown;
  /** A copy for outputs (JSON, audit), never aliasing the policy's arrays. */
  copy(value: Requirement[K]): Requirement[K];
}

const same = <T>(v: T): T => v;
const names = (xs: readonly string[]): string[] => [...new Set(xs.map((x) => x.toLowerCase()))].sort();
const nameList: RequirementKey<"teams"> & RequirementKey<"users"> = {
  fromPolicy: (v) => (Array.isArray(v) ? v.map(String) : []),
  groupValue: names,
  copy: (v) => [...v],
};

export const REQUIREMENT_KEYS = {
  count: { fromPolicy: (v) => v as number, groupValue: same, copy: same },
  min_permission: { fromPolicy: (v) => v as Requirement["min_permission"], groupValue: same, copy: same },
  teams: nameList,
  users: nameList,
  exclude_contributors: { fromPolicy: (v) => v as boolean, groupValue: same, copy: same },
  dismiss_on_push: { fromPolicy: (v) => v as boolean, groupValue: same, copy: same },
} satisfies { [K in keyof Requirement]: RequirementKey<K> };

export const REQUIREMENT_KEY_NAMES = Object.keys(REQUIREMENT_KEYS) as (keyof Requirement)[];

function keyOf<K extends keyof Requirement>(name: K): RequirementKey<K> {
  return REQUIREMENT_KEYS[name] as unknown as RequirementKey<K>;
}

/** The keys a policy document's `approval` object gives (others keep the inherited value). */
export function requirementFromPolicy(value: Record<string, unknown>): Partial<Requirement> {
  const out: Partial<Record<keyof Requirement, unknown>> = {};
  for (const name of REQUIREMENT_KEY_NAMES) {
    if (value[name] !== undefined) out[name] = keyOf(name).fromPolicy(value[name]);
  }
  return out as Partial<Requirement>;
}

/** Equal for two requirements exactly when they ask the same thing of the same people. */
export function requirementGroupKey(r: Requirement): string {
  return JSON.stringify(REQUIREMENT_KEY_NAMES.map((name) => keyOf(name).groupValue(r[name])));
}

/** A copy of every key, in the table's order. */
export function copyRequirement(r: Requirement): Requirement {
  const out: Partial<Record<keyof Requirement, unknown>> = {};
  for (const name of REQUIREMENT_KEY_NAMES) out[name] = keyOf(name).copy(r[name]);
  return out as Requirement;
}
