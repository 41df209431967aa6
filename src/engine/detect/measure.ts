/**
 * The verdicts of detection on labelled real commits (test/fixtures/detection/*.json), shared by
 * test/detect-real.test.ts and scripts/measure-detection.js so that the test and the published
 * figures can never judge a commit differently.
 *
 * Each commit is judged alone, as the CLI sees it: git identities and the message, no GitHub
 * logins, no PR. A positive counts as found when its expected agent is detected in the expected
 * class (`agents` for agent work, `assisted` for applied AI suggestions); a negative is a false
 * alarm when anything at all is detected, in either class.
 */
import { detectAgents } from "../detect.js";
import type { DetectionConfig, GitIdentity, PullFacts } from "../types.js";

/** One labelled commit of a fixture file (metadata excerpt of a real commit, cited as repo@sha). */
export interface FixtureCommit {
  ref: string;
  date: string;
  /** `Name <email>`. */
  author: string;
  committer: string;
  message: string;
  /** The agent or reviewer that must be detected; null: nothing may be. */
  expect: string | null;
  cls: "agent" | "assisted" | null;
  /** Positives: "strong" (identity or trailer), "weak" (marker only), "unknown bot", …; negatives: the look-alike class. */
  strength: string;
}

export interface Verdict {
  ok: boolean;
  agents: string[];
  assisted: string[];
}

/** `Name <email>` → identity (the fixtures' format; the last `<` starts the address). */
export function identityOfText(text: string): GitIdentity {
  const lt = text.lastIndexOf("<");
  if (lt === -1) return { name: text.trim(), email: "" };
  return { name: text.slice(0, lt).trim(), email: text.slice(lt + 1, text.endsWith(">") ? -1 : undefined).trim() };
}

/** The facts of one fixture commit: a one-commit range with nothing but git's own data. */
export function factsOfFixture(commit: FixtureCommit): PullFacts {
  const at = commit.ref.indexOf("@");
  return {
    repository: commit.ref.slice(0, at),
    number: null,
    title: "",
    body: "",
    author: null,
    headRef: "",
    headSha: "0".repeat(40),
    baseRef: "main",
    labels: [],
    commits: [
      {
        sha: commit.ref.slice(at + 1).padEnd(40, "0"),
        author: identityOfText(commit.author),
        committer: identityOfText(commit.committer),
        message: commit.message,
      },
    ],
    files: [],
    unverified: [],
  };
}

/** The verdict on one fixture commit (see the module comment). */
export function judgeFixture(commit: FixtureCommit, config: DetectionConfig): Verdict {
  const d = detectAgents(factsOfFixture(commit), config);
  const agents = d.agents.map((a) => a.id);
  const assisted = (d.assisted ?? []).map((a) => a.id);
  if (commit.expect === null) return { ok: agents.length === 0 && assisted.length === 0, agents, assisted };
  const pool = commit.cls === "assisted" ? assisted : agents;
  return { ok: pool.includes(commit.expect), agents, assisted };
}

export interface Tally {
  n: number;
  ok: number;
}

export interface Measure {
  /** Per group: `<cls> (<strength>)` for positives, `negatives: <class>` for look-alikes. */
  groups: Map<string, Tally>;
  /** Identity or trailer positives. */
  strong: Tally;
  /** Marker-only positives. */
  weak: Tally;
  /** Bots nobody catalogued or trusted (found as `unknown-bot`). */
  bots: Tally;
  negatives: Tally;
  misses: { commit: FixtureCommit; verdict: Verdict }[];
}

function add(t: Tally, ok: boolean): void {
  t.n++;
  if (ok) t.ok++;
}

/** Every commit judged, tallied by group and by measure (issue 9's three figures). */
export function measureFixtures(commits: readonly FixtureCommit[], config: DetectionConfig): Measure {
  const m: Measure = { groups: new Map(), strong: { n: 0, ok: 0 }, weak: { n: 0, ok: 0 }, bots: { n: 0, ok: 0 }, negatives: { n: 0, ok: 0 }, misses: [] };
  for (const commit of commits) {
    const verdict = judgeFixture(commit, config);
    const key = commit.expect === null ? `negatives: ${commit.strength}` : `${commit.cls ?? "agent"} (${commit.strength})`;
    const group = m.groups.get(key) ?? { n: 0, ok: 0 };
    add(group, verdict.ok);
    m.groups.set(key, group);
    if (commit.expect === null) add(m.negatives, verdict.ok);
    else if (commit.strength === "strong") add(m.strong, verdict.ok);
    else if (commit.strength === "weak") add(m.weak, verdict.ok);
    else add(m.bots, verdict.ok);
    if (!verdict.ok) m.misses.push({ commit, verdict });
  }
  return m;
}
