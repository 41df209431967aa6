import { describe, expect, it } from "vitest";
import { decide } from "../src/engine/decide/decide.js";
import { renderCheck } from "../src/engine/render/check.js";
import { agentPull, approval, ok, policy } from "./helpers/decision-fixtures.js";

// GraphQL's `authorCanPushToRepository: false` says "below write", not which role: the reader passes
// the bound (permission "triage") with `permissionNote`, and the reason must not claim a role.
const BELOW_WRITE = { permission: "triage" as const, permissionNote: "cannot push to the repository (read or triage permission)" };

describe("ApprovalFacts.permissionNote (a permission known only as a bound)", () => {
  it("replaces \"has <permission> permission\" in the reason; the outcome is the bound's", () => {
    const d = decide({ facts: agentPull(["src/a.ts"]), policy: ok(policy()), approvals: [approval("tess", BELOW_WRITE)] });
    expect(d.conclusion).toBe("action_required");
    expect(d.approvals).toEqual([expect.objectContaining({ login: "tess", counted: false, reason: "cannot push to the repository (read or triage permission), needs write" })]);
    const shown = Object.values(renderCheck(d)).join("\n");
    expect(shown).toContain("cannot push to the repository \\(read or triage permission\\), needs write");
    expect(shown).not.toMatch(/has (read|triage) permission/);
  });

  it("without a note the exact role is named, as before", () => {
    const d = decide({ facts: agentPull(["src/a.ts"]), policy: ok(policy()), approvals: [approval("rita", { permission: "read" })] });
    expect(d.approvals[0]?.reason).toBe("has read permission, needs write");
  });

  it("a bound that meets the requirement counts (the note only words a refusal)", () => {
    const d = decide({ facts: agentPull(["src/a.ts"]), policy: ok(policy({ approval: { min_permission: "triage" } })), approvals: [approval("tess", BELOW_WRITE)] });
    expect(d.approvals[0]).toMatchObject({ counted: true });
    expect(d.approvals[0]?.reason).toBeUndefined();
    expect(d.conclusion).toBe("success");
  });
});
