/**
 * Table-driven detection on real commits (test/fixtures/detection/real-commits.json, collected from
 * public repositories with their repo@sha): every positive is found in its class, every look-alike
 * raises nothing. scripts/measure-detection.js prints the same verdicts as rates.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BUILTIN_DETECTION_CONFIG } from "../src/engine/decide/detection-config.js";
import { detectAgents } from "../src/engine/detect.js";
import type { GitIdentity, PullFacts } from "../src/engine/types.js";

interface RealCommit {
  ref: string;
  date: string;
  author: string;
  committer: string;
  message: string;
  expect: string | null;
  cls: "agent" | "assisted" | null;
  strength: string;
}

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "detection", "real-commits.json");
const { commits } = JSON.parse(readFileSync(FILE, "utf8")) as { commits: RealCommit[] };

function identity(text: string): GitIdentity {
  const lt = text.lastIndexOf("<");
  return { name: text.slice(0, lt).trim(), email: text.slice(lt + 1, text.endsWith(">") ? -1 : undefined).trim() };
}

/** One commit as the CLI sees it: git identities only, no GitHub accounts, no PR. */
function detect(c: RealCommit) {
  const facts: PullFacts = {
    repository: c.ref.split("@")[0]!,
    number: null,
    title: "",
    body: "",
    author: null,
    headRef: "",
    headSha: "0".repeat(40),
    baseRef: "main",
    labels: [],
    commits: [{ sha: c.ref.split("@")[1]!.padEnd(40, "0"), author: identity(c.author), committer: identity(c.committer), message: c.message }],
    files: [],
    unverified: [],
  };
  const d = detectAgents(facts, BUILTIN_DETECTION_CONFIG);
  return { agents: d.agents.map((a) => a.id), assisted: (d.assisted ?? []).map((a) => a.id) };
}

describe("the fixture set is a real measure", () => {
  it("covers many catalogue entries with real commits, and every look-alike class of issue 9", () => {
    expect(new Set(commits.filter((c) => c.expect !== null).map((c) => c.expect)).size).toBeGreaterThanOrEqual(25);
    expect(new Set(commits.filter((c) => c.expect === null).map((c) => c.strength))).toEqual(
      new Set(["mention in a subject", "human at a vendor", "person named like an agent", "Signed-off-by of a person", "trusted automation"]),
    );
    for (const c of commits) expect(c.ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{12}$/);
  });
});

describe("real agent commits are detected in their class", () => {
  it.each(commits.filter((c) => c.expect !== null).map((c) => [c.ref, c.expect, c.cls, c.strength, c] as const))(
    "%s → %s (%s, %s)",
    (_ref, expected, cls, _strength, c) => {
      const got = detect(c);
      if (cls === "assisted") {
        expect(got.assisted).toContain(expected);
        // Assistance alone never makes a human's commit agent-authored.
        if (!/\[bot\]|cursoragent|anthropic|openai|charm\.land/.test(`${c.author} ${c.committer} ${c.message}`)) expect(got.agents).toEqual([]);
      } else {
        expect(got.agents).toContain(expected);
      }
    },
  );
});

describe("real look-alikes raise nothing", () => {
  it.each(commits.filter((c) => c.expect === null).map((c) => [c.ref, c.strength, c] as const))("%s (%s)", (_ref, _kind, c) => {
    expect(detect(c)).toEqual({ agents: [], assisted: [] });
  });
});
