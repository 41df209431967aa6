/**
 * Issue 8 (glob): the path matcher of src/engine/decide/match.ts answers exactly minimatch's answer
 * (`dot: true, nonegate: true, nocomment: true`) — its own linear fast path for literals, `*`, `?`
 * and `**`, minimatch itself for classes, escapes and extglobs — over thousands of seeded random
 * patterns and paths built from a small alphabet that includes every character with a glob meaning.
 * The one deliberate difference: a leading "/" anchors at the repository root (SPEC §3), so the
 * pattern minimatch is asked about is `rootRelative(pattern)`.
 */
import { Minimatch } from "minimatch";
import { describe, expect, it } from "vitest";
import { compilePolicy, matchPath } from "../src/engine/decide/match.js";
import { rootRelative } from "../src/engine/policy/patterns.js";
import type { Policy } from "../src/engine/types.js";
import { seededRandom } from "./fake-github/faults.js";

const MM_OPTIONS = { dot: true, nonegate: true, nocomment: true } as const;

const PATTERN_ALPHABET = ["a", "b", "a", "b", ".", "/", "*", "*", "**", "?", "[", "]", "!", "-", "\\", "{a,b}", "[a-b]", "[!a]", "[[:alpha:]]"];
/** Only what the fast path compiles itself (no class, escape or `!`): most of these patterns never reach minimatch. */
const SIMPLE_ALPHABET = ["a", "b", "ab", ".", "/", "/", "*", "*", "**", "**", "?", "{a,b}", "{,.}", "-"];
const PATH_ALPHABET = ["a", "b", "a", "b", ".", "/", "/", "*", "?", "[", "]", "!", "-", "\\", "ab", "c"];

function build(next: () => number, alphabet: string[], max: number): string {
  const n = 1 + Math.floor(next() * max);
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)]!;
  return s;
}

/** A one-rule policy, so matchPath goes through compilation, the candidate index and the matcher. */
function policyOf(pattern: string): Policy {
  return { version: 1, paths: [{ match: [pattern], action: "block" }], default: "allow" } as unknown as Policy;
}

function agrees(pattern: string, path: string, mm: Minimatch, compiled: ReturnType<typeof compilePolicy>): boolean {
  const ours = matchPath(compiled, path, "main").rule === 0;
  return ours === mm.match(path);
}

describe("the path matcher answers exactly what minimatch answers", () => {
  const cases: [seed: number, alphabet: string[], name: string][] = [
    [1, PATTERN_ALPHABET, "every glob character"],
    [2, PATTERN_ALPHABET, "every glob character"],
    [3, SIMPLE_ALPHABET, "the fast path's characters"],
    [4, SIMPLE_ALPHABET, "the fast path's characters"],
  ];
  for (const [seed, alphabet, name] of cases) {
    it(`seed ${seed}, ${name}: 1,500 random patterns × 12 random paths, plus paths built from the pattern`, () => {
      const next = seededRandom(seed);
      const mismatches: string[] = [];
      let compared = 0;
      for (let i = 0; i < 1500; i++) {
        const pattern = build(next, alphabet, 8);
        if (pattern.startsWith("!")) continue; // an exclusion in a policy, not a pattern (tested in match.test.ts)
        const compiled = compilePolicy(policyOf(pattern));
        const mm = new Minimatch(rootRelative(pattern), MM_OPTIONS);
        // Random paths rarely match; paths spelled from the pattern itself (wildcards replaced) often do.
        const spelled = rootRelative(pattern).replaceAll("**", "a/b").replaceAll("*", "ab").replaceAll("?", "a").replace(/[{}]/g, "");
        const paths = [spelled, spelled.replaceAll("[", "").replaceAll("]", "")];
        for (let j = 0; j < 12; j++) paths.push(build(next, PATH_ALPHABET, 10));
        for (const path of paths) {
          compared++;
          if (!agrees(pattern, path, mm, compiled)) mismatches.push(`${JSON.stringify(pattern)} vs ${JSON.stringify(path)}: minimatch ${mm.match(path)}`);
        }
      }
      expect(compared).toBeGreaterThan(15_000);
      expect(mismatches.slice(0, 20)).toEqual([]);
    });
  }

  it("the generator produces matches too (the comparison is not all `false`)", () => {
    const next = seededRandom(99);
    let matched = 0;
    for (let i = 0; i < 500; i++) {
      const pattern = build(next, PATTERN_ALPHABET, 6);
      const spelled = rootRelative(pattern).replaceAll("**", "a/b").replaceAll("*", "ab").replaceAll("?", "a").replace(/[{}]/g, "");
      if (new Minimatch(rootRelative(pattern), MM_OPTIONS).match(spelled)) matched++;
    }
    expect(matched).toBeGreaterThan(100);
  });
});
