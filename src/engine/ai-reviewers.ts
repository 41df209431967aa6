/**
 * AI code reviewers (SPEC §4: "Bot and AI-reviewer approvals never count, and are listed as such").
 * Data, not code paths: an approval by one of these accounts is shown under "not counted" with the
 * reason "AI reviewer", so a reader sees that the AI's approval was seen and refused on purpose
 * (docs/security.md, "AI approvals never count"). Any other bot's approval is refused as "bot".
 *
 * Matched by login, case-insensitively, whatever the account type: GitHub can be set to count Copilot
 * code review approvals toward required reviews, and a reviewer run from a machine user account is
 * still an AI. Sources in the tags of /work/shared/design/agent-signatures.md (V-git seen in real
 * commits or reviews, V-src the vendor's docs, 3P third-party material).
 */

export interface AiReviewer {
  /** Display name shown in the reason. */
  name: string;
  /** REST spellings of the accounts ("[bot]" suffix included). */
  logins: string[];
  source: string;
}

export const AI_REVIEWERS: readonly AiReviewer[] = Object.freeze([
  {
    name: "Copilot code review",
    // GraphQL (the app's reader) names the reviewing Bot `copilot-pull-request-reviewer`. REST shows it as
    // `Copilot`, which is also the Copilot coding agent's login: that one is refused as an agent identity.
    logins: ["copilot-pull-request-reviewer[bot]"],
    source: "V-git github/github-mcp-server@28171abb0c43 (reviews by Copilot); agent-signatures.md row 'Copilot code review'",
  },
  { name: "CodeRabbit", logins: ["coderabbitai[bot]"], source: "V-git google-gemini/gemini-cli@f4c7bd78900d" },
  { name: "Gemini Code Assist", logins: ["gemini-code-assist[bot]"], source: "V-git gemini-cli co-author trailers (176961590+gemini-code-assist[bot])" },
  { name: "Qodo", logins: ["qodo-merge-pro[bot]", "qodo-code-review[bot]", "qodo-merge[bot]"], source: "3P agent-signatures.md row 'Qodo'" },
  { name: "Kodiak auto-approve", logins: ["kodiakhq[bot]"], source: "V-src kodiakhq docs, `approve.auto_approve_usernames` (chdsbd/kodiak#288)" },
  { name: "Sourcery", logins: ["sourcery-ai[bot]"], source: "V-git agent-signatures.md 'Other AI bots seen' (58596630)" },
  { name: "Greptile", logins: ["greptile-apps[bot]"], source: "V-git agent-signatures.md 'Other AI bots seen' (165735046)" },
  { name: "Ellipsis", logins: ["ellipsis-dev[bot]"], source: "3P ellipsis.dev docs (review bot account)" },
]);

const byLogin = new Map<string, AiReviewer>(AI_REVIEWERS.flatMap((r) => r.logins.map((l) => [l.toLowerCase(), r] as const)));

/** The AI reviewer behind this login, or null. */
export function aiReviewerOf(login: string): AiReviewer | null {
  return byLogin.get(login.toLowerCase()) ?? null;
}
