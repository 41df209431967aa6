import { describe, expect, it } from "vitest";
import { ruleName, ruleNameCapitalized } from "../src/engine/decide/rule-name.js";

describe("ruleName: one name for a rule everywhere", () => {
  it("numbers rules from 1 for people, names the default and the policy-file guard", () => {
    expect(ruleName(0)).toBe("rule 1");
    expect(ruleName(2)).toBe("rule 3");
    expect(ruleName(null)).toBe("default");
    expect(ruleName("policy-file")).toBe("policy-file guard");
  });
  it("lets the caller say what the default is called, and capitalises for a line start", () => {
    expect(ruleName(null, "default requirement")).toBe("default requirement");
    expect(ruleName(4, "default requirement")).toBe("rule 5");
    expect(ruleNameCapitalized(1)).toBe("Rule 2");
    expect(ruleNameCapitalized(null)).toBe("Default");
  });
});
