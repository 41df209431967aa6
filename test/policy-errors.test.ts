import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { loadPolicy } from "../src/engine/policy/load.js";
import { errorLocation, formatPolicyError, policyErrorLocation } from "../src/engine/policy/errors.js";
import { renderCheck } from "../src/engine/render/check.js";
import { renderText } from "../src/engine/render/text.js";
import type { PolicyError } from "../src/engine/types.js";
import { humanPull, ok, policy } from "./helpers/decision-fixtures.js";

const FILE = ".github/agent-policy.yml";
const AT: PolicyError = { file: FILE, line: 4, column: 3, message: 'unknown key "aproval"' };
const NOWHERE: PolicyError = { file: FILE, line: 0, column: 0, message: "could not be read" };

describe("one policy-error formatter", () => {
  it("writes file:line:column: message for an error with a position", () => {
    expect(formatPolicyError(AT)).toBe('.github/agent-policy.yml:4:3: unknown key "aproval"');
    expect(policyErrorLocation(AT)).toBe(".github/agent-policy.yml:4:3");
  });

  it("locates an error without a position by its file alone, never file:0:0", () => {
    expect(formatPolicyError(NOWHERE)).toBe(".github/agent-policy.yml: could not be read");
    expect(policyErrorLocation(NOWHERE)).toBe(FILE);
    expect(errorLocation("package.json", 0, 0)).toBe("package.json");
    expect(errorLocation("package.json", 2, 9)).toBe("package.json:2:9");
  });

  it("escapes control characters of the file name and message", () => {
    expect(formatPolicyError({ file: "a\nb.yml", line: 1, column: 1, message: "bad\rvalue" })).toBe("a\\nb.yml:1:1: bad\\rvalue");
  });

  it("formats what the loader reports, with its real position", () => {
    const r = loadPolicy("version: 1\nlabels:\n  aproval: x\n", FILE);
    expect(r.ok).toBe(false);
    const lines = r.ok ? [] : r.errors.map(formatPolicyError);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.startsWith(`${FILE}:3:`)).toBe(true);
  });

  it("the summary and the text output locate the PR's own policy errors the same way, without :0:0", () => {
    const d = decide({
      facts: humanPull([FILE]),
      policy: ok(policy({})),
      approvals: [],
      headPolicy: { status: "invalid", errors: [AT, NOWHERE] },
    });
    const text = renderText(d);
    expect(text).toContain(`  ${FILE}:4:3: unknown key "aproval"`);
    expect(text).toContain(`  ${FILE}: could not be read`);
    expect(text).not.toContain(":0:0");
    const { summary } = renderCheck(d);
    expect(summary).toContain("- `.github/agent-policy.yml:4:3`");
    expect(summary).toContain("- `.github/agent-policy.yml` could not be read");
    expect(summary).not.toContain(":0:0");
  });
});
