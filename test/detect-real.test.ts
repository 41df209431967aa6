/**
 * Table-driven detection on real commits, collected from public repositories with their repo@sha:
 * test/fixtures/detection/real-commits.json (what the catalogue was built from) and
 * held-out-commits.json (a sample labelled before the detector ran on it, issue 9). Every positive
 * is found in its class, every look-alike raises nothing. The verdicts are those of
 * src/engine/detect/measure.ts, which scripts/measure-detection.js prints as rates.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BUILTIN_DETECTION_CONFIG } from "../src/engine/decide/detection-config.js";
import { judgeFixture, measureFixtures, type FixtureCommit } from "../src/engine/detect/measure.js";

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "detection");
const load = (file: string): FixtureCommit[] => (JSON.parse(readFileSync(path.join(DIR, file), "utf8")) as { commits: FixtureCommit[] }).commits;
const BUILT_FROM = load("real-commits.json");
const HELD_OUT = load("held-out-commits.json");
const LOOK_ALIKES = ["mention in a subject", "human at a vendor", "person named like an agent", "Signed-off-by of a person", "trusted automation"];

describe("the fixture sets are a real measure", () => {
  it("covers many catalogue entries with real commits, and every look-alike class of issue 9", () => {
    expect(new Set(BUILT_FROM.filter((c) => c.expect !== null).map((c) => c.expect)).size).toBeGreaterThanOrEqual(25);
    expect(new Set(BUILT_FROM.filter((c) => c.expect === null).map((c) => c.strength))).toEqual(new Set(LOOK_ALIKES));
    for (const c of [...BUILT_FROM, ...HELD_OUT]) expect(c.ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{12}$/);
  });

  it("the held-out set shares no commit with the set the catalogue was built from", () => {
    const built = new Set(BUILT_FROM.map((c) => c.ref.split("@")[0]));
    expect(HELD_OUT.filter((c) => built.has(c.ref.split("@")[0]))).toEqual([]);
    expect(new Set(HELD_OUT.map((c) => c.ref.split("@")[0])).size).toBeGreaterThanOrEqual(6);
    expect(new Set(HELD_OUT.filter((c) => c.expect === null).map((c) => c.strength))).toEqual(new Set([...LOOK_ALIKES, "plain"]));
  });

  it("the measure counts what it is shown (a miss and a false alarm are reported, not hidden)", () => {
    const human = "Jane Doe <jane@example.com>";
    const missed: FixtureCommit = { ref: "acme/x@000000000001", date: "2026-01-01", author: human, committer: human, message: "Fix", expect: "claude-code", cls: "agent", strength: "strong" };
    const alarm: FixtureCommit = { ...missed, ref: "acme/x@000000000002", message: "Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>", expect: null, cls: null, strength: "plain" };
    const m = measureFixtures([missed, alarm], BUILTIN_DETECTION_CONFIG);
    expect([m.strong, m.negatives]).toEqual([{ n: 1, ok: 0 }, { n: 1, ok: 0 }]);
    expect(m.misses.map((x) => x.commit.ref)).toEqual([missed.ref, alarm.ref]);
  });
});

for (const [name, commits] of [["built-from", BUILT_FROM], ["held-out", HELD_OUT]] as const) {
  describe(`${name}: real agent commits are detected in their class`, () => {
    it.each(commits.filter((c) => c.expect !== null).map((c) => [c.ref, c.expect, c.cls, c.strength, c] as const))("%s → %s (%s, %s)", (_ref, expected, cls, _strength, c) => {
      const got = judgeFixture(c, BUILTIN_DETECTION_CONFIG);
      if (cls === "assisted") {
        expect(got.assisted).toContain(expected);
        // Assistance alone never makes a human's commit agent-authored.
        if (!/\[bot\]|cursoragent|anthropic|openai|charm\.land/.test(`${c.author} ${c.committer} ${c.message}`)) expect(got.agents).toEqual([]);
      } else {
        expect(got.agents).toContain(expected);
      }
    });
  });

  describe(`${name}: real look-alikes raise nothing`, () => {
    it.each(commits.filter((c) => c.expect === null).map((c) => [c.ref, c.strength, c] as const))("%s (%s)", (_ref, _kind, c) => {
      const got = judgeFixture(c, BUILTIN_DETECTION_CONFIG);
      expect({ agents: got.agents, assisted: got.assisted }).toEqual({ agents: [], assisted: [] });
    });
  });
}
