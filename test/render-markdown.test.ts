/**
 * The check's Markdown as GitHub parses it: rendered with a real CommonMark + GFM-tables parser
 * (markdown-it), and the STRUCTURE asserted — headings, lists, tables, and that labels such as
 * "Not counted:" and the "… and N more" lines are blocks of their own, not lazy continuations of
 * the list item above them (CommonMark §5.2) or extra table rows (GFM §4.10). Small decisions and
 * truncated ones (caps reached, a tiny byte budget).
 */
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { EVIDENCE_OPEN_ROWS, renderSummary } from "../src/engine/render/summary.js";
import { renderCheck } from "../src/engine/render/check.js";
import { renderDetails } from "../src/engine/render/details.js";
import type { ApprovalFacts, Decision, Evidence, Policy, PullFacts } from "../src/engine/types.js";
import { agentPull, approval, humanPull, ok, policy } from "./helpers/decision-fixtures.js";

type Token = ReturnType<InstanceType<typeof MarkdownIt>["parse"]>[number];

// GitHub renders check output as GFM with HTML allowed (sanitised): `<details>` is kept.
const parser = new MarkdownIt({ html: true });

const STANDARD = policy({
  paths: [
    { match: [".github/workflows/**"], action: "block", reason: "Agents may not change CI." },
    { match: ["infra/**"], action: "approve", approval: { count: 2, teams: ["acme/platform"] } },
    { match: ["docs/**"], action: "allow" },
  ],
});

function run(facts: PullFacts, p: Policy = STANDARD, approvals: ApprovalFacts[] = []): Decision {
  return decide({ facts, policy: ok(p), approvals });
}

interface Block {
  type: "heading" | "paragraph" | "bullet_list" | "table" | "html_block" | "blockquote";
  /** Nesting level of the block's open token: 0 is the top of the document. */
  level: number;
  tag?: string;
  text: string;
  /** For lists: each item's text; for tables: each body row's cells. */
  items: string[];
  rows: string[][];
}

/** Top-level and nested blocks in document order, with their text (inline content joined). */
function blocks(markdown: string): Block[] {
  const tokens = parser.parse(markdown, {});
  const out: Block[] = [];
  const stack: Block[] = [];
  let row: string[] | null = null;
  let inBody = false;
  for (const t of tokens) {
    switch (t.type) {
      case "heading_open":
      case "paragraph_open":
      case "bullet_list_open":
      case "table_open":
      case "blockquote_open": {
        const b: Block = { type: t.type.replace("_open", "") as Block["type"], level: t.level, tag: t.tag, text: "", items: [], rows: [] };
        out.push(b);
        stack.push(b);
        break;
      }
      case "heading_close":
      case "paragraph_close":
      case "bullet_list_close":
      case "table_close":
      case "blockquote_close":
        stack.pop();
        break;
      case "html_block":
        out.push({ type: "html_block", level: t.level, text: t.content, items: [], rows: [] });
        break;
      case "tbody_open":
        inBody = true;
        break;
      case "tbody_close":
        inBody = false;
        break;
      case "tr_open":
        row = [];
        break;
      case "tr_close": {
        const table = [...stack].reverse().find((b) => b.type === "table");
        if (table && row && inBody) table.rows.push(row);
        row = null;
        break;
      }
      case "inline": {
        const text = inlineText(t);
        if (row) row.push(text);
        for (const b of stack) b.text += (b.text ? "\n" : "") + text;
        const list = [...stack].reverse().find((b) => b.type === "bullet_list");
        // The first paragraph of an item, plus any lazy continuation lines, is one inline token.
        if (list && !row) list.items.push(text);
        break;
      }
    }
  }
  return out;
}

function inlineText(t: Token): string {
  return (t.children ?? []).map((c) => (c.type === "softbreak" || c.type === "hardbreak" ? "\n" : c.content)).join("");
}

const top = (bs: Block[]) => bs.filter((b) => b.level === 0);
const headings = (bs: Block[]) => bs.filter((b) => b.type === "heading").map((b) => `${b.tag} ${b.text}`);

describe("check summary, parsed as CommonMark/GFM", () => {
  it("a small action_required decision: headings, lists, tables, and 'Not counted' as its own block", () => {
    const d = run(agentPull(["infra/main.tf", "src/a.ts", "docs/x.md"]), STANDARD, [
      approval("alice"),
      approval("Copilot", { account: { login: "Copilot", type: "Bot" } }),
    ]);
    const bs = blocks(renderSummary(d));
    expect(headings(bs).slice(1)).toEqual(["h4 Agents and evidence", "h4 Approval requirements", "h4 Approvals", "h4 Files by rule (3 files)"]);
    expect(bs[0]).toMatchObject({ type: "heading", tag: "h3", level: 0 });

    const tops = top(bs);
    const label = (text: string) => tops.find((b) => b.type === "paragraph" && b.text === text);
    expect(label("Still needed:")).toBeDefined();
    expect(label("Counted:")).toBeDefined();
    expect(label("Not counted:")).toBeDefined();
    const lists = tops.filter((b) => b.type === "bullet_list");
    // Still needed (1 unmet requirement), counted (alice), not counted (Copilot).
    expect(lists.map((l) => l.items.length)).toEqual([1, 1, 1]);
    expect(lists[1]!.items[0]).toMatch(/^✅ @\u2060alice \(review\)/);
    expect(lists[1]!.items[0]).not.toContain("Not counted");
    expect(lists[2]!.items[0]).toMatch(/^✖ @\u2060Copilot \(review\) — \S/);
    expect(lists[2]!.items[0]).not.toContain("Not counted");
    // Each list is followed by a top-level block, never absorbed into its last item.
    for (const l of lists) expect(l.items.every((i) => !i.includes("\n"))).toBe(true);

    const tables = tops.filter((b) => b.type === "table");
    expect(tables.map((t) => t.rows.length)).toEqual([3, 2, 3]); // evidence, requirements, files by rule
    expect(tables[1]!.rows.map((r) => r[0])).toEqual(["rule 2", "default"]);
    expect(tables[2]!.rows.every((r) => r.length === 4)).toBe(true);
    // The last block is the policy line, a paragraph of its own.
    expect(tops.at(-1)).toMatchObject({ type: "paragraph" });
    expect(tops.at(-1)!.text).toMatch(/^Policy: /);
  });

  it("a human PR: the checked list is a real list after its label", () => {
    const bs = top(blocks(renderSummary(run(humanPull(["src/a.ts"])))));
    const i = bs.findIndex((b) => b.type === "paragraph" && b.text === "No coding agent detected. Checked:");
    expect(i).toBeGreaterThan(0);
    expect(bs[i + 1]!.type).toBe("bullet_list");
    expect(bs[i + 1]!.items.length).toBeGreaterThan(1);
  });

  it("truncated lists and tables: every '… and N more' line is a paragraph, not an item or a row", () => {
    const bots = Array.from({ length: 45 }, (_, i) => approval(`helper${i}[bot]`, { account: { login: `helper${i}[bot]`, type: "Bot" } }));
    const d = run(agentPull(Array.from({ length: 60 }, (_, i) => `infra/m${i}.tf`)), STANDARD, [approval("alice"), ...bots]);
    const bs = blocks(renderSummary(d));
    const tops = top(bs);
    const notCounted = tops.findIndex((b) => b.type === "paragraph" && b.text === "Not counted:");
    expect(notCounted).toBeGreaterThan(0);
    const list = tops[notCounted + 1]!;
    expect(list.type).toBe("bullet_list");
    expect(list.items).toHaveLength(40);
    expect(list.items.every((i) => !i.includes("more approvals"))).toBe(true);
    const rest = d.approvals.filter((a) => !a.counted).length - 40;
    expect(rest).toBeGreaterThan(0);
    expect(tops[notCounted + 2]).toMatchObject({ type: "paragraph", text: `… and ${rest} more approvals` });
    for (const t of bs.filter((b) => b.type === "table")) {
      for (const r of t.rows) expect(r.join("|")).not.toMatch(/… and \d+ more/);
    }
  });

  it("long evidence folds into <details>: the first rows in the open, the rest in a table inside", () => {
    const d = run(agentPull(["src/a.ts"]));
    const extra: Evidence[] = Array.from({ length: 25 }, (_, i) => ({ agent: "copilot", signal: "marker", where: `commit ${String(i).padStart(7, "0")} message`, value: `Generated note ${i}` }));
    d.detection.evidence.push(...extra);
    const total = new Set(d.detection.evidence.map((e) => `${e.agent}|${e.signal}|${e.value}`)).size;
    const bs = top(blocks(renderSummary(d)));
    const tables = bs.filter((b) => b.type === "table");
    expect(tables[0]!.rows).toHaveLength(EVIDENCE_OPEN_ROWS);
    const open = bs.findIndex((b) => b.type === "html_block" && b.text.startsWith("<details><summary>"));
    expect(open).toBeGreaterThan(0);
    expect(bs[open]!.text).toContain(`${total - EVIDENCE_OPEN_ROWS} more pieces of evidence`);
    expect(bs[open + 1]).toMatchObject({ type: "table" });
    expect(bs[open + 1]!.rows).toHaveLength(total - EVIDENCE_OPEN_ROWS);
    expect(bs[open + 2]).toMatchObject({ type: "html_block" });
    expect(bs[open + 2]!.text.trim()).toBe("</details>");
    // GitHub shows the HTML: the folded table is a real <table> inside <details>.
    const html = parser.render(renderSummary(d));
    expect(html).toMatch(/<details><summary>\d+ more pieces of evidence<\/summary>\s*<table>/);
  });

  it("a tiny byte budget truncates into a closed document with the note as its last paragraph", () => {
    const d = run(agentPull(Array.from({ length: 200 }, (_, i) => `src/f${i}.ts`)), STANDARD, Array.from({ length: 30 }, (_, i) => approval(`bot${i}[bot]`, { account: { login: `bot${i}[bot]`, type: "Bot" } })));
    const summary = renderSummary(d, 1_500);
    expect(summary.length).toBeLessThanOrEqual(1_500);
    const tops = top(blocks(summary));
    expect(tops.at(-1)!.type).toBe("paragraph");
    expect(tops.at(-1)!.text).toContain("output truncated to fit GitHub's 65,535-character limit");
  });
});

describe("check details, parsed as CommonMark/GFM", () => {
  it("files under h3 per rule with a list each; the reason a blockquote; commits a table", () => {
    const { text } = renderCheck(run(agentPull([".github/workflows/ci.yml", "infra/a.tf", "docs/x.md", "src/a.ts"])));
    const bs = blocks(text);
    expect(headings(bs)[0]).toBe("h2 Changed files by rule (4 files)");
    expect(headings(bs).filter((h) => h.startsWith("h3 "))).toHaveLength(4);
    expect(headings(bs).at(-1)).toBe("h2 Commits");
    const quote = bs.find((b) => b.type === "blockquote");
    expect(quote?.text).toBe("Agents may not change CI.");
    const lists = top(bs).filter((b) => b.type === "bullet_list");
    expect(lists.map((l) => l.items.length)).toEqual([1, 1, 1, 1]);
    expect(top(bs).filter((b) => b.type === "table")).toHaveLength(1);
  });

  it("a truncated rule's '… and N more files' is its own paragraph", () => {
    const d = run(agentPull(Array.from({ length: 3_000 }, (_, i) => `src/${"deep/".repeat(8)}file-${i}.ts`)));
    const bs = top(blocks(renderDetails(d, 20_000)));
    const list = bs.find((b) => b.type === "bullet_list")!;
    expect(list.items.length).toBeGreaterThan(10);
    expect(list.items.every((i) => !i.includes("more file"))).toBe(true);
    const after = bs[bs.indexOf(list) + 1]!;
    expect(after.type).toBe("paragraph");
    expect(after.text).toMatch(/^… and [\d,]+ more files$/);
  });
});

describe("advisory surface (the Action's job summary, the CLI's markdown)", () => {
  it("speaks as an advisory run: no button, no check", () => {
    const d = run(agentPull(["src/a.ts"]));
    const { summary } = renderCheck(d, { surface: "advisory" });
    expect(summary).not.toContain("button");
    expect(summary).not.toMatch(/\bcheck\b/i);
    expect(summary).toContain("This advisory run sees no reviews");
    const check = renderCheck(d).summary;
    expect(check).toContain("**Approve** button of this check");
  });
});
