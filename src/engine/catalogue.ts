/**
 * The built-in catalogue of coding agents (SPEC §2): data, not code paths. `detect.ts` compiles it
 * once; adding an agent or a signature is an edit here only.
 *
 * Every signature carries its source, in the tags of /work/shared/design/agent-signatures.md:
 *   V-src  the vendor's own source or docs     V-git  seen in real commits (repo@sha)
 *   V-iss  a vendor issue / docs page          3P     third-party material only (unverified)
 * 3P signatures are kept only where they are so specific (an exact id+login e-mail, an HTML
 * comment the vendor emits) that a false match is implausible.
 *
 * Deliberately NOT in the catalogue (a careful maintainer may disagree; orgs can `define` them):
 * - review-suggestion identities, because a human reviewed and clicked every applied suggestion:
 *   Copilot code review `175728472+Copilot` (V-git github/github-mcp-server@28171abb0c43),
 *   Copilot Autofix `62310815+github-advanced-security[bot]` (V-git All-Hands-AI/OpenHands@f66d166fe844),
 *   `gemini-code-assist[bot]`, `coderabbitai[bot]`, `sourcery-ai[bot]`, `greptile-apps[bot]` suggestions;
 * - display names ("Devin", "Jules", "Claude", "Copilot"): humans carry them too (`Devin Lai`,
 *   `JUNIOR JULES`, GitHub user `claude` id 81847). Only aider's ` (aider)` name suffix is a
 *   documented, tool-written signal.
 */
import type { AgentDefinition } from "./types.js";

/** A GitHub account an agent acts as. With `id`, the id decides when the account's id is known (logins can be renamed). */
export interface CatalogueAccount {
  login: string;
  id?: number;
  source: string;
}

export interface CatalogueAgentEntry {
  id: string;
  name: string;
  /** PR author / commit author, committer or co-author accounts. */
  accounts?: CatalogueAccount[];
  /** Account ids whose login pairing is not certain (matched by id alone). */
  userIds?: { id: number; source: string }[];
  /** Exact e-mail addresses (case-insensitive) as author, committer or `Co-authored-by`. */
  emails?: { email: string; source: string }[];
  /** Suffixes of a git author/committer *name* written by the tool itself (aider's " (aider)"). */
  nameSuffixes?: { suffix: string; source: string }[];
  /** Agent-specific trailer keys (case-insensitive) whose value starts with `valuePrefix` (case-insensitive). */
  trailers?: { key: string; valuePrefix: string; source: string }[];
  /** Head-branch globs (minimatch, `dot: true`). */
  branches?: { glob: string; source: string }[];
  /** Substrings (case-sensitive) of a PR body or commit message that the tool writes. */
  markers?: { text: string; source: string }[];
  /** Prefixes (case-sensitive) of a commit subject or PR title that the tool writes. */
  subjectPrefixes?: { prefix: string; source: string }[];
}

/** A built-in agent: an `AgentDefinition` plus the signature kinds custom definitions do not have. */
export interface BuiltinAgent extends AgentDefinition {
  accounts: { login: string; id: number | null }[];
  nameSuffixes: string[];
  trailers: { key: string; valuePrefix: string }[];
  subjectPrefixes: string[];
  /** One "signature — source" line per signature. */
  sources: string[];
}

const NOREPLY = "@users.noreply.github.com";

export const CATALOGUE: readonly CatalogueAgentEntry[] = [
  {
    id: "copilot",
    name: "GitHub Copilot coding agent",
    accounts: [
      // PR author of the cloud agent is the Bot `Copilot`; squash commits carry author `Copilot <198982749+Copilot@…>`.
      { login: "Copilot", id: 198982749, source: "V-iss copilot-coding-agent/user-feedback#76; V-git All-Hands-AI/OpenHands@c64971d0c448" },
      { login: "copilot-swe-agent[bot]", source: "V-git All-Hands-AI/OpenHands@15c1b577d210 (branch commits, first one `Initial plan`)" },
      // Copilot CLI / Copilot App (local agent) co-author account.
      { login: "Copilot", id: 223556219, source: "V-git github/github-mcp-server (485× Copilot, 245× Copilot App); V-iss github/copilot-cli#3177" },
    ],
    emails: [
      { email: `198982749+Copilot${NOREPLY}`, source: "V-git All-Hands-AI/OpenHands@15c1b577d210, Aider-AI/aider@336b7ba5e13c" },
      { email: `223556219+Copilot${NOREPLY}`, source: "V-git github/github-mcp-server; V-iss github/copilot-cli#3177, #3181" },
      // VS Code Copilot writes this co-author; 3P reports false positives 2026-04-22..05-06 (microsoft/vscode#314311).
      { email: "copilot@github.com", source: "V-iss microsoft/vscode#313064" },
    ],
    trailers: [
      // The agent platform's session log link (2026-03..05).
      { key: "Agent-Logs-Url", valuePrefix: "https://github.com/", source: "V-git openai/openai-agents-python@f268a9716c0a" },
    ],
    branches: [
      { glob: "copilot/**", source: "V-iss learn.microsoft.com …/2-security-risks-limitations-copilot-code-agent; V-git All-Hands-AI/OpenHands@15c1b577d210" },
    ],
  },
  {
    id: "codex",
    name: "OpenAI Codex",
    accounts: [
      { login: "chatgpt-codex-connector[bot]", source: "V-iss EveryInc/compound-engineering-plugin#356 (connector app account)" },
      { login: "openai-code-agent[bot]", source: "3P (Codex on GitHub's agent platform)" },
    ],
    emails: [
      { email: "noreply@openai.com", source: "V-iss openai/codex#11617 (command_attribution); V-git openai/openai-agents-python (54×)" },
      { email: "codex@openai.com", source: "V-git google-gemini/gemini-cli@9ada56d19041, openai/openai-agents-js@648116decceb" },
      { email: `242516109+Codex${NOREPLY}`, source: "3P (Codex on GitHub's agent platform)" },
      { email: `267193182+Codex${NOREPLY}`, source: "3P (Codex on GitHub's agent platform)" },
    ],
    branches: [{ glob: "codex/**", source: "V-git anthropics/claude-code-action@fc6155d15b86; V-src aavetis/PRarena collect_data.py (head:codex/)" }],
    markers: [
      // Codex cloud PR bodies (copied into squash messages) end with the task link.
      { text: "https://chatgpt.com/codex/tasks/", source: "V-git openai/openai-agents-python@a776d809d3f4" },
      { text: "Generated with [Codex](https://openai.com/codex)", source: "3P" },
    ],
  },
  {
    id: "claude-code",
    name: "Claude Code",
    accounts: [
      { login: "claude[bot]", id: 209825114, source: "V-src anthropics/claude-code-action@24dcd50c src/github/operations/comments/create-initial.ts (CLAUDE_APP_BOT_ID)" },
      { login: "anthropic-code-agent[bot]", id: 242468646, source: "V-git google-gemini/gemini-cli@c32d5adab4cb" },
    ],
    emails: [
      { email: "noreply@anthropic.com", source: "V-iss anthropics/claude-code#29999, #9224, #14241; V-git anthropics/claude-code-action@961d152e1b54" },
      // claude-code-action's default bot_id borrows github-actions[bot]'s id: the login part is what tells them apart.
      { email: `41898282+claude[bot]${NOREPLY}`, source: "V-src anthropics/claude-code-action@24dcd50c action.yml (bot_id 41898282), src/github/operations/git-config.ts" },
      { email: `209825114+claude[bot]${NOREPLY}`, source: "V-git anthropics/claude-code-action (squash co-author)" },
      { email: `242468646+Claude${NOREPLY}`, source: "V-git google-gemini/gemini-cli@c32d5adab4cb, @a719f446ce54" },
    ],
    trailers: [
      // Added even when attribution is disabled.
      { key: "Claude-Session", valuePrefix: "https://claude.ai/code/session_", source: "V-iss anthropics/claude-code#77830" },
    ],
    branches: [
      { glob: "claude/**", source: "V-src anthropics/claude-code-action@24dcd50c action.yml (branch_prefix claude/); V-git claude-code-action@961d152e1b54 (web)" },
    ],
    markers: [
      // Footer; URL changed from https://claude.ai/code to https://claude.com/claude-code, so match up to "](".
      { text: "Generated with [Claude Code](", source: "V-iss anthropics/claude-code#14241; V-src claude-code-action src/entrypoints/update-comment-link.ts" },
      { text: "https://claude.ai/code/session_", source: "V-git anthropics/claude-code-action@961d152e1b54 (Claude Code on the web)" },
    ],
  },
  {
    id: "devin",
    name: "Devin",
    accounts: [
      { login: "devin-ai-integration[bot]", id: 158243242, source: "V-git All-Hands-AI/OpenHands@c0791589afae; V-src aavetis/PRarena collect_data.py" },
      { login: "devin-cognition", id: 165725058, source: "V-git All-Hands-AI/OpenHands@abe0b9fd7913 (2024)" },
    ],
    emails: [
      { email: `158243242+devin-ai-integration[bot]${NOREPLY}`, source: "V-git All-Hands-AI/OpenHands@c0791589afae, openai/openai-agents-python@82ab63a2a132" },
      { email: `165725058+devin-cognition${NOREPLY}`, source: "V-git All-Hands-AI/OpenHands@abe0b9fd7913" },
    ],
    // Devin names branches devin/<unix ts>-<slug>; SPEC §2 lists the devin/ prefix as a signal. A human
    // named Devin using personal "devin/…" branches is flagged by it (branch signals are conventions).
    branches: [{ glob: "devin/**", source: "V-git ref devin/1734193391-improve-instructions-ui" }],
    markers: [
      { text: "Link to Devin session:", source: "V-iss launchdarkly/ai-tooling#177" },
      { text: "Link to local Devin session:", source: "V-iss tokenbender/avataRL#19" },
    ],
  },
  {
    id: "cursor",
    name: "Cursor agent",
    accounts: [{ login: "cursor[bot]", source: "V-iss getsentry/sentry#101092 (PRs opened as the Cursor GitHub App)" }],
    emails: [
      { email: "cursoragent@cursor.com", source: "V-git All-Hands-AI/OpenHands@0d988c05101b, anthropics/claude-code-action@95a680c41e05" },
    ],
    trailers: [{ key: "Made-with", valuePrefix: "Cursor", source: "V-git openai/openai-agents-python@9250f7df3f6c" }],
    branches: [{ glob: "cursor/**", source: "V-git All-Hands-AI/OpenHands@f0e729e0989c; V-src aavetis/PRarena (head:cursor/)" }],
    markers: [
      { text: "Made with [Cursor](https://cursor.com)", source: "V-iss getsentry/sentry-docs#16597" },
      { text: "<!-- CURSOR_AGENT_PR_BODY_BEGIN -->", source: "3P (cloud agent PR body)" },
    ],
  },
  {
    id: "jules",
    name: "Google Jules",
    accounts: [
      { login: "google-labs-jules[bot]", id: 161369871, source: "V-iss aavetis/PRarena#56; V-git openai/openai-agents-python@e2183e81f2f0" },
    ],
    emails: [
      { email: `161369871+google-labs-jules[bot]${NOREPLY}`, source: "V-git openai/openai-agents-python@e2183e81f2f0, All-Hands-AI/OpenHands@ae7e3b2ad3a7" },
    ],
    // No fixed prefix; "jules/" is left out because Jules is also a person's name.
    branches: [{ glob: "jules_wip_*", source: "V-iss (weak: seen jules_wip_<task id>)" }],
    markers: [
      { text: "PR created automatically by Jules for task", source: "V-iss google/virtual-broadcast-production-assistant#309" },
      { text: "Jules was unable to complete the task in time.", source: "V-git openai/openai-agents-python@e2183e81f2f0" },
    ],
  },
  {
    id: "amazon-q",
    name: "Amazon Q Developer",
    accounts: [{ login: "amazon-q-developer[bot]", id: 208079219, source: "V-git ss3sim/ss3sim@9b898a2dc8d1" }],
    emails: [{ email: `208079219+amazon-q-developer[bot]${NOREPLY}`, source: "V-git ss3sim/ss3sim@9b898a2dc8d1" }],
    branches: [{ glob: "Q-DEV-issue-*", source: "3P" }],
  },
  {
    id: "kiro",
    name: "Kiro",
    accounts: [
      { login: "kiro-agent", id: 244629292, source: "V-git google-gemini/gemini-cli@66803e240c26" },
      { login: "kiro-agent[bot]", source: "3P" },
    ],
    emails: [{ email: `244629292+kiro-agent${NOREPLY}`, source: "V-git google-gemini/gemini-cli@66803e240c26" }],
  },
  {
    id: "aider",
    name: "Aider",
    // --attribute-author / --attribute-committer (default on) rename "User Name" to "User Name (aider)".
    nameSuffixes: [{ suffix: " (aider)", source: "V-src Aider-AI/aider@5dc9490b aider/repo.py; V-git `Paul Gauthier (aider) <aider@paulg.org>`" }],
    emails: [
      { email: "aider@aider.chat", source: "V-src Aider-AI/aider@5dc9490b aider/repo.py (--attribute-co-authored-by)" },
      { email: "noreply@aider.dev", source: "V-git Aider-AI/aider (older builds' co-author)" },
    ],
    subjectPrefixes: [{ prefix: "aider: ", source: "V-src Aider-AI/aider@5dc9490b aider/repo.py; V-git Aider-AI/aider@9776c5c61530 (733×)" }],
  },
  {
    id: "openhands",
    name: "OpenHands",
    accounts: [{ login: "openhands-agent", source: "V-src All-Hands-AI/OpenHands .github/workflows/openhands-resolver.yml (default username)" }],
    emails: [
      { email: "openhands@all-hands.dev", source: "V-src All-Hands-AI/OpenHands@156d0686 codeact_agent/prompts/system_prompt.j2; V-git 7,167 commits" },
      { email: "opendevin@opendevin.ai", source: "V-git All-Hands-AI/OpenHands (legacy OpenDevin)" },
    ],
    branches: [
      { glob: "openhands-fix-issue-*", source: "V-src All-Hands-AI/OpenHands@3504ca77 openhands/resolver/send_pull_request.py" },
      { glob: "openhands-fix-pr-*", source: "3P" },
    ],
  },
  {
    id: "sweep",
    name: "Sweep",
    accounts: [
      { login: "sweep-ai[bot]", source: "V-src sweepai/sweep sweepai/config/server.py (GITHUB_BOT_USERNAME)" },
      { login: "sweep-nightly[bot]", source: "V-src sweepai/sweep sweepai/config/server.py" },
      { login: "sweep-canary[bot]", source: "V-src sweepai/sweep sweepai/config/server.py" },
    ],
    // Seen as commit authors; which id belongs to which of the three logins is not pinned.
    userIds: [
      { id: 128439645, source: "V-git sweep-ai[bot]" },
      { id: 131841235, source: "V-git sweep-nightly[bot]" },
      { id: 132422995, source: "V-git sweep-canary[bot]" },
    ],
    branches: [{ glob: "sweep/**", source: "V-src sweepai/sweep sweepai/handlers/on_ticket.py" }],
    subjectPrefixes: [{ prefix: "Sweep: ", source: "V-src sweepai/sweep sweepai/handlers/on_ticket.py (PR title)" }],
  },
  {
    id: "gemini",
    name: "Gemini CLI",
    accounts: [{ login: "gemini-cli[bot]", source: "V-src google-gemini/gemini-cli@5411f113 .github/workflows/gemini-cli-bot-brain.yml" }],
    emails: [
      // The checkpoint shadow repo's identity, which does end up as real commit authors.
      { email: "gemini-cli@google.com", source: "V-src google-gemini/gemini-cli@5411f113 packages/core/src/services/gitService.ts; V-git (6 commits)" },
      { email: "gemini@google.com", source: "V-git hand-added `Co-authored-by: Gemini <gemini@google.com>`" },
    ],
  },
  {
    id: "factory-droid",
    name: "Factory Droid",
    accounts: [{ login: "factory-droid[bot]", id: 138933559, source: "V-src Factory-AI/droid-action docs/setup.md; V-git id from trailer" }],
    emails: [
      { email: `138933559+factory-droid[bot]${NOREPLY}`, source: "V-git Factory-AI/droid-action (294× co-author)" },
      { email: "droid@factory.ai", source: "V-src Factory-AI/droid-action src/steward/postrun.ts" },
    ],
    branches: [{ glob: "droid/**", source: "V-src Factory-AI/droid-action src/entrypoints/collect-inputs.ts (branch_prefix)" }],
  },
  {
    id: "amp",
    name: "Sourcegraph Amp",
    emails: [{ email: "amp@ampcode.com", source: "V-git sourcegraph/amp.nvim@703098ac9f3f" }],
    trailers: [{ key: "Amp-Thread-ID", valuePrefix: "https://ampcode.com/threads/", source: "V-git sourcegraph/amp.nvim@703098ac9f3f" }],
  },
  {
    id: "codegen",
    name: "Codegen",
    accounts: [{ login: "codegen-sh[bot]", source: "V-src aavetis/PRarena collect_data.py (author:codegen-sh[bot])" }],
  },
  {
    id: "codeflash",
    name: "Codeflash",
    accounts: [{ login: "codeflash-ai[bot]", id: 148906541, source: "V-git (\"⚡️ Speed up function …\" PRs)" }],
  },
];

function toDefinition(entry: CatalogueAgentEntry): BuiltinAgent {
  const sources: string[] = [];
  const note = (what: string, source: string): void => {
    sources.push(`${what} — ${source}`);
  };
  for (const a of entry.accounts ?? []) note(`account ${a.login}${a.id === undefined ? "" : ` (id ${a.id})`}`, a.source);
  for (const u of entry.userIds ?? []) note(`user id ${u.id}`, u.source);
  for (const e of entry.emails ?? []) note(`email ${e.email}`, e.source);
  for (const n of entry.nameSuffixes ?? []) note(`name suffix "${n.suffix}"`, n.source);
  for (const t of entry.trailers ?? []) note(`trailer ${t.key}: ${t.valuePrefix}…`, t.source);
  for (const b of entry.branches ?? []) note(`branch ${b.glob}`, b.source);
  for (const m of entry.markers ?? []) note(`marker "${m.text}"`, m.source);
  for (const p of entry.subjectPrefixes ?? []) note(`subject prefix "${p.prefix}"`, p.source);

  const accounts = (entry.accounts ?? []).map((a) => ({ login: a.login, id: a.id ?? null }));
  const userIds = [
    ...accounts.flatMap((a) => (a.id === null ? [] : [a.id])),
    ...(entry.userIds ?? []).map((u) => u.id),
  ];
  return {
    id: entry.id,
    name: entry.name,
    logins: [...new Set(accounts.map((a) => a.login))],
    userIds: [...new Set(userIds)],
    emails: (entry.emails ?? []).map((e) => e.email),
    branches: (entry.branches ?? []).map((b) => b.glob),
    markers: (entry.markers ?? []).map((m) => m.text),
    accounts,
    nameSuffixes: (entry.nameSuffixes ?? []).map((n) => n.suffix),
    trailers: (entry.trailers ?? []).map((t) => ({ key: t.key, valuePrefix: t.valuePrefix })),
    subjectPrefixes: (entry.subjectPrefixes ?? []).map((p) => p.prefix),
    sources,
  };
}

export const BUILTIN_AGENTS: readonly BuiltinAgent[] = CATALOGUE.map(toDefinition);

/** Automation that is not a coding agent (SPEC §2): the built-in catalogue never flags these identities. */
export interface NonAgentAutomation {
  login: string;
  id: number | null;
  emails: string[];
  source: string;
}

export const NOT_CODING_AGENTS: readonly NonAgentAutomation[] = [
  { login: "dependabot[bot]", id: 49699333, emails: [], source: "V-git `dependabot[bot] <49699333+dependabot[bot]@…>`" },
  { login: "renovate[bot]", id: 29139614, emails: ["bot@renovateapp.com"], source: "V-git `renovate[bot] <29139614+…>`, self-hosted `Renovate Bot <bot@renovateapp.com>`" },
  // id 41898282 is also what claude-code-action writes by default as claude[bot]'s e-mail id (see claude-code above).
  { login: "github-actions[bot]", id: 41898282, emails: ["actions@github.com"], source: "V-git `github-actions[bot] <41898282+…>`, `GitHub Actions <actions@github.com>`" },
  { login: "github-actions", id: null, emails: [], source: "V-git plain `github-actions`" },
  { login: "pre-commit-ci[bot]", id: 66853113, emails: [], source: "V-git `pre-commit-ci[bot] <66853113+…>`" },
  // Release automation of gemini-cli: "gemini" in the name, not an agent.
  { login: "gemini-cli-robot", id: 224641728, emails: ["gemini-cli-robot@google.com"], source: "V-src google-gemini/gemini-cli .github/actions/publish-release/action.yml; V-git" },
  { login: "pull[bot]", id: 39814207, emails: [], source: "V-git `pull[bot] <39814207+pull[bot]@…>`" },
  { login: "semantic-release-bot", id: null, emails: ["semantic-release-bot@martynus.net"], source: "V-git" },
  { login: "snyk-bot", id: null, emails: [], source: "V-git" },
  { login: "blacksmith-sh[bot]", id: null, emails: [], source: "V-git" },
];
