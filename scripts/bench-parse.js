/**
 * Worst-case parsing of untrusted text (SPEC §8: "no pattern applied to untrusted text backtracks";
 * issue 8 point 1). Each row feeds 1 MB built to hurt a backtracking parser — the co-author line of
 * the issue (`co-authored-by:` + spaces + `z`, 34 s at 4,000 spaces before the fix), runs of tabs,
 * `<` and `:`, repeated trailer keys, thousands of folded lines, a deep path against a many-`**` glob,
 * hostile policy YAML — through the same entry points the app uses, and prints the time per MB
 * beside the target. test/pathological-input.test.ts asserts the answers.
 * Imports the built engine (`npm run build` first; `npm run bench` does it).
 */
import { performance } from "node:perf_hooks";
import { BUILTIN_DEFAULT_POLICY, decide } from "../lib/engine/index.js";
import { compilePolicy, matchFiles } from "../lib/engine/decide/match.js";
import { loadPolicy } from "../lib/engine/policy/load.js";
import { escapeText } from "../lib/engine/escape.js";
import { decodeButtonApprovals } from "../lib/github/button-approvals.js";

const MB = 1 << 20;
const mb = (s) => s.repeat(Math.ceil(MB / s.length));
/**
 * Linear parsers take well under this on one idle core (most rows 2–50 ms; js-yaml composing a
 * 130,000-item list and escaping a megabyte that is ALL control characters are the slow, still
 * linear, ones). What it rules out is super-linear work: the pattern this replaced needed 34 s for
 * 4 KB, and a quadratic one needs minutes for a megabyte.
 */
const TARGET_MS_PER_MB = 500;
const HEAD = "a".repeat(40);
const AGENT = { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: "Copilot" };

/** An agent PR whose one commit carries `message`: detection (trailers, markers) and contributor extraction. */
function agentFacts(message, extra = {}) {
  return {
    repository: "acme/api", number: 1, title: "t", body: "", author: { login: "Copilot", id: 198982749, type: "Bot" },
    headRef: "copilot/x", headSha: HEAD, baseRef: "main", labels: [],
    commits: [{ sha: "c".repeat(40), author: AGENT, committer: AGENT, message }],
    files: [{ path: "src/a.ts", status: "modified" }], unverified: [], ...extra,
  };
}

const POLICY = { status: "ok", policy: BUILTIN_DEFAULT_POLICY, source: { kind: "builtin", description: "bench" }, hash: "0".repeat(64) };
const decideOn = (facts) => () => decide({ facts, policy: POLICY, approvals: [] });

function cases() {
  // Patterns the fast path leaves to minimatch (classes, extglobs): the issue expected these to
  // backtrack; minimatch 11's NFA does not (test/glob-pathological.test.ts). The `**` sections with
  // classes are the worst glob case found (its memo of tried places grows with the path).
  const slow = (glob) => compilePolicy({ ...BUILTIN_DEFAULT_POLICY, paths: [{ match: [glob], action: "block" }] });
  const [extglob, classes, sections] = ["+(a|aa)", "*[a]*[a]*[a]*[a]*[c]*b", "**/*[a]*/**/*[a]*/**/*[c]*/**/b"].map(slow);
  const deepPolicy = compilePolicy({ ...BUILTIN_DEFAULT_POLICY, paths: [{ match: ["**/a/**/a/**/a/**/a/**/b"], action: "block" }, { match: ["*a*a*a*a*a*a*a*b"], action: "block" }] });
  return [
    ["decide: co-authored-by: + 1 MB of spaces + z (issue 8's line)", decideOn(agentFacts(`Fix\n\nco-authored-by:${mb(" ")}z`))],
    ["decide: co-authored-by: + 1 MB of tabs, unterminated <", decideOn(agentFacts(`Fix\n\nCo-authored-by: x${mb("\t")}<bob@acme.example`))],
    ["decide: 1 MB of `<` in a trailer", decideOn(agentFacts(`Fix\n\nCo-authored-by: ${mb("<")}`))],
    ["decide: 1 MB of repeated trailer keys", decideOn(agentFacts(`Fix\n\n${mb("Co-authored-by: ")}`))],
    ["decide: 1 MB of folded continuation lines", decideOn(agentFacts(`Fix\n\nCo-authored-by: Bob\n${mb(" x\n")}`))],
    ["decide: 1 MB of `:` in title, body and branch", decideOn(agentFacts("Fix", { title: mb(":"), body: mb(":"), headRef: `copilot/${mb(":")}` }))],
    ["match: 1 MB path a…ab vs +(a|aa) (extglob)", () => matchFiles(extglob, [{ path: `${mb("a")}b` }], "main")],
    ["match: 1 MB one-segment path a…ab vs *[a]*[a]*[a]*[a]*[c]*b", () => matchFiles(classes, [{ path: `${mb("a")}b` }], "main")],
    ["match: 1 MB path of a/ segments vs **/*[a]*/**/*[a]*/**/*[c]*/**/b (worst glob found)", () => matchFiles(sections, [{ path: `${mb("a/")}b` }], "main")],
    ["match: 1 MB path of a/ segments vs **/a/**/a/**/a/**/a/**/b", () => matchFiles(deepPolicy, [{ path: `${mb("a/")}c` }], "main")],
    ["match: 1 MB one-segment path vs *a*a*a*a*a*a*a*b", () => matchFiles(deepPolicy, [{ path: mb("a") }], "main")],
    ["loadPolicy: duplicate key after 1 MB of spaces", () => loadPolicy(`version: 1\nenabled: true\nenabled${mb(" ")}: false\n`, "p.yml")],
    ["loadPolicy: 1 MB flow list (130,000+ items)", () => loadPolicy(`version: 1\nagents:\n  ignore: [${mb("a, ")}a]\n`, "p.yml")],
    ["escapeText: 1 MB of control and bidi characters", () => escapeText(mb("\u001b\u0000\r\n\u2028\u0085\u202e"))],
    ["button block: 1 MB of repeated ` -->` after the opener", () => decodeButtonApprovals(`\n\n<!-- agent-gate:approvals ${mb(" -->")}`, HEAD)],
  ];
}

function medianMs(fn, runs = 5) {
  fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/** @returns {Promise<{ section: string; name: string; measured: string; target: string; ok: boolean | null }[]>} */
export async function run() {
  const rows = cases().map(([name, fn]) => ({ name, ms: medianMs(fn) }));
  const worst = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
  return [
    ...rows.map((r) => ({ section: "parse", name: r.name, measured: `${r.ms.toFixed(1)} ms per MB`, target: "—", ok: null })),
    { section: "parse", name: `worst case: ${worst.name}`, measured: `${worst.ms.toFixed(1)} ms per MB`, target: `≤ ${TARGET_MS_PER_MB} ms per MB`, ok: worst.ms <= TARGET_MS_PER_MB },
  ];
}
