/**
 * Issue 12 point 5, through the app: an AI reviewer's approval never counts and is listed under "not
 * counted" as "AI reviewer", another bot's as "bot" (src/engine/ai-reviewers.ts, docs/security.md).
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { World } from "../fake-github/index.js";
import { appAgainstFakeGitHub } from "../helpers/e2e-harness.js";
import { pullRequestEvent, reviewEvent } from "../helpers/webhooks.js";

const e2e = appAgainstFakeGitHub({ repoPrefix: "aireview", collaborators: { alice: "write" } });
let w: World;
beforeAll(() => ({ w } = e2e));

describe("AI approvals never count, and say so", () => {
  test("Copilot code review, CodeRabbit and Gemini approvals are refused as AI reviewers; another bot as bot", async () => {
    const repo = e2e.newRepo();
    const bots = ["copilot-pull-request-reviewer[bot]", "coderabbitai[bot]", "gemini-code-assist[bot]", "review-helper[bot]"];
    for (const b of bots) {
      w.addUser(b, { type: "Bot" });
      // Even with write permission (GitHub can be set to count Copilot approvals toward required reviews).
      w.setPermission(repo, b, "write");
    }
    const pr = e2e.agentPull(repo);
    await e2e.sendOk(pullRequestEvent(w, repo, pr.number, "opened"));
    for (const b of bots) {
      const review = w.review(repo, pr.number, b, "APPROVED");
      await e2e.sendOk(reviewEvent(w, repo, pr.number, review.id));
    }
    const run = e2e.gate(repo, pr.headSha);
    expect(run.conclusion).toBe("action_required");
    // Markdown escapes ("\\-", "\\[", "\\(") and the mention guard (U+2060) taken out to read the list.
    const summary = (run.output.summary ?? "").replaceAll("\\", "").replaceAll("\u2060", "");
    expect(summary).toContain("- ✖ @copilot-pull-request-reviewer[bot] (review) — AI reviewer (Copilot code review): an AI's approval never counts");
    expect(summary).toContain("- ✖ @coderabbitai[bot] (review) — AI reviewer (CodeRabbit)");
    expect(summary).toContain("- ✖ @gemini-code-assist[bot] (review) — AI reviewer (Gemini Code Assist)");
    expect(summary).toContain("- ✖ @review-helper[bot] (review) — bot\n");
    const line = await e2e.waitForLog((l) => l.msg === "agent-gate decision" && (l.audit as { repo: string }).repo === repo && (l.audit as { approvers: unknown[] }).approvers.length === 4);
    const approvers = (line.audit as { approvers: { login: string; counted: boolean; reason?: string }[] }).approvers;
    expect(approvers.every((a) => !a.counted)).toBe(true);
    expect(approvers.find((a) => a.login === "coderabbitai[bot]")?.reason).toMatch(/^AI reviewer \(CodeRabbit\)/);
    expect(approvers.find((a) => a.login === "review-helper[bot]")?.reason).toBe("bot");

    // A human's approval still counts next to them.
    const human = w.review(repo, pr.number, "alice", "APPROVED");
    await e2e.sendOk(reviewEvent(w, repo, pr.number, human.id));
    expect(e2e.gate(repo, pr.headSha).conclusion).toBe("success");
  });
});
