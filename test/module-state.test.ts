/**
 * No hidden module state in src/github and src/app (issue 13, ARCHITECTURE.md "State"): what outlives
 * one event belongs to the app instance (AppState) and is passed in, so two app instances — or the
 * CLI and a test in one process — never share a cache or a run id behind each other's back.
 * A line scan of each module's top level (declarations start at column 0): no `let`/`var`, and no
 * `Map`/`Set`/`WeakMap`/`WeakSet`/array unless typed read-only or `as const` (a constant table).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

const MUTABLE_BINDING = /^(?:export )?(?:let|var) /;
const COLLECTION = /^(?:export )?const [A-Za-z_$][\w$]*(?<type>: [^=]+)? = (?:new (?:Map|Set|WeakMap|WeakSet)\b|\[)/;

export function moduleState(text: string): string[] {
  const found: string[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (MUTABLE_BINDING.test(line)) found.push(`${i + 1}: ${line.trim()}`);
    const m = COLLECTION.exec(line);
    if (m && !/^: (?:Readonly(?:Set|Map)<|readonly )/.test(m.groups?.type ?? "") && !line.trimEnd().endsWith(" as const;")) found.push(`${i + 1}: ${line.trim()}`);
  }
  return found;
}

describe("module state", () => {
  it("the scan finds what it is meant to find", () => {
    expect(moduleState("let cache = null;\nconst runs = new Map<string, number>();\nconst seen = new WeakSet();\nconst list: string[] = [];")).toHaveLength(4);
    expect(moduleState("const KINDS: ReadonlySet<string> = new Set([\"a\"]);\nconst MAX = 5;\n  let inner = 1;\nexport const ORDER: readonly string[] = [\"x\"];\nconst ACTIONS = [\"a\", \"b\"] as const;")).toEqual([]);
  });

  it("src/github and src/app keep none", () => {
    const found = ["src/github", "src/app"].flatMap((dir) => sources(join(root, dir)).flatMap((file) => moduleState(readFileSync(file, "utf8")).map((hit) => `${relative(root, file)}:${hit}`)));
    expect(found).toEqual([]);
  });
});
