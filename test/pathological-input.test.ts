/**
 * Issue 8, point 1 (SPEC §8: "no pattern applied to untrusted text backtracks"): every parser of
 * untrusted text gets ≥ 1 MB inputs built to make a backtracking pattern blow up — long runs of
 * spaces, tabs, `<`, `:`, repeated trailer keys, unterminated markers — and must give the right
 * answer. There is no timing assertion: a quadratic or worse parser simply does not finish within
 * vitest's default timeout (the pattern this file was written against took 34 s on 4,000 spaces;
 * a megabyte would take years), which is the failure. `npm run bench` prints the speed per MB.
 */
import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { detectAgents } from "../src/engine/detect.js";
import { BUILTIN_DETECTION_CONFIG } from "../src/engine/decide/detection-config.js";
import { escapeText, hasUnsafeText } from "../src/engine/escape.js";
import { compilePolicy, matchFiles } from "../src/engine/decide/match.js";
import { loadPolicy, formatPolicyError } from "../src/engine/policy/load.js";
import { renderCheck } from "../src/engine/render/check.js";
import { renderText } from "../src/engine/render/text.js";
import { coAuthorEmails, parseIdentity, parseNoreplyEmail, parseTrailers } from "../src/engine/trailers.js";
import { decodeButtonApprovals, withButtonApprovals } from "../src/github/button-approvals.js";
import { HEAD, agentPull, approval, commit, humanPull, ok, policy } from "./helpers/decision-fixtures.js";

const MB = 1 << 20;
const run = (s: string, n = MB) => s.repeat(Math.ceil(n / s.length));

/** The attack of issue 8 point 1, scaled from 4,000 spaces to a megabyte, and its relatives. */
const CO_AUTHOR_ATTACKS: Record<string, string> = {
  spaces: `Fix\n\nco-authored-by:${run(" ")}z`,
  tabs: `Fix\n\nCo-authored-by:${run("\t")}z`,
  "spaces then an unterminated address": `Fix\n\nCo-authored-by: x${run(" ")}<bob@acme.example`,
  "a run of <": `Fix\n\nCo-authored-by: ${run("<")}`,
  "a run of :": `Fix\n\nCo-authored-by:${run(":")}`,
  "spaces and tabs mixed": `Fix\n\nco-authored-by:${run(" \t")}<${run(" ", 1000)}`,
  "repeated trailer keys": `Fix\n\n${run("Co-authored-by: Co-authored-by: ")}`,
  "spaces, no key": run(" "),
};

describe("co-author extraction (decide's contributor index) is linear and right", () => {
  for (const [name, message] of Object.entries(CO_AUTHOR_ATTACKS)) {
    it(`${name}: no address is read from a line without one`, () => {
      expect(message.length).toBeGreaterThanOrEqual(MB);
      expect(coAuthorEmails(message)).toEqual([]);
    });
  }

  it("a run of `<a` closed by `>`: the address is what follows the last `<`, as git and the pattern it replaces read it", () => {
    expect(coAuthorEmails(`Fix\n\nCo-authored-by: ${run("<a")}>`)).toEqual(["a"]);
  });

  it("60,000 trailer lines: every address is read", () => {
    const message = `Fix\n\n${"Co-authored-by: Bob <bob@acme.example>\n".repeat(30_000)}${"co-authored-by:\t\tAnn\t<ann@acme.example> \r\n".repeat(30_000)}`;
    expect(message.length).toBeGreaterThanOrEqual(MB);
    const emails = coAuthorEmails(message);
    expect(emails.length).toBe(60_000);
    expect(new Set(emails)).toEqual(new Set(["bob@acme.example", "ann@acme.example"]));
  });

  it("the original attack through decide: the agent PR is decided, the human co-author after the spaces is still excluded", () => {
    const message = `Add feature\n\nco-authored-by:${run(" ")}z\nCo-authored-by: Bob <12345+bob@users.noreply.github.com>`;
    const facts = agentPull(["src/a.ts"], {
      commits: [commit("c".repeat(40), { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: "Copilot" }, message)],
    });
    const d = decide({ facts, policy: ok(policy()), approvals: [approval("bob"), approval("carol")] });
    expect(d.conclusion).toBe("success");
    expect(d.approvals.find((a) => a.login === "bob")).toMatchObject({ counted: false, reason: `co-authored commit ${"c".repeat(7)}` });
    expect(d.approvals.find((a) => a.login === "carol")?.counted).toBe(true);
  });
});

describe("git trailer parsing is linear and right", () => {
  for (const [name, message] of Object.entries(CO_AUTHOR_ATTACKS)) {
    it(name, () => {
      const trailers = parseTrailers(message);
      for (const t of trailers) {
        // Whatever the block, no identity can be read out of a value without a closed address.
        const ident = parseIdentity(t.value);
        if (ident) expect(ident.email).not.toMatch(/[<>\s]/);
      }
    });
  }

  it("a megabyte of spaces before a real address: name and address are found", () => {
    expect(parseIdentity(`Bob${run(" ")}<bob@acme.example>`)).toEqual({ name: "Bob", email: "bob@acme.example" });
    expect(parseIdentity(`Bob${run(" ")}bob@acme.example`)).toEqual({ name: "Bob", email: "bob@acme.example" });
    expect(parseIdentity(run("<"))).toBeNull();
    expect(parseIdentity(`${run(" ")}x`)).toBeNull();
    expect(parseIdentity(run("a@"))).toBeNull();
  });

  it("a noreply address of a megabyte of digits is read in one pass", () => {
    expect(parseNoreplyEmail(`${run("1")}@users.noreply.github.com`)).toMatchObject({ id: null });
    expect(parseNoreplyEmail(`${run("1")}+`)).toBeNull();
  });

  it("100,000 folded continuation lines are one value", () => {
    const message = `Fix\n\nCo-authored-by: Bob\n${" x\n".repeat(400_000)}`;
    const trailers = parseTrailers(message);
    expect(trailers).toHaveLength(1);
    expect(trailers[0]!.value.length).toBe("Bob".length + 2 * 400_000);
  });
});

describe("detection over a megabyte of hostile text in every field", () => {
  const hostile = [run(" "), run("\t"), run("<"), run(":"), run("Co-authored-by: "), run("Generated with [Claude Cod"), run("<!-- ")];
  for (const [i, text] of hostile.entries()) {
    it(`input ${i}: a human PR stays undetected; an agent trailer after it is still found`, () => {
      const facts = humanPull(["src/a.ts"], {
        title: text,
        body: text,
        headRef: `feature/${text.slice(0, 100_000)}`,
        labels: [text.slice(0, 100_000)],
        commits: [commit("d".repeat(40), { name: text.slice(0, 10_000), email: "dev@acme.example", login: "dev" }, `Fix\n\n${text}`)],
      });
      expect(detectAgents(facts, BUILTIN_DETECTION_CONFIG).agentAuthored).toBe(false);
      const claude = { ...facts, commits: [commit("d".repeat(40), { name: "Dev", email: "dev@acme.example", login: "dev" }, `Fix\n\n${text}\n\nCo-Authored-By: Claude <noreply@anthropic.com>`)] };
      expect(detectAgents(claude, BUILTIN_DETECTION_CONFIG).agents.map((a) => a.id)).toContain("claude-code");
    });
  }
});

describe("path and branch matching against patterns with many wildcards", () => {
  const p = policy({
    paths: [
      { match: ["**/a/**/a/**/a/**/a/**/b"], action: "block", reason: "deep" },
      { match: ["*a*a*a*a*a*a*a*b"], action: "block", reason: "stars" },
      { match: ["src/**"], targets: ["*r*e*l*e*a*s*e*/**/x"], action: "block", reason: "release" },
    ],
  });
  const compiled = compilePolicy(p);
  const deep = `${"a/".repeat(MB / 4)}c`;
  const wide = "a".repeat(MB);

  it("a path of 250,000 `a/` segments is not `**/a/**/a/**/a/**/a/**/b`, and one ending in /b is", () => {
    expect(matchFiles(compiled, [{ path: deep }], "main")[0]!.action).toBe("approve");
    expect(matchFiles(compiled, [{ path: `${deep.slice(0, -1)}b` }], "main")[0]).toMatchObject({ action: "block", rule: 0 });
  });

  it("a one-segment path of a megabyte of `a` is not `*a*a*a*a*a*a*a*b`, and with a final b it is", () => {
    expect(matchFiles(compiled, [{ path: wide }], "main")[0]!.action).toBe("approve");
    expect(matchFiles(compiled, [{ path: `${wide}b` }], "main")[0]).toMatchObject({ action: "block", rule: 1 });
  });

  it("a base branch of a megabyte does not match the release rule; a real one does", () => {
    expect(matchFiles(compiled, [{ path: "src/x" }], "re".repeat(MB / 2))[0]!.action).toBe("approve");
    expect(matchFiles(compiled, [{ path: "src/x" }], "release/1/x")[0]!.action).toBe("block");
  });
});

describe("the policy loader on a megabyte of hostile YAML", () => {
  const file = ".github/agent-policy.yml";
  const allPositioned = (errors: { line: number; column: number; message: string }[]) => {
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.line).toBeGreaterThan(0);
      expect(e.column).toBeGreaterThan(0);
      expect(hasUnsafeText(e.message)).toBe(false);
    }
  };

  it("a duplicate key after a megabyte of spaces is named", () => {
    const r = loadPolicy(`version: 1\nenabled: true\nenabled${run(" ")}: false\n`, file);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      allPositioned(r.errors);
      expect(r.errors[0]!.message).toContain('duplicate key "enabled"');
    }
  });

  it("a key of a megabyte of `:`-free text without a colon", () => {
    const r = loadPolicy(`version: 1\n${run("a ")}\n`, file);
    expect(r.ok).toBe(false);
    if (!r.ok) allPositioned(r.errors);
  });

  it("one flow sequence of 130,000 items: refused by size, not by a stack overflow, and aliases are not blamed", () => {
    const r = loadPolicy(`version: 1\nagents:\n  ignore: [${Array.from({ length: 130_000 }, () => "a").join(", ")}]\n`, file);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      allPositioned(r.errors);
      expect(r.errors[0]!.message).toContain("more than 100000 values");
      expect(r.errors[0]!.message).not.toContain("alias");
    }
  });

  it("lists nested a hundred thousand deep: an error, not a crash", () => {
    const r = loadPolicy(`version: 1\nx: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`, file);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      allPositioned(r.errors);
      expect(r.errors[0]!.message).toContain("nest");
    }
  });

  it("a 1 MB glob: a validation error at its line and column", () => {
    const r = loadPolicy(`version: 1\npaths:\n  - match: ["${run("a*")}"]\n    action: block\n`, file);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      allPositioned(r.errors);
      expect(r.errors[0]).toMatchObject({ line: 3, column: 13 });
      expect(r.errors[0]!.message).toContain("at most 1024 characters");
      expect(r.errors[0]!.message.length).toBeLessThan(400);
    }
  });

  it("a megabyte of control characters in a key is escaped, on one line", () => {
    const key = run("\u001b[31m\u0000\r\n\u2028\u0085\u202e");
    const r = loadPolicy(`version: 1\n${JSON.stringify(key)}: 1\n`, file);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      allPositioned(r.errors);
      for (const e of r.errors) expect(formatPolicyError(e)).not.toContain("\n");
    }
  });
});

describe("rendering and the stored-click reader", () => {
  // eslint-disable-next-line no-control-regex
  const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u202e]/;

  it("a decision quoting a megabyte of hostile text renders within GitHub's limits, escaped", () => {
    const text = run("<\u001b\u202e`|@:\n");
    const facts = agentPull([`src/${text.slice(0, 4000)}`, text.slice(0, 100_000)], { title: text, body: text, headRef: `copilot/${text}` });
    const d = decide({ facts, policy: ok(policy()), approvals: [approval(text.slice(0, 100))] });
    const out = renderCheck(d);
    expect(Buffer.byteLength(out.summary)).toBeLessThanOrEqual(65_535);
    expect(Buffer.byteLength(out.text)).toBeLessThanOrEqual(65_535);
    expect(hasUnsafeText(out.title)).toBe(false);
    expect(`${out.summary}${out.text}`).not.toMatch(RAW_CONTROL);
    expect(renderText(d)).not.toMatch(RAW_CONTROL);
  });

  it("unterminated and repeated block openers of a megabyte read as no clicks; the real block is still read", () => {
    const opener = "<!-- agent-gate:approvals ";
    expect(decodeButtonApprovals(`${opener}${run(" ")}`, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(`\n\n${opener}${run("{")}`, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(`\n\n${opener}${run(" -->")}`, HEAD)).toEqual([]);
    expect(decodeButtonApprovals(run(`\n\n${opener}`), HEAD)).toEqual([]);
    const click = { login: "bob", id: 1, type: "User", at: "2026-01-01T00:00:00Z" };
    const stored = withButtonApprovals(run(`${opener} -->\n`), { sha: HEAD, approvals: [click] });
    expect(decodeButtonApprovals(stored, HEAD)).toEqual([click]);
  });

  it("escapeText turns a megabyte of controls into visible escapes", () => {
    const s = escapeText(run("\u001b\u0000\r\n\u2028\u0085\u202e\ud800x"));
    expect(hasUnsafeText(s)).toBe(false);
    expect(s.startsWith("\\x1b\\x00\\r\\n\\u2028\\x85\\u202e\\ud800x")).toBe(true);
  });
});
