import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { strictest } from "../src/engine/decide/strictest.js";
import { CHECK_OUTPUT_MAX, utf8Length } from "../src/engine/render/bounded-doc.js";
import { code, md, sanitize } from "../src/engine/render/markdown.js";
import { groupEvidence } from "../src/engine/render/groups.js";
import { renderCheck } from "../src/engine/render/check.js";
import { renderJson } from "../src/engine/render/json.js";
import { renderText } from "../src/engine/render/text.js";
import type { ApprovalFacts, Decision, PathRule, Policy, PolicyState, PullFacts } from "../src/engine/types.js";
import { agentPull, approval, humanPull, ok, policy } from "./helpers/decision-fixtures.js";

const STANDARD = policy({
  paths: [
    { match: [".github/workflows/**"], action: "block", reason: "Agents may not change CI." },
    { match: ["infra/**"], action: "approve", approval: { count: 2, teams: ["acme/platform"] } },
    { match: ["docs/**"], action: "allow" },
  ],
});

function run(facts: PullFacts, p: Policy | PolicyState = STANDARD, approvals: ApprovalFacts[] = []): Decision {
  return decide({ facts, policy: "status" in p ? p : ok(p), approvals });
}

/** The Markdown outside code spans (where GitHub renders markup and links mentions). */
function outsideCode(markdown: string): string {
  return markdown.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, "");
}

describe("check output", () => {
  it("puts the verdict first", () => {
    const out = renderCheck(run(agentPull([".github/workflows/ci.yml"])));
    expect(out.title).toBe("Blocked: 1 file may not be changed by agents");
    expect(out.summary.split("\n")[0]).toBe("### ❌ Blocked\\: 1 file may not be changed by agents");
    expect(out.summary).toContain("`.github/workflows/ci.yml` — rule 1 `.github/workflows/**`: Agents may not change CI\\.");
  });

  it("action_required says how many more and exactly who may approve", () => {
    const d = run(agentPull(["infra/main.tf", "src/a.ts"]), STANDARD, [approval("alice"), approval("Copilot", { account: { login: "Copilot", type: "Bot" } })]);
    const { summary } = renderCheck(d);
    expect(summary).toContain("2 more approvals for 1 file (rule 2's requirement) from a human (not a bot or coding agent) with **write** permission or higher, a member of `acme/platform`, not the PR author or an author, committer or co-author of its commits (@\u2060Copilot)");
    expect(summary).not.toContain("default requirement (`approval`) from"); // met by alice
    expect(summary).toContain("- ✅ @\u2060alice (review) — partly: rule 2\\: not in acme\\/platform");
    expect(summary).toContain("- ✖ @\u2060Copilot (review) — bot");
    expect(summary).toContain("**Approve** button");
  });

  it("lists agents and evidence, files by rule, policy source and hash", () => {
    const { summary, text } = renderCheck(run(agentPull(["src/a.ts", "docs/x.md"])));
    expect(summary).toMatch(/#### Agents and evidence\nDetected: GitHub Copilot coding agent \(`copilot`\)/);
    expect(summary).toContain("| `copilot` | identity | pr author |");
    expect(summary).toContain("| default | approve | — | 1: `src/a.ts` |");
    expect(summary).toContain("| rule 3 | allow | `docs/**` | 1: `docs/x.md` |");
    expect(summary).toContain(`Policy: acme\\/api@\u2060main\\:\\.github\\/agent\\-policy\\.yml (repository) · sha256 \`${"f".repeat(64)}\``);
    expect(text).toContain("### rule 3 `docs/**` — **allow** (1 file)\n\n- `docs/x.md`");
    expect(text).toContain("## Commits");
  });

  it("quotes policy errors with file:line:column", () => {
    const d = run(humanPull(["a"]), {
      status: "invalid",
      errors: [{ file: ".github/agent-policy.yml", line: 4, column: 3, message: "unknown key \"aproval\" (expected one of: approval, …)" }],
      source: { kind: "repository", description: "acme/api@main:.github/agent-policy.yml" },
    });
    const { summary } = renderCheck(d);
    expect(summary).toContain('- `.github/agent-policy.yml:4:3` unknown key "aproval" \\(expected one of\\: approval, …\\)');
  });

  it("shows the errors of the PR's own invalid copy of the policy", () => {
    const d = decide({
      facts: humanPull([".github/agent-policy.yml"]),
      policy: ok(STANDARD),
      approvals: [],
      headPolicy: { status: "invalid", errors: [{ file: ".github/agent-policy.yml", line: 7, column: 5, message: "expected a list" }] },
    });
    const { title, summary } = renderCheck(d);
    expect(title).toBe("Changes the policy file to an invalid version (1 error)");
    expect(summary).toContain("would fail every pull request");
    expect(summary).toContain("- `.github/agent-policy.yml:7:5` expected a list");
  });

  it("explains unverified facts and how to re-run", () => {
    const { summary } = renderCheck(run(humanPull(["a"], { unverified: ["The PR has more than 3,000 files; GitHub lists only 3,000."] })));
    expect(summary).toContain("#### Could not verify");
    expect(summary).toContain("more than 3,000 files");
    expect(summary).toContain("Re-run the `agent-gate` check");
  });

  it("no agent: says what was checked", () => {
    const { summary } = renderCheck(run(humanPull(["a"])));
    expect(summary).toContain("No coding agent detected. Checked:");
    expect(summary).toMatch(/- PR author \\\(dev\\\)/);
  });

  it("a combined decision names every PR", () => {
    const d = strictest([run(humanPull(["a"], { number: 3 })), run(agentPull([".github/workflows/x"], { number: 4 }))]);
    const { title, summary } = renderCheck(d);
    expect(title).toBe("#4: Blocked: 1 file may not be changed by agents");
    expect(summary).toContain("| #4 | ❌ Blocked\\: 1 file may not be changed by agents |");
    expect(summary).toContain("| #3 | ✅ No coding agent detected |");
  });

  it("keeps the title to one line of at most 1,024 characters", () => {
    const d = { ...run(humanPull(["a"])), title: "x\ny".padEnd(5000, "z") };
    const { title } = renderCheck(d);
    expect(title.length).toBe(1024);
    expect(title).not.toMatch(/\n/);
  });
});

describe("GitHub's 65,535-character limit", () => {
  const rules: PathRule[] = Array.from({ length: 300 }, (_, i) =>
    i === 0 ? { match: ["blocked/**"], action: "block" as const, reason: "No." } : { match: [`area${i}/**`, `**/*.ext${i}`], action: i % 3 === 0 ? ("allow" as const) : ("approve" as const), reason: `Reason ${i}` },
  );
  const files = Array.from({ length: 3000 }, (_, i) => (i < 5 ? `blocked/f${i}.ts` : `area${i % 300}/some/deeper/directory/structure/file-number-${i}.ts`));
  const big = run(agentPull(files), policy({ paths: rules }));

  it("summary and text fit for 3,000 files and 300 rules, counted in UTF-8 bytes", () => {
    const { summary, text } = renderCheck(big);
    expect(utf8Length(summary)).toBeLessThanOrEqual(CHECK_OUTPUT_MAX);
    expect(utf8Length(text)).toBeLessThanOrEqual(CHECK_OUTPUT_MAX);
    expect(text).toMatch(/… and [\d,]+ more files?/);
    // The blocked files are never crowded out by the mass of others.
    for (let i = 0; i < 5; i++) expect(text).toContain(`- \`blocked/f${i}.ts\``);
    expect(summary).toContain("`blocked/f4.ts`");
  });

  it("stays within the limit with huge multi-byte names", () => {
    const names = Array.from({ length: 3000 }, (_, i) => `дерево/${"é😀".repeat(400)}-${i}`);
    const d = run(agentPull(names, { unverified: Array.from({ length: 500 }, (_, i) => `problem ${"ü".repeat(900)} ${i}`) }));
    const { summary, text } = renderCheck(d);
    expect(utf8Length(summary)).toBeLessThanOrEqual(CHECK_OUTPUT_MAX);
    expect(utf8Length(text)).toBeLessThanOrEqual(CHECK_OUTPUT_MAX);
    expect(summary).toMatch(/… and [\d,]+ more problems/);
  });

  it("a tiny budget truncates with a note instead of overflowing", async () => {
    const { renderSummary } = await import("../src/engine/render/summary.js");
    const s = renderSummary(big, 2000);
    expect(utf8Length(s)).toBeLessThanOrEqual(2000);
    expect(s).toMatch(/… and \d+ more rules/);
    const tiny = renderSummary(big, 700);
    expect(utf8Length(tiny)).toBeLessThanOrEqual(700);
    expect(tiny).toContain("output truncated");
  });
});

describe("escaping user-controlled strings", () => {
  const evil = [
    "docs/<img src=x onerror=alert(1)>.md",
    "@acme/security-team.md",
    "src/**bold** [link](http://evil.example)",
    "a|b|c.ts",
    "weird`back``ticks`.ts",
    "line\nbreak.ts",
    "bidi\u202Egnp.exe",
    "term\u001b[31mred.ts",
  ];
  const d = run(agentPull(evil, { commits: [] }), STANDARD, [
    approval("mallory", { state: "CHANGES_REQUESTED" }),
  ]);

  it("no markup, HTML or mention survives outside code spans", () => {
    for (const out of [renderCheck(d).summary, renderCheck(d).text]) {
      const plain = outsideCode(out);
      expect(plain).not.toMatch(/<img|<script/);
      expect(plain).not.toMatch(/@(?!\u2060)[A-Za-z0-9]/);
      expect(plain).not.toContain("[link](");
      expect(out).not.toContain("\u202E");
      expect(out).not.toContain("\u001b");
    }
  });

  it("file names are code spans; `|` is escaped inside tables; backticks get a longer fence", () => {
    const { summary, text } = renderCheck(d);
    expect(text).toContain("- ```weird`back``ticks`.ts```");
    expect(summary).toContain("`a\\|b\\|c.ts`");
    expect(text).toContain("- `line break.ts`");
  });

  it("md() escapes punctuation and breaks mentions", () => {
    expect(md("@acme/team <b>*x*</b> #12")).toBe("@\u2060acme\\/team \\<b\\>\\*x\\*\\<\\/b\\> \\#\u206012");
    expect(code("`x`")).toBe("`` `x` ``");
    expect(code("a|b", { inTable: true })).toBe("`a\\|b`");
    expect(sanitize("a\u0000b\u001b[0m")).toBe("a\\x00b\\x1b[0m");
  });

  it("renderText strips terminal escapes", () => {
    const t = renderText(d);
    expect(t).not.toContain("\u001b");
    expect(t).toContain("term\\x1b[31mred.ts");
    expect(t).toContain("@mallory (review): latest review is CHANGES_REQUESTED");
  });
});

describe("renderText and renderJson", () => {
  it("renderText: verdict first, requirements, files by rule, notes", () => {
    const d = run(agentPull(["infra/a.tf", "src/b.ts", ".github/workflows/c.yml"]));
    const t = renderText(d, { notes: ["Range: main..HEAD"] });
    const lines = t.split("\n");
    expect(lines[0]).toBe("FAIL: Blocked: 1 file may not be changed by agents");
    expect(lines[1]).toBe("Range: main..HEAD");
    expect(t).toContain("Rule 2 requirement: 2 x humans (acme/platform) with write access — 2 more needed (1 file)");
    expect(t).toContain("  rule 1 [.github/workflows/**]: block — Agents may not change CI.\n    .github/workflows/c.yml");
  });

  it("renderText: maxFilesPerRule", () => {
    const t = renderText(run(agentPull(["src/a", "src/b", "src/c"])), { maxFilesPerRule: 1 });
    expect(t).toContain("    src/a\n    … and 2 more");
  });

  it("renderJson: stable shape with explicit nulls", () => {
    const d = run(agentPull(["src/a.ts", { path: "docs/n.md", previousPath: "docs/o.md" }]), STANDARD, [approval("alice")]);
    const j = renderJson(d);
    expect(Object.keys(j)).toEqual([
      "schema", "conclusion", "title", "number", "headSha", "baseRef", "agentAuthored", "agents", "evidence", "checked", "commits",
      "files", "blocked", "requirements", "approvals", "unverified", "policy", "headPolicy", "repairsPolicy", "contributors", "pulls",
      "assisted", "assistedEvidence", "unknownBots", "guard",
    ]);
    expect(j.files).toEqual([
      { path: "src/a.ts", previousPath: null, action: "approve", rule: null, pattern: null, reason: null, sets: [] },
      { path: "docs/n.md", previousPath: "docs/o.md", action: "allow", rule: 2, pattern: "docs/**", reason: null, sets: [] },
    ]);
    expect(j.guard).toBeNull();
    expect(j.commits[0]!.agents).toEqual([{ id: "copilot", name: "GitHub Copilot coding agent" }]);
    expect(j.approvals).toEqual([{ login: "alice", source: "review", counted: true, reason: null, countedFor: [0] }]);
    expect(j.conclusion).toBe("success");
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});

describe("evidence grouping", () => {
  it("folds the same agent, signal and value seen in many commits into one row", () => {
    const rows = groupEvidence([
      { agent: "copilot", signal: "identity", where: "commit 0a1b2c3 author", value: "Copilot (user id 198982749)" },
      { agent: "copilot", signal: "identity", where: "commit 0a1b2c3 committer", value: "Copilot (user id 198982749)" },
      { agent: "copilot", signal: "identity", where: "commit 1b2c3d4 author", value: "Copilot (user id 198982749)" },
      { agent: "copilot", signal: "branch", where: "head branch", value: "copilot/x" },
      { agent: "copilot", signal: "identity", where: "pr author", value: "Copilot (user id 198982749)" },
      { agent: "copilot", signal: "identity", where: "commit 2c3d4e5 author", value: "Copilot (user id 198982749)" },
      { agent: "copilot", signal: "identity", where: "commit 3d4e5f6 author", value: "Copilot (user id 198982749)" },
    ]);
    expect(rows).toEqual([
      { agent: "copilot", signal: "identity", where: "pr author; 4 commits 0a1b2c3, 1b2c3d4, 2c3d4e5 +1 more (author, committer)", value: "Copilot (user id 198982749)" },
      { agent: "copilot", signal: "branch", where: "head branch", value: "copilot/x" },
    ]);
    const commitsOnly = groupEvidence([1, 2, 3, 4, 5].map((i) => ({ agent: "claude-code", signal: "trailer" as const, where: `commit c${i} message`, value: "Co-Authored-By: Claude <noreply@anthropic.com>" })));
    expect(commitsOnly).toEqual([
      { agent: "claude-code", signal: "trailer", where: "5 commits c1, c2, c3 +2 more (message)", value: "Co-Authored-By: Claude <noreply@anthropic.com>" },
    ]);
  });
});

describe("the three classes of SPEC §2 stay apart in the check", () => {
  const human = (message: string, author = { name: "Jane", email: "jane@example.com" }) =>
    humanPull(["src/a.ts"], { commits: [{ sha: "d".repeat(40), author, committer: author, message }] });
  const suggestion = "Apply suggestion from @Copilot\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>";

  it("assisted commits: their own section (not gating), the commit row marks them, JSON lists them apart", () => {
    const d = run(human(suggestion));
    expect(d.conclusion).toBe("success");
    const { summary, text } = renderCheck(d);
    expect(summary).toContain("#### AI-assisted commits (reported, not gating)");
    expect(summary).not.toContain("#### Agents and evidence");
    expect(text).toContain("`copilot-review` (assisted)");
    const j = renderJson(d);
    expect(j.agents).toEqual([]);
    expect(j.assisted.map((a) => a.id)).toEqual(["copilot-review"]);
    expect(j.commits[0]!.assistedEvidence.map((e) => e.signal)).toEqual(["trailer", "marker"]);
    expect(renderText(d)).toContain("AI-assisted: GitHub Copilot code review (copilot-review)");
  });

  it("assisted: gate puts the same evidence in the gating list and says so", () => {
    const d = run(human(suggestion), policy({ agents: { ...STANDARD.agents, assisted: "gate" } }));
    expect(d.conclusion).toBe("action_required");
    expect(renderCheck(d).summary).toContain("#### AI-assisted commits (gating: `agents.assisted: gate`)");
    expect(renderCheck(d).text).not.toContain("(assisted)");
  });

  it("an unknown bot: named, with how to trust it; under report it is not gating", () => {
    const bot = { name: "acme-helper[bot]", email: "99+acme-helper[bot]@users.noreply.github.com" };
    const gated = renderCheck(run(human("Regenerate", bot))).summary;
    expect(gated).toContain("**Unknown bot:** `acme-helper[bot]`");
    expect(gated).toContain("so agent-gate treats it as a coding agent");
    expect(gated).toContain("`agents.trusted`");
    const reported = run(human("Regenerate", bot), policy({ agents: { ...STANDARD.agents, unknown_bots: "report" } }));
    expect(reported.conclusion).toBe("success");
    expect(renderCheck(reported).summary).toContain("(reported, not gating: `agents.unknown_bots: report`)");
    expect(renderJson(reported).unknownBots).toEqual([
      { login: "acme-helper[bot]", id: 99, where: "commit ddddddd author" },
      { login: "acme-helper[bot]", id: 99, where: "commit ddddddd committer" },
    ]);
  });
});
