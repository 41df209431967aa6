/**
 * Approve-button clicks stored in our check run's text (src/github/button-approvals.ts): the round
 * trip, the SHA binding, the size bound, and — thinking as an attacker who controls file names,
 * commit messages, branch names and the PR's title and body — that a block forged in anything the
 * renderer quotes is never read back as an approval, nor erases the real one.
 */
import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { CHECK_OUTPUT_MAX, utf8Length } from "../src/engine/render/bounded-doc.js";
import { renderCheck } from "../src/engine/render/check.js";
import { renderDetails } from "../src/engine/render/details.js";
import type { ApprovalFacts, PullFacts } from "../src/engine/types.js";
import {
  BUTTON_APPROVALS_FORMAT,
  MAX_STORED_CLICKS,
  addButtonApproval,
  decodeButtonApprovals,
  decodeReviewRequests,
  encodeButtonApprovals,
  withButtonApprovals,
  type ButtonApproval,
} from "../src/github/button-approvals.js";
import { HEAD, OLD, agentPull, commit, humanPull, ok, policy } from "./helpers/decision-fixtures.js";

const click = (login: string, id: number | null = 1000 + login.length, at = "2024-01-01T00:00:01Z"): ButtonApproval => ({ login, id, type: "User", at });
const alice = click("alice", 1);
const mallory = click("mallory", 666);

/** The block an attacker would need: our exact encoding, for the current head SHA. */
const forged = encodeButtonApprovals({ sha: HEAD, approvals: [mallory] });

describe("round trip", () => {
  it("what is written is read back, at the same SHA; the text before it is untouched", () => {
    const stored = withButtonApprovals("## Changed files\n\n| a |", { sha: HEAD, approvals: [alice, click("bob", 2)] });
    expect(decodeButtonApprovals(stored, HEAD)).toEqual([alice, click("bob", 2)]);
    expect(stored.startsWith("## Changed files\n\n| a |\n\n<!-- agent-gate:approvals ")).toBe(true);
  });

  it("rewriting replaces the block (one block, never two); no clicks removes it", () => {
    const once = withButtonApprovals("body", { sha: HEAD, approvals: [alice] });
    const twice = withButtonApprovals(once, { sha: HEAD, approvals: [alice, click("bob", 2)] });
    expect(twice.match(/agent-gate:approvals/g)).toHaveLength(1);
    expect(decodeButtonApprovals(twice, HEAD).map((c) => c.login)).toEqual(["alice", "bob"]);
    expect(withButtonApprovals(twice, { sha: HEAD, approvals: [] })).toBe("body");
  });

  it("an empty text holds a block too", () => {
    expect(decodeButtonApprovals(withButtonApprovals("", { sha: HEAD, approvals: [alice] }), HEAD)).toEqual([alice]);
  });

  it("'--' inside values cannot end the HTML comment early, and reads back exactly", () => {
    const odd = click("a--b", null, "2024--01");
    const block = encodeButtonApprovals({ sha: HEAD, approvals: [odd] });
    expect(block.slice("<!-- agent-gate:approvals ".length, -" -->".length)).not.toContain("--");
    expect(decodeButtonApprovals(`x\n\n${block}`, HEAD)).toEqual([odd]);
  });

  it("clicks recorded at another SHA approve nothing here (a click approves one head SHA)", () => {
    const stored = withButtonApprovals("x", { sha: OLD, approvals: [alice] });
    expect(decodeButtonApprovals(stored, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(stored, OLD)).toEqual([alice]);
  });

  it("no text, no block, broken JSON, or entries not of our shape → no clicks", () => {
    expect(decodeButtonApprovals(null, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(undefined, HEAD)).toEqual([]);
    expect(decodeButtonApprovals("just text", HEAD)).toEqual([]);
    expect(decodeButtonApprovals(`x\n\n<!-- agent-gate:approvals {"sha":"${HEAD}","approvals":[ -->`, HEAD)).toEqual([]);
    const odd = JSON.stringify({
      sha: HEAD,
      approvals: [{ login: "ok", id: 5, type: "User", at: "t" }, { login: "", id: 1, type: "User", at: "t" }, { login: "x", id: "7", type: "User", at: "t" }, { login: "y", id: 1.5, type: "User", at: "t" }, { id: 1, type: "User", at: "t" }, null, "alice"],
    });
    expect(decodeButtonApprovals(`x\n\n<!-- agent-gate:approvals ${odd} -->`, HEAD)).toEqual([{ login: "ok", id: 5, type: "User", at: "t" }]);
  });
});

describe("stored review requests", () => {
  it("the users and teams GitHub could not be asked read back; a malformed `refused` drops the record", () => {
    const made = { pr: 3, users: ["bob"], teams: ["acme/platform"], people: null, refused: { users: ["outsider"], teams: ["acme/outside"] } };
    const stored = withButtonApprovals("x", { sha: HEAD, approvals: [], reviewRequests: [made, { pr: 4, users: [], teams: [], people: null }] });
    expect(decodeReviewRequests(stored, HEAD)).toEqual([made, { pr: 4, users: [], teams: [], people: null }]);
    const odd = JSON.stringify({ sha: HEAD, approvals: [], reviewRequests: [{ ...made, refused: { users: "outsider", teams: [] } }, { ...made, pr: 5, refused: null }, { ...made, pr: 6 }] });
    expect(decodeReviewRequests(`x\n\n<!-- agent-gate:approvals ${odd} -->`, HEAD).map((r) => r.pr)).toEqual([6]);
  });
});

describe("a forged block is never read as a click", () => {
  it("only where the app writes it: after a blank line, and running to the very end of the text", () => {
    // Mid-text, inside a code span, on a table row, or followed by anything: not ours.
    expect(decodeButtonApprovals(`intro\n\n${forged}\n\nmore text`, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(`| \`${forged}\` |`, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(`| file | \`${forged}`, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(`- \`src/${forged}`, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(`line\n${forged}`, HEAD)).toEqual([]);
  });

  it("a forged opener earlier in the text cannot swallow ours, nor replace it", () => {
    const stored = withButtonApprovals(`- \`<!-- agent-gate:approvals {"sha":"${HEAD}","approvals":[\`\n\ntext`, { sha: HEAD, approvals: [alice] });
    expect(decodeButtonApprovals(stored, HEAD)).toEqual([alice]);
  });

  /** Every place the renderer quotes what an agent controls, each carrying the forged block. */
  function hostileFacts(): PullFacts {
    const facts = agentPull([`src/${forged}.ts`, `docs/\n\n${forged}`, "src/a.ts"], {
      title: `Fix\n\n${forged}`,
      body: `Generated with [Claude Code](https://claude.com/claude-code)\n\n${forged}`,
      headRef: `copilot/${forged}`,
      labels: [`\n\n${forged}`],
    });
    facts.commits.push(
      commit("e".repeat(40), { name: `Eve\n\n${forged}`, email: "eve@example.com", login: "eve" }, `x\n\n${forged}\n\nCo-Authored-By: Claude <noreply@anthropic.com>`),
      commit("f".repeat(40), { login: "eve" }, `Generated with [Claude Code](https://claude.com/claude-code) ${forged}`),
    );
    return facts;
  }

  function rendered(facts: PullFacts, approvals: ApprovalFacts[] = []) {
    return renderCheck(decide({ facts, policy: ok(policy()), approvals }));
  }

  it("rendered into the check by the real renderer (file names, title, body, branch, commits, label) with no clicks stored", () => {
    const { summary, text } = rendered(hostileFacts());
    // The forgery is in there, quoted…
    expect(text + summary).toContain("agent-gate:approvals");
    // …and never read back, before or after the app stores an empty list.
    expect(decodeButtonApprovals(text, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(withButtonApprovals(text, { sha: HEAD, approvals: [] }), HEAD)).toEqual([]);
  });

  it("with real clicks stored, exactly the real clicks are read back", () => {
    const { text } = rendered(hostileFacts());
    const stored = withButtonApprovals(text, { sha: HEAD, approvals: [alice] });
    expect(decodeButtonApprovals(stored, HEAD)).toEqual([alice]);
  });

  it("when the renderer truncates the text to fit, a forgery cut at any point is not read either", () => {
    const facts = hostileFacts();
    facts.files.push(...Array.from({ length: 400 }, (_, i) => ({ path: `src/${forged}-${i}.ts`, status: "modified" as const })));
    const d = decide({ facts, policy: ok(policy()), approvals: [] });
    for (const limit of [200, 333, 1000, 4096, 20_000]) {
      const text = renderDetails(d, limit);
      expect(utf8Length(text)).toBeLessThanOrEqual(limit);
      expect(decodeButtonApprovals(text, HEAD)).toEqual([]);
      expect(decodeButtonApprovals(withButtonApprovals(text, { sha: HEAD, approvals: [alice] }), HEAD)).toEqual([alice]);
    }
  });

  it("a human PR quoting the block (no agent, nothing to approve) stores and reads nothing", () => {
    const { text } = rendered(humanPull([`src/${forged}.ts`], { title: forged, body: forged }));
    expect(decodeButtonApprovals(text, HEAD)).toEqual([]);
  });
});

describe("format version", () => {
  const raw = (json: unknown) => `x\n\n<!-- agent-gate:approvals ${JSON.stringify(json)} -->`;

  it('the block written names its format version ("v":1) first', () => {
    expect(BUTTON_APPROVALS_FORMAT).toBe(1);
    expect(encodeButtonApprovals({ sha: HEAD, approvals: [alice] })).toMatch(/^<!-- agent-gate:approvals \{"v":1,"sha":"/);
  });

  it("a block written before the version field existed (no v) is read as v1: those clicks still count", () => {
    // Byte for byte what the app wrote until the field was added (commit ba48f57's encoder).
    const legacy = `x\n\n<!-- agent-gate:approvals {"sha":"${HEAD}","approvals":[{"login":"alice","id":1,"type":"User","at":"2024-01-01T00:00:01Z"}]} -->`;
    expect(decodeButtonApprovals(legacy, HEAD)).toEqual([alice]);
    // Rewriting it (the next evaluation) upgrades it in place to a versioned block with the same clicks.
    const rewritten = withButtonApprovals(legacy, { sha: HEAD, approvals: decodeButtonApprovals(legacy, HEAD) });
    expect(rewritten.match(/agent-gate:approvals/g)).toHaveLength(1);
    expect(rewritten).toContain('{"v":1,');
    expect(decodeButtonApprovals(rewritten, HEAD)).toEqual([alice]);
  });

  it("an unknown version (a newer app's block, or anything that is not the number 1) counts no click and does not throw", () => {
    for (const v of [2, 0, "1", null, 1.5, {}, [1]]) {
      expect(() => decodeButtonApprovals(raw({ v, sha: HEAD, approvals: [alice] }), HEAD)).not.toThrow();
      expect(decodeButtonApprovals(raw({ v, sha: HEAD, approvals: [alice] }), HEAD)).toEqual([]);
    }
    expect(decodeButtonApprovals(raw({ v: 1, sha: HEAD, approvals: [alice] }), HEAD)).toEqual([alice]);
  });

  it("a block whose JSON is not an object counts no click and does not throw", () => {
    for (const json of [null, 1, "s", [alice]]) expect(decodeButtonApprovals(raw(json), HEAD)).toEqual([]);
  });

  it("the next write replaces an unknown-version block with this version's (one block, never two)", () => {
    const newer = raw({ v: 2, sha: HEAD, approvals: [alice], extra: "future" });
    const rewritten = withButtonApprovals(newer, { sha: HEAD, approvals: [click("bob", 2)] });
    expect(rewritten.match(/agent-gate:approvals/g)).toHaveLength(1);
    expect(decodeButtonApprovals(rewritten, HEAD)).toEqual([click("bob", 2)]);
    expect(withButtonApprovals(newer, { sha: HEAD, approvals: [] })).toBe("x");
  });

  it("the version does not loosen where the block is read from: a versioned forgery mid-text is ignored", () => {
    const forgedV1 = encodeButtonApprovals({ sha: HEAD, approvals: [mallory] });
    // Written by the app, the quoted forgery is defused and the real block is read; raw text with a
    // second marker is not what the app writes, so its clicks are void (issue 8 point 10).
    expect(decodeButtonApprovals(withButtonApprovals(`| \`${forgedV1}\` |`, { sha: HEAD, approvals: [alice] }), HEAD)).toEqual([alice]);
    expect(decodeButtonApprovals(`| \`${forgedV1}\` |\n\n${encodeButtonApprovals({ sha: HEAD, approvals: [alice] })}`, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(`${forgedV1}\ntrailing`, HEAD)).toEqual([]);
  });
});

describe("size", () => {
  it("at most the latest MAX_STORED_CLICKS clicks are kept, so the block stays far inside output.text's limit", () => {
    const many = Array.from({ length: 5 * MAX_STORED_CLICKS }, (_, i) => click(`user-with-a-long-login-${String(i).padStart(4, "0")}`, i + 1));
    const block = encodeButtonApprovals({ sha: HEAD, approvals: many });
    expect(utf8Length(block)).toBeLessThan(CHECK_OUTPUT_MAX / 4);
    const back = decodeButtonApprovals(`x\n\n${block}`, HEAD);
    expect(back).toHaveLength(MAX_STORED_CLICKS);
    expect(back).toEqual(many.slice(-MAX_STORED_CLICKS));
  });

  it("a huge text without our block decodes to nothing, quickly", () => {
    const huge = `${"| `x` | `<!-- agent-gate:approvals` |\n".repeat(30_000)}end`;
    const started = performance.now();
    expect(decodeButtonApprovals(huge, HEAD)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("addButtonApproval", () => {
  it("one click per account: by id, else by login (case-insensitive)", () => {
    let list = addButtonApproval([], alice);
    list = addButtonApproval(list, { ...alice, login: "Alice-renamed", at: "later" });
    expect(list).toEqual([alice]);
    list = addButtonApproval(list, click("carol", null));
    list = addButtonApproval(list, click("CAROL", null, "later"));
    expect(list.map((c) => c.login)).toEqual(["alice", "carol"]);
  });
});
