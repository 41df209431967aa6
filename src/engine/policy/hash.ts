/** The policy hash shown in the check summary and the audit log. */
import { createHash } from "node:crypto";
import type { Policy } from "../types.js";
import { isPlainObject } from "./pointers.js";

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON.stringify(undefined) is undefined; its type says string
  return JSON.stringify(value) ?? "null";
}

/**
 * sha256 (hex) of the effective policy as canonical JSON (keys sorted), shown in the check summary
 * and the audit log: two files that mean the same (key order, defaults spelled out or not) hash the same.
 */
export function policyHash(policy: Policy): string {
  return createHash("sha256").update(canonicalJson(policy)).digest("hex");
}
