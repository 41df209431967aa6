/**
 * Seeded structural mutations of JSON payloads for the webhook-handler fuzzer
 * (test/e2e/webhook-fuzz.test.ts, `npm run fuzz:webhooks`). Each mutation picks a path in the
 * document and deletes it, nulls it, changes its type, or swaps in a hostile value: very long strings,
 * control and bidi characters, huge or negative numbers, deep nesting, wrong-shaped arrays. Nothing
 * here writes a login of a repository collaborator, so a mutated Approve click can never come from
 * someone entitled to approve (the oracle "never success" stays sound).
 */
import { seededRandom } from "../fake-github/faults.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const HOSTILE_STRINGS = [
  "",
  " ",
  "\u0000",
  "\u001b[31mred\u001b[0m",
  "line\nbreak\r\nand\u2028sep\u0085",
  "\u202eevil\u202c",
  "../../etc/passwd",
  "refs/heads/",
  "co-authored-by:" + " ".repeat(4000) + "z",
  "<".repeat(2000),
  "a".repeat(70_000),
  "0000000000000000000000000000000000000000",
  "ffffffffffffffffffffffffffffffffffffffff",
  "agent-authored",
  "copilot-swe-agent[bot]",
  "ghost",
  "dependabot[bot]",
  "Bot",
  "User",
  "approve",
  "APPROVED",
  "changes_requested",
  "closed",
  "open",
  "{\"v\":1}",
  "<!-- agent-gate:approvals {\"v\":1,\"sha\":\"x\",\"approvals\":[]} -->",
  "%00%ff",
  "😀".repeat(500),
];

const HOSTILE_NUMBERS = [0, -1, 1, 2, 3, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER, 1e308, 2 ** 31, 4_294_967_296];

function deep(n: number): JsonValue {
  let v: JsonValue = "bottom";
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { x: v };
  return v;
}

function paths(value: JsonValue, prefix: (string | number)[] = [], out: (string | number)[][] = [], depth = 0): (string | number)[][] {
  if (depth > 12) return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i]);
      paths(v, [...prefix, i], out, depth + 1);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      paths(v, [...prefix, k], out, depth + 1);
    }
  }
  return out;
}

export interface Mutator {
  /** A mutated deep copy of `doc`, with 1–`max` mutations; `log` says what was done. */
  mutate(doc: JsonValue, max?: number): { doc: JsonValue; log: string[] };
  int(n: number): number;
}

export function mutator(seed: number): Mutator {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const hostile = (): JsonValue => {
    switch (int(8)) {
      case 0:
        return pick(HOSTILE_STRINGS);
      case 1:
        return pick(HOSTILE_NUMBERS);
      case 2:
        return null;
      case 3:
        return int(2) === 0;
      case 4:
        return [];
      case 5:
        return {};
      case 6:
        return deep(50 + int(200));
      default:
        return Array.from({ length: 1 + int(300) }, () => pick(HOSTILE_STRINGS.slice(0, 20)));
    }
  };
  return {
    int,
    mutate(doc, max = 4) {
      const copy = JSON.parse(JSON.stringify(doc)) as JsonValue;
      const log: string[] = [];
      const n = 1 + int(max);
      for (let m = 0; m < n; m++) {
        const all = paths(copy);
        if (all.length === 0) break;
        const path = pick(all);
        const parentPath = path.slice(0, -1);
        let parent: JsonValue = copy;
        for (const seg of parentPath) parent = (parent as Record<string | number, JsonValue>)[seg]!;
        const key = path[path.length - 1]!;
        const container = parent as Record<string | number, JsonValue>;
        const kind = int(4);
        if (kind === 0 && !Array.isArray(parent)) {
          Reflect.deleteProperty(container, key);
          log.push(`delete ${path.join(".")}`);
        } else if (kind === 1) {
          const v = container[key];
          container[key] = typeof v === "string" ? pick(HOSTILE_NUMBERS) : typeof v === "number" ? String(v) : Array.isArray(v) ? { length: v.length } : v && typeof v === "object" ? [v] : "x";
          log.push(`retype ${path.join(".")}`);
        } else {
          container[key] = hostile();
          log.push(`hostile ${path.join(".")}`);
        }
      }
      return { doc: copy, log };
    },
  };
}
