/**
 * Loading `.github/agent-policy.yml` (SPEC §3): each layer parsed with source positions (yaml.ts)
 * and validated on its own (validate.ts), the `_extends` layers merged, the defaults applied
 * (effective.ts) and the policy hashed (hash.ts).
 *
 * Pure: the caller reads the file(s); this module only sees text. A broken file never yields a
 * policy, and every error names the file, the line and column of the offending key or value, and
 * what was expected (SPEC §3: "a typo must never silently weaken a policy").
 */
import type { Policy, PolicyError } from "../types.js";
import { applyDefaults } from "./effective.js";
import { safeError } from "./errors.js";
import { policyHash } from "./hash.js";
import { validatePolicyDocument } from "./validate.js";
import { parsePolicyDocument } from "./yaml.js";

export { BUILTIN_DEFAULT_POLICY } from "./defaults.js";
export { POLICY_PATH } from "../names.js";
export { formatPolicyError } from "./errors.js";

export type LoadResult = { ok: true; policy: Policy; hash: string } | { ok: false; errors: PolicyError[] };

/**
 * Loads a policy and the files it `_extends`. `layers[0]` is the repository's own file and
 * `layers[1..]` what it extends, in order (`layers[1]` is named by `layers[0]._extends`, and so on).
 *
 * Merge rule (Probot's `_extends` convention, SPEC §3): the extending file's TOP-LEVEL keys replace
 * the extended file's keys whole. Lists are replaced, never concatenated, and a nested object such
 * as `approval` or `agents` is replaced entirely — `approval: { count: 2 }` in the extending file
 * does not inherit the extended file's `approval.teams`; it gets the defaults.
 *
 * Every layer is validated on its own, with its own positions, and must declare `version: 1`
 * (each file's keys are read by the format version of that file). Any error in any layer fails the
 * whole load.
 */
export function loadPolicyLayers(layers: readonly { text: string; file: string }[]): LoadResult {
  try {
    return loadLayers(layers);
  } catch (error) {
    // Never reached by any input the fuzzer (test/fuzz/policy-fuzz.ts) has built; if a library still
    // throws, the policy is invalid with that reason rather than an evaluation that crashes
    // (SPEC §4.0: a broken policy gives `failure` quoting the error, never silence).
    return { ok: false, errors: [internalError(layers[0]?.file ?? "(none)", error)] };
  }
}

function internalError(file: string, error: unknown): PolicyError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return safeError({ file, line: 1, column: 1, message: `the policy could not be validated (${reason.slice(0, 200)}) — simplify the file; please report this as a bug` });
}

function loadLayers(layers: readonly { text: string; file: string }[]): LoadResult {
  if (layers.length === 0) {
    return { ok: false, errors: [{ file: "(none)", line: 0, column: 0, message: "no policy file to load" }] };
  }
  const errors: PolicyError[] = [];
  const values: Record<string, unknown>[] = [];
  for (const layer of layers) {
    const parsed = parsePolicyDocument(layer.text, layer.file);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    const layerErrors = validatePolicyDocument(parsed.doc);
    errors.push(...layerErrors);
    if (layerErrors.length === 0) values.push(parsed.doc.value as Record<string, unknown>);
  }
  if (errors.length > 0) return { ok: false, errors };
  const merged: Record<string, unknown> = {};
  for (let i = values.length - 1; i >= 0; i--) {
    for (const [key, value] of Object.entries(values[i]!)) {
      if (key !== "_extends") merged[key] = value;
    }
  }
  const policy = applyDefaults(merged);
  return { ok: true, policy, hash: policyHash(policy) };
}

/** Loads one policy file on its own (its `_extends`, if any, is not followed). */
export function loadPolicy(text: string, file: string): LoadResult {
  return loadPolicyLayers([{ text, file }]);
}

/** The errors of one policy file (empty when valid): the CLI's `validate`, and a PR head's copy of the policy. */
export function validatePolicyText(text: string, file: string): PolicyError[] {
  try {
    const parsed = parsePolicyDocument(text, file);
    return parsed.ok ? validatePolicyDocument(parsed.doc) : parsed.errors;
  } catch (error) {
    return [internalError(file, error)];
  }
}

