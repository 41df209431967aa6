/**
 * The built-in catalogue of coding agents (SPEC §2): data, not code paths. `detect.ts` compiles it
 * once; adding an agent or a signature is an edit here only.
 *
 * Every signature carries its source (docs/agents.md, generated from this file, lists them all):
 *   V-src  the vendor's own source or docs     V-git  seen in real commits (repo@sha)
 *   V-iss  a vendor issue / docs page          3P     third-party material only (unverified)
 * 3P signatures are kept only where they are so specific (an exact id+login e-mail, an HTML
 * comment the vendor emits) that a false match is implausible.
 *
 * AI reviewers (Copilot code review and Autofix, gemini-code-assist, CodeRabbit, Greptile …) are
 * entries of kind "reviewer": their applied suggestions are the *assisted* class, not agent work.
 *
 * Deliberately NOT in the catalogue (orgs can `define` them): display names ("Devin", "Jules",
 * "Claude", "Copilot"): humans carry them too (`Devin Lai`, `JUNIOR JULES`, GitHub user `claude`
 * id 81847). Only aider's ` (aider)` name suffix is a documented, tool-written signal.
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
  /**
   * "agent" (default): every signature is authorship. "reviewer": an AI reviewer whose suggestions
   * humans apply — its co-author trailers, trailers and commit markers/subjects are the *assisted*
   * class, while the same account as commit author/committer or PR opener is authorship (SPEC §2).
   */
  kind?: "agent" | "reviewer";
  /** PR author / commit author, committer or co-author accounts. */
  accounts?: CatalogueAccount[];
  /** Account ids whose login pairing is not certain (matched by id alone). */
  userIds?: { id: number; source: string }[];
  /** Exact e-mail addresses (case-insensitive) as author, committer or `Co-authored-by`. */
  emails?: { email: string; source: string }[];
  /**
   * Model names an agent writes as a `Co-authored-by:` *name*, for co-author lines whose e-mail is
   * missing or not the agent's (`Co-Authored-By: Claude (claude-opus-4-6)`, `Claude Opus 4.6 (1M
   * context) <someone@…>`). Case-sensitive prefix of the name; with `version: true` the next
   * character must be a digit (`Claude Opus 4.6`, never a person called `Claude Opus`). Never a bare
   * display name: "Claude" alone is a person's name too.
   */
  coAuthorNames?: { prefix: string; version?: boolean; source: string }[];
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
  kind: "agent" | "reviewer";
  accounts: { login: string; id: number | null }[];
  nameSuffixes: string[];
  coAuthorNames: { prefix: string; version: boolean }[];
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
      { key: "Agent-Logs-Url", valuePrefix: "https://github.com/", source: "V-git openai/openai-agents-python@f268a9716c0a, charmbracelet/crush@4ed76de08385" },
      // Copilot CLI / Copilot App: a session id in its own last paragraph, after the `Co-authored-by: Copilot App` paragraph.
      { key: "Copilot-Session", valuePrefix: "", source: "V-git github/github-mcp-server@51ff1a967ebd (99 commits, 2026-08)" },
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
      { login: "openai-codex[bot]", id: 215057067, source: "V-git steipete/CodexBar@f5dfcc0f0521, @6eef3e896dde (`Co-authored-by: OpenAI Codex <215057067+openai-codex[bot]@…>`)" },
    ],
    emails: [
      { email: "noreply@openai.com", source: "V-iss openai/codex#11617 (command_attribution); V-git openai/openai-agents-python (54×)" },
      { email: "codex@openai.com", source: "V-git google-gemini/gemini-cli@9ada56d19041, openai/openai-agents-js@648116decceb" },
      { email: `242516109+Codex${NOREPLY}`, source: "3P (Codex on GitHub's agent platform)" },
      { email: `267193182+Codex${NOREPLY}`, source: "3P (Codex on GitHub's agent platform)" },
      { email: `215057067+openai-codex[bot]${NOREPLY}`, source: "V-git steipete/CodexBar@f5dfcc0f0521" },
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
      { login: "claude-code[bot]", source: "V-git anthropics/claude-code-action@4d2370c6d8dd (`Claude Code <claude-code[bot]@users.noreply.github.com>`)" },
    ],
    emails: [
      { email: "noreply@anthropic.com", source: "V-iss anthropics/claude-code#29999, #9224, #14241; V-git anthropics/claude-code-action@961d152e1b54" },
      // claude-code-action's default bot_id borrows github-actions[bot]'s id: the login part is what tells them apart.
      { email: `41898282+claude[bot]${NOREPLY}`, source: "V-src anthropics/claude-code-action@24dcd50c action.yml (bot_id 41898282), src/github/operations/git-config.ts" },
      { email: `209825114+claude[bot]${NOREPLY}`, source: "V-git anthropics/claude-code-action (squash co-author)" },
      { email: `242468646+Claude${NOREPLY}`, source: "V-git google-gemini/gemini-cli@c32d5adab4cb, @a719f446ce54" },
      // Hand-configured tool identities: the brand's mailbox, not a person's.
      { email: "claude@anthropic.com", source: "V-git badlogic/pi-mono@7ac38dff8f56 (author `Claude Assistant <claude@anthropic.com>`), @1ca743fd2e93 (co-author), huggingface/smolagents@44a79d16925e" },
      { email: "claude-code@anthropic.com", source: "V-git anthropics/claude-code@6d02f9f4fad2 (`Co-authored-by: Claude Code <claude-code@anthropic.com>`)" },
    ],
    // Claude Code writes the model as the co-author name (`Claude Opus 4.6 (1M context) <noreply@anthropic.com>`);
    // hand-edited and other tools' copies keep the name and drop or replace the address.
    coAuthorNames: [
      { prefix: "Claude Opus ", version: true, source: "V-git modelcontextprotocol/typescript-sdk@2a6dc38cb611 (`Claude Opus 4.6 (1M context) <tadao@…>`)" },
      { prefix: "Claude Sonnet ", version: true, source: "V-git getsentry/sentry-mcp@439e39d1b97c (`Co-Authored-By: Claude Sonnet 4.5 (Anthropic)`, no address)" },
      { prefix: "Claude Haiku ", version: true, source: "V-git vercel/ai@89911976c672 (`Claude Haiku 4.5 <noreply@anthropic.com>`)" },
      { prefix: "Claude Fable ", version: true, source: "V-git vercel/ai@6c93d2f40c82 (`Claude Fable 5 <noreply@anthropic.com>`)" },
      { prefix: "Claude ", version: true, source: "V-git getsentry/sentry-python@58c68016807b (`Co-authored-by: Claude 3.5 Sonnet <noreply@anthropic.com>`, the older model naming)" },
      { prefix: "Claude (claude-", source: "V-git getsentry/sentry-mcp@0c9a035b3339 (`Co-Authored-By: Claude (claude-opus-4-6)`)" },
      { prefix: "Claude (Anthropic", source: "V-git getsentry/sentry-mcp@653f5daa4c51 (`Co-Authored-By: Claude (Anthropic)`)" },
    ],
    trailers: [
      // Added even when attribution is disabled.
      { key: "Claude-Session", valuePrefix: "https://claude.ai/code/session_", source: "V-iss anthropics/claude-code#77830; V-git cline/cline@d8fb035b5d23" },
      { key: "Claude-Generated-By", valuePrefix: "Claude Code", source: "V-git anthropics/claude-code-action@49cfcf81070e, @e568e162d7a2 (`Claude Code (cli/claude-opus-4-5=100%)`)" },
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
      { login: "beta-devin-ai-integration[bot]", id: 248786709, source: "V-git cloudflare/agents@38bf87a3e887, @04da1b424a87 (`Co-Authored-By: Beta-Devin AI <248786709+…>`)" },
    ],
    emails: [
      { email: `158243242+devin-ai-integration[bot]${NOREPLY}`, source: "V-git All-Hands-AI/OpenHands@c0791589afae, openai/openai-agents-python@82ab63a2a132" },
      { email: `165725058+devin-cognition${NOREPLY}`, source: "V-git All-Hands-AI/OpenHands@abe0b9fd7913" },
      { email: `248786709+beta-devin-ai-integration[bot]${NOREPLY}`, source: "V-git cloudflare/agents@38bf87a3e887" },
    ],
    // Devin names branches devin/<unix ts>-<slug>; SPEC §2 lists the devin/ prefix as a signal. A human
    // named Devin using personal "devin/…" branches is flagged by it (branch signals are conventions).
    branches: [{ glob: "devin/**", source: "V-git ref devin/1734193391-improve-instructions-ui" }],
    markers: [
      { text: "Link to Devin session:", source: "V-iss launchdarkly/ai-tooling#177" },
      { text: "Link to local Devin session:", source: "V-iss tokenbender/avataRL#19" },
      // Devin CLI's commit footer, above its `Co-Authored-By: Devin <158243242+devin-ai-integration[bot]@…>`.
      { text: "Generated with [Devin](", source: "3P code-index excerpts of Devin commit messages (`Generated with [Devin](https://devin.ai)`, `…(https://cli.devin.ai/docs)`)" },
    ],
  },
  {
    id: "cursor",
    name: "Cursor agent",
    accounts: [{ login: "cursor[bot]", source: "V-iss getsentry/sentry#101092 (PRs opened as the Cursor GitHub App)" }],
    emails: [
      { email: "cursoragent@cursor.com", source: "V-git All-Hands-AI/OpenHands@0d988c05101b, anthropics/claude-code-action@95a680c41e05" },
      { email: "cursor-agent@cursor.com", source: "V-git getsentry/sentry-mcp@787e4a5ed0bf, @bb061089410f (`Cursor Agent (composer-2) <cursor-agent@cursor.com>`)" },
      { email: "cursor-agent@cursor.sh", source: "V-git getsentry/sentry-mcp@6f8a04f365a2 (`Co-authored-by: Cursor Agent <cursor-agent@cursor.sh>`)" },
      { email: "noreply@cursor.sh", source: "V-git getsentry/sentry-mcp@44bc95afa53f (`Co-authored-by: Cursor <noreply@cursor.sh>`)" },
      // Composer is Cursor's own agent model.
      { email: "noreply@cursor.com", source: "V-git getsentry/sentry-mcp@450cd4ba32a2 (`Co-authored-by: Composer <noreply@cursor.com>`)" },
      { email: "composer@cursor.com", source: "V-git getsentry/sentry-mcp@7b0b2de58d4e (`Co-authored-by: Composer <composer@cursor.com>`)" },
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
    markers: [{ text: "🤖 Assisted by Kiro", source: "V-git badlogic/pi-mono@3ad2bdd89709, @cde4314fc6d2" }],
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
    emails: [{ email: "team@sweep.dev", source: "V-git sweepai/sweep (`sweep-nightly[bot] <team@sweep.dev>`, 20 commits)" }],
    branches: [{ glob: "sweep/**", source: "V-src sweepai/sweep sweepai/handlers/on_ticket.py" }],
    // No "Sweep: " subject prefix: humans write it too ("Sweep: route report_progress …",
    // modelcontextprotocol/python-sdk@dcbe6e8fb6d4, a false alarm on the held-out sample), and it was
    // the *issue* title a human typed to summon Sweep.
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
  // ───────────── added this release (issue 9): agents seen committing in 2026 ─────────────
  {
    id: "crush",
    name: "Charm Crush",
    emails: [{ email: "crush@charm.land", source: "V-git charmbracelet/crush@f8be2ffc964d (`Co-authored-by: Charm Crush <crush@charm.land>`, 870 commits)" }],
    trailers: [
      // Crush's default attribution is the kernel-style `Assisted-by: Crush:<model>` (trailer_style assisted-by).
      { key: "Assisted-by", valuePrefix: "Crush", source: "V-git charmbracelet/crush@2e8faa812ccb (`Assisted-by: Crush:qwen3.7-max`), @437d27533da2" },
    ],
    markers: [{ text: "Generated with Crush", source: "V-git charmbracelet/crush@2e8faa812ccb (`💘 Generated with Crush`, 878 commits)" }],
  },
  {
    id: "roo-code",
    name: "Roo Code cloud agent (Roomote)",
    accounts: [
      { login: "roomote[bot]", id: 219738659, source: "V-git RooCodeInc/Roo-Code@193053110bc8, cline/cline@6d6b836480dc" },
      { login: "roomote-v0[bot]", source: "V-git RooCodeInc/Roo-Code@319b5576c7b8 (same id 219738659, earlier slug)" },
      { login: "roomote-agent", source: "V-git RooCodeInc/Roo-Code (`roomote-agent <devnull+roomote-agent@users.noreply.github.com>`)" },
    ],
    emails: [
      { email: "roomote@roocode.com", source: "V-git RooCodeInc/Roo-Code@e686deea3525 (`Roo Code <roomote@roocode.com>`, 3,167 commits)" },
      { email: `219738659+roomote[bot]${NOREPLY}`, source: "V-git RooCodeInc/Roo-Code@193053110bc8" },
      { email: `219738659+roomote-v0[bot]${NOREPLY}`, source: "V-git RooCodeInc/Roo-Code@319b5576c7b8" },
    ],
  },
  {
    id: "cline",
    name: "Cline (cloud agent and CLI)",
    accounts: [{ login: "cline-cloud[bot]", id: 276134852, source: "V-git cline/cline@80b3b0348e69" }],
    emails: [
      { email: `276134852+cline-cloud[bot]${NOREPLY}`, source: "V-git cline/cline@80b3b0348e69, @b905c78640ab (co-author)" },
      { email: `cline-cloud-agent${NOREPLY}`, source: "V-git cline/cline (`Cline Cloud Agent <cline-cloud-agent@users.noreply.github.com>`)" },
      { email: `cline-agent${NOREPLY}`, source: "V-git cline/cline@7be3d5e6d543 (`Cline Agent <cline-agent@users.noreply.github.com>` as committer, 176 commits)" },
      { email: "agent@cline.bot", source: "V-git cline/cline@27662a796324 (`Cline Agent <agent@cline.bot>`)" },
    ],
  },
  {
    id: "kilo-code",
    name: "Kilo Code",
    accounts: [{ login: "kilo-code-bot[bot]", source: "3P code-index excerpts (PRs and reviews by @kilo-code-bot[bot] in Kilo-Org/kilocode release notes)" }],
    branches: [{ glob: "kilo/**", source: "3P code-index excerpt (PR by app/kilo-code-bot from head `kilo/leafy-dragon-4ck`)" }],
  },
  {
    id: "opencode",
    name: "opencode",
    accounts: [{ login: "opencode-agent[bot]", source: "3P code-index excerpts (`Co-authored-by: opencode-agent <noreply@opencode.ai>`)" }],
    emails: [{ email: "noreply@opencode.ai", source: "3P code-index excerpts of opencode's default `Co-Authored-By: opencode <noreply@opencode.ai>`" }],
    // The opencode GitHub agent's issue branches: `opencode/issue<number>-<timestamp>`.
    branches: [{ glob: "opencode/issue[0-9]*", source: "V-git cloudflare/agents (head branch opencode/issue924-20260218192155); 3P code-index excerpts (`opencode/issue${issueNumber}-${Date.now()}`)" }],
    markers: [{ text: "Generated with [opencode](", source: "V-git charmbracelet/crush@7627d71563be (`🤖 Generated with [opencode](https://opencode.ai)`)" }],
  },
  {
    id: "qwen-code",
    name: "Qwen Code",
    accounts: [{ login: "qwen.ai[bot]", source: "V-git cline/cline@0c9d13816ca8, MoonshotAI/kimi-cli@272885410264" }],
    emails: [
      { email: "qwen-coder@alibabacloud.com", source: "3P code-index excerpts (`Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>`, 24 commits counted by a third-party scan)" },
      { email: "qwenlm-intl@service.alibaba.com", source: "V-git cline/cline@0c9d13816ca8 (`qwen.ai[bot] <qwenlm-intl@service.alibaba.com>` author and committer)" },
    ],
  },
  {
    id: "kimi-code",
    name: "Kimi Code",
    emails: [{ email: "noreply@kimi.com", source: "V-git MoonshotAI/kimi-cli@32f075f8de4d (`Co-Authored-By: Kimi K2.7 Code <noreply@kimi.com>`)" }],
  },
  {
    id: "junie",
    name: "JetBrains Junie",
    accounts: [{ login: "junie-agent", id: 247260674, source: "3P code-index excerpt (JUNIE_AGENT login junie-agent, id 247260674)" }],
    emails: [{ email: `247260674+junie-agent${NOREPLY}`, source: "3P code-index excerpt (same constant)" }],
  },
  {
    id: "augment",
    name: "Augment Code (Auggie)",
    accounts: [{ login: "augmentcode[bot]", source: "3P" }],
    emails: [{ email: "auggie@augmentcode.com", source: "3P code-index excerpts (`Author: Auggie <auggie@augmentcode.com>`)" }],
  },
  {
    id: "windsurf",
    name: "Windsurf / Codeium",
    accounts: [{ login: "windsurf-bot[bot]", id: 189301087, source: "3P" }],
    emails: [
      { email: "windsurf@codeium.com", source: "3P code-index excerpts (`Co-authored-by: Windsurf <windsurf@codeium.com>`)" },
      { email: "noreply@codeium.com", source: "3P code-index excerpts (`Co-Authored-By: Windsurf <noreply@codeium.com>`)" },
    ],
  },
  {
    id: "replit",
    name: "Replit Agent",
    emails: [{ email: "agent@replit.com", source: "3P" }],
    trailers: [
      // Replit also writes `Replit-Commit-Author: Deployment` for deploy checkpoints: only Agent/Assistant count.
      { key: "Replit-Commit-Author", valuePrefix: "Agent", source: "3P code-index excerpts (commit logs quoted in public repos: `Replit-Commit-Author: Agent`, 495 of 523 commits of one repo)" },
      { key: "Replit-Commit-Author", valuePrefix: "Assistant", source: "3P code-index excerpt (`Replit-Commit-Author: Agent|Assistant`)" },
    ],
  },
  {
    id: "vercel",
    name: "Vercel Agent / v0",
    accounts: [
      { login: "v0[bot]", source: "3P code-index excerpt (v0 `+v0[bot]@users.noreply.github.com`)" },
      { login: "vercel[bot]", source: "V-git anthropics/claude-code-action@160492d24b1a (`Vercel <vercel[bot]@users.noreply.github.com>` authoring code)" },
    ],
    emails: [{ email: "noreply@v0.dev", source: "3P code-index excerpt (v0 trailer e-mail)" }],
  },
  {
    id: "lovable",
    name: "Lovable",
    accounts: [
      { login: "gpt-engineer-app[bot]", id: 159125892, source: "V-git tesfayekb/ethio-marketplace@73df3d08f246 (1,427 commits)" },
      { login: "lovable-dev[bot]", source: "3P code-index excerpt (co-author `lovable-dev[bot]`)" },
    ],
    emails: [
      { email: `159125892+gpt-engineer-app[bot]${NOREPLY}`, source: "V-git tesfayekb/ethio-marketplace@73df3d08f246" },
      { email: "noreply@lovable.dev", source: "V-git tesfayekb/ethio-marketplace@c7347b3af491 (committer `lovable <noreply@lovable.dev>`)" },
    ],
    trailers: [{ key: "X-Lovable-Edit-ID", valuePrefix: "", source: "V-git tesfayekb/ethio-marketplace@73df3d08f246 (`X-Lovable-Edit-ID: edt-<uuid>`, 189 commits)" }],
  },
  {
    id: "antigravity",
    name: "Google Antigravity",
    emails: [{ email: "antigravity@google.com", source: "3P code-index excerpts (`Co-Authored-By: Antigravity <antigravity@google.com>`)" }],
  },
  {
    id: "warp",
    name: "Warp agents (Oz, Warp Agent)",
    emails: [
      { email: "agent@warp.dev", source: "3P code-index excerpts (`Co-Authored-By: Warp <agent@warp.dev>`)" },
      { email: "oz-agent@warp.dev", source: "3P code-index excerpts (`Co-Authored-By: Oz <oz-agent@warp.dev>`)" },
    ],
  },
  {
    id: "remote-swe-agents",
    name: "AWS remote-swe-agents",
    // The sample writes the placeholder id 123456, so only the login part identifies it.
    accounts: [{ login: "remote-swe-app[bot]", source: "V-git aws-samples/remote-swe-agents@030b2c85ec38 (459 commits)" }],
  },
  {
    id: "blackbox",
    name: "BLACKBOX AI agent",
    emails: [
      { email: "code@blackbox.ai", source: "V-git MoonshotAI/kimi-cli@507896fb0ceb (`BLACKBOX Agent <code@blackbox.ai>`)" },
      { email: "agent@blackbox.ai", source: "V-git MoonshotAI/kimi-cli@880931c0510d (`Blackbox Agent <agent@blackbox.ai>`)" },
    ],
  },
  {
    id: "blink",
    name: "Coder Blink",
    accounts: [{ login: "blink-so[bot]", id: 211532188, source: "V-git (public commit history, 2025–26: blink-so[bot] 211532188)" }],
  },
  {
    id: "mentat",
    name: "Mentat",
    accounts: [{ login: "MentatBot", id: 160964065, source: "V-git (public commit history: MentatBot 160964065)" }],
  },
  {
    id: "continue",
    name: "Continue (cn CLI and cloud agents)",
    accounts: [
      { login: "continue[bot]", id: 230936708, source: "V-git continuedev/continue@03c8f952e8ba (`continue[bot] <230936708+continue[bot]@…>`), @0961c1a164d4" },
      { login: "continue-staging[bot]", id: 230944351, source: "V-git continuedev/continue@d5d591c6d07c, @b8586d6d90a6" },
    ],
    emails: [{ email: "noreply@continue.dev", source: "V-git continuedev/continue@0961c1a164d4 (`Co-Authored-By: Continue <noreply@continue.dev>`, 112 commits), @a17343d5e2b2 (`Continue Agent` author)" }],
    markers: [{ text: "Generated with [Continue](", source: "V-git continuedev/continue@0961c1a164d4 (`Generated with [Continue](https://continue.dev)`, 105 commits)" }],
  },
  // ───────────── added from the held-out sample (test/fixtures/detection/held-out-commits.json) ─────────────
  {
    id: "mistral-vibe",
    name: "Mistral Vibe",
    emails: [{ email: "vibe@mistral.ai", source: "V-git modelcontextprotocol/python-sdk@e0823b3bdfd1, @0418e3206510 (`Co-Authored-By: Mistral Vibe <vibe@mistral.ai>`)" }],
    markers: [{ text: "Generated by Mistral Vibe.", source: "V-git modelcontextprotocol/python-sdk@e0823b3bdfd1" }],
  },
  {
    id: "sentry-junior",
    name: "Sentry Junior",
    accounts: [{ login: "sentry-junior[bot]", id: 264270552, source: "V-git getsentry/sentry-mcp@9a9f4f459f81 (author and committer, 327 commits)" }],
    emails: [
      { email: `264270552+sentry-junior[bot]${NOREPLY}`, source: "V-git getsentry/sentry-mcp@9a9f4f459f81" },
      { email: "junior@sentry.io", source: "V-git getsentry/sentry-mcp@5d771fe79630 (author `Junior <junior@sentry.io>`), @8a300ad39db9 (co-author)" },
      { email: "junior[bot]@sentry.io", source: "V-git getsentry/sentry-mcp@bd7d63967f19 (author `junior[bot] <junior[bot]@sentry.io>`), @8d75a7873308" },
    ],
    markers: [{ text: "<!-- junior-session-footer:start -->", source: "V-git getsentry/sentry-mcp@4a109327ef3c, @7a77cc58a3ed" }],
  },
  {
    id: "sentry-seer",
    name: "Sentry Seer (Autofix)",
    accounts: [
      { login: "seer-by-sentry[bot]", id: 157164994, source: "V-git getsentry/sentry-mcp@945b76f8a7ec, @73285c5078ae (author of `seer/…` branch commits)" },
      // Sentry's GitHub App commits Seer's fixes on `seer/fix/…` branches since 2026.
      { login: "sentry[bot]", id: 39604003, source: "V-git getsentry/sentry-mcp@11544282f93d, @6a12ab54dcad (author, head branch `seer/fix/…`)" },
    ],
    emails: [
      { email: `157164994+seer-by-sentry[bot]${NOREPLY}`, source: "V-git getsentry/sentry-mcp@945b76f8a7ec" },
      { email: `39604003+sentry[bot]${NOREPLY}`, source: "V-git getsentry/sentry-mcp@11544282f93d" },
    ],
  },
  {
    id: "posthog-code",
    name: "PostHog Code",
    accounts: [{ login: "posthog[bot]", id: 206114724, source: "V-git PostHog/posthog-js@325870a3b647, @9b2a1b18db64 (author, with `Generated-By: PostHog Code`)" }],
    emails: [
      { email: `206114724+posthog[bot]${NOREPLY}`, source: "V-git PostHog/posthog-js@325870a3b647" },
      { email: `posthog-code${NOREPLY}`, source: "V-git PostHog/posthog-js@16f94267af8c (author `PostHog Code <posthog-code@users.noreply.github.com>`), @0fe77e84a61f (co-author)" },
    ],
    trailers: [
      { key: "Generated-By", valuePrefix: "PostHog Code", source: "V-git PostHog/posthog-js@325870a3b647 (`Generated-By: PostHog Code` + `Task-Id:`, 1,080 commits)" },
      { key: "Generated-By", valuePrefix: "PostHog Desktop", source: "V-git PostHog/posthog-js@9b2a1b18db64 (`Generated-By: PostHog Desktop`, 83 commits)" },
    ],
    branches: [{ glob: "posthog-code/**", source: "V-git PostHog/posthog-js (56 branches `posthog-code/<slug>`, e.g. posthog-code/autocapture-shadow-host-null-guard by posthog[bot])" }],
    markers: [{ text: "Created with [PostHog Code](", source: "V-git PostHog/posthog-js@beaccc392d84, @ee9f2a839e0e (`*Created with [PostHog Code](https://posthog.com/code?ref=pr)*`)" }],
  },
  {
    id: "command-code",
    name: "Command Code",
    emails: [{ email: "noreply@commandcode.ai", source: "V-git modelcontextprotocol/python-sdk@f879ec6fd141 (`Co-authored-by: CommandCodeBot <noreply@commandcode.ai>`)" }],
  },
  {
    id: "sisyphus",
    name: "Sisyphus (oh-my-opencode)",
    emails: [{ email: "clio-agent@sisyphuslabs.ai", source: "V-git anthropics/claude-agent-sdk-python@39042ff5bdba, @73e3640def17 (`Co-authored-by: Sisyphus <clio-agent@sisyphuslabs.ai>`)" }],
  },
  {
    id: "cloudflare-bonk",
    name: "Cloudflare Bonk (ask-bonk)",
    accounts: [{ login: "ask-bonk[bot]", id: 249159057, source: "V-src elithrar/ask-bonk README.md (\"A GitHub bot powered by OpenCode\"); V-git cloudflare/agents@f59cecafdcf8 (author `ask-bonk[bot] <249159057+…>`), @4c8b3712b11d (co-author)" }],
    emails: [{ email: `249159057+ask-bonk[bot]${NOREPLY}`, source: "V-git cloudflare/agents@f59cecafdcf8" }],
  },
  // ───────────── added from a second held-out batch (pydantic/pydantic-ai, honojs/hono, huggingface/smolagents) ─────────────
  {
    id: "codebuff",
    name: "Codebuff",
    emails: [{ email: "noreply@codebuff.com", source: "V-git honojs/hono@726e50cf2cef (`Co-Authored-By: Codebuff <noreply@codebuff.com>`)" }],
    markers: [{ text: "Generated with Codebuff", source: "V-git honojs/hono@726e50cf2cef (`🤖 Generated with Codebuff`)" }],
  },
  {
    id: "paperclip",
    name: "Paperclip",
    emails: [{ email: "noreply@paperclip.ing", source: "V-git pydantic/pydantic-ai@54870193928e, @5a235894a9e2, huggingface/smolagents@29655ebbcf44 (`Co-Authored-By: Paperclip <noreply@paperclip.ing>`)" }],
  },
  {
    id: "trae",
    name: "TRAE (ByteDance)",
    // ByteDance's generic no-reply address, seen only as TRAE CLI's co-author.
    emails: [{ email: "noreply@bytedance.com", source: "V-git pydantic/pydantic-ai@988181eec609, @515cb02562bb (`Co-authored-by: TRAE CLI <noreply@bytedance.com>`)" }],
  },
  // ───────────── added from a third held-out batch (badlogic/pi-mono, steipete/CodexBar, TanStack/query, …) ─────────────
  {
    id: "craft-agents",
    name: "Craft Agents",
    emails: [{ email: "agents-noreply@craft.do", source: "V-git steipete/CodexBar@df30db742e16, @91af1f1004cc (`Co-Authored-By: Craft Agent <agents-noreply@craft.do>`)" }],
  },
  {
    id: "happy",
    name: "Happy (Claude Code / Codex mobile client)",
    emails: [{ email: "yesreply@happy.engineering", source: "V-git badlogic/pi-mono@f03d4d556743 (`Co-Authored-By: Happy <yesreply@happy.engineering>`)" }],
  },
  {
    // The Linux kernel's convention (`Assisted-by: AGENT_NAME:MODEL_VERSION`) and its `Generated-by:`
    // variants declare AI help by definition, whatever the value names; a specific agent's own form
    // (Crush's `Assisted-by: Crush:…`, an agent e-mail in the value) is credited to that agent instead.
    id: "ai-attribution",
    name: "AI tool declared in an Assisted-by / Generated-by trailer",
    trailers: [
      { key: "Assisted-by", valuePrefix: "", source: "V-git charmbracelet/crush@f0ddb718cf2f (`Assisted-by: Claude Fable 5 <noreply@anthropic.com>`), @16925b260490 (`Assisted-by: Claude Fable 5`)" },
      { key: "Generated-by", valuePrefix: "", source: "3P (variant of the Assisted-by convention)" },
    ],
  },
  // ───────────── AI reviewers (kind "reviewer"): applied suggestions are the assisted class ─────────────
  {
    id: "copilot-review",
    name: "GitHub Copilot code review",
    kind: "reviewer",
    accounts: [{ login: "copilot-pull-request-reviewer[bot]", source: "3P (Copilot code review's reviewer account)" }],
    // The account behind `175728472+Copilot` e-mails. Its login is `Copilot`, like the coding agent's, so it is
    // matched by id only: a bare `Copilot` login without an id stays the coding agent.
    userIds: [{ id: 175728472, source: "V-git github/github-mcp-server@28171abb0c43 (`Co-authored-by: Copilot <175728472+Copilot@…>`)" }],
    emails: [
      { email: `175728472+Copilot${NOREPLY}`, source: "V-git github/github-mcp-server@28171abb0c43; charmbracelet/crush@676b063918e8 (`Copilot Autofix powered by AI <175728472+Copilot@…>`)" },
    ],
    subjectPrefixes: [{ prefix: "Apply suggestion from @Copilot", source: "V-git charmbracelet/crush@73743c0ecf71, MoonshotAI/kimi-cli@a2003241d5a9" }],
  },
  {
    id: "copilot-autofix",
    name: "GitHub Copilot Autofix",
    kind: "reviewer",
    accounts: [
      { login: "github-advanced-security[bot]", id: 62310815, source: "V-git All-Hands-AI/OpenHands@f66d166fe844; google-gemini/gemini-cli@e6c98b891064 (as author: `Initial plan`)" },
      { login: "github-code-quality[bot]", source: "V-iss (issue 9: Copilot Autofix for code quality findings)" },
    ],
    emails: [{ email: `62310815+github-advanced-security[bot]${NOREPLY}`, source: "V-git RooCodeInc/Roo-Code@add3dcfec77b (`Copilot Autofix powered by AI <62310815+…>`)" }],
    subjectPrefixes: [
      { prefix: "Potential fix for code scanning alert", source: "V-git RooCodeInc/Roo-Code@ffca62accd9b" },
      { prefix: "Potential fix for pull request finding", source: "V-git MoonshotAI/kimi-cli@742b2bbf65ca" },
    ],
  },
  {
    id: "gemini-code-assist",
    name: "Gemini Code Assist",
    kind: "reviewer",
    accounts: [{ login: "gemini-code-assist[bot]", id: 176961590, source: "V-git github/github-mcp-server@58ebf67e3a01" }],
    emails: [{ email: `176961590+gemini-code-assist[bot]${NOREPLY}`, source: "V-git github/github-mcp-server@58ebf67e3a01; google-gemini/gemini-cli (2,100+ co-authors)" }],
  },
  {
    id: "coderabbit",
    name: "CodeRabbit",
    kind: "reviewer",
    accounts: [{ login: "coderabbitai[bot]", id: 136622811, source: "V-git google-gemini/gemini-cli@f4c7bd78900d (author of `Fix UTG issues (iteration 1)`)" }],
    emails: [{ email: `136622811+coderabbitai[bot]${NOREPLY}`, source: "V-git google-gemini/gemini-cli@f4c7bd78900d" }],
    // Its generated unit tests are PRs it authors.
    branches: [{ glob: "coderabbitai/**", source: "V-git google-gemini/gemini-cli (`coderabbitai/utg/<sha>`)" }],
  },
  {
    id: "greptile",
    name: "Greptile",
    kind: "reviewer",
    accounts: [{ login: "greptile-apps[bot]", id: 165735046, source: "V-git cline/cline@2f58bbe4eda1" }],
    emails: [{ email: `165735046+greptile-apps[bot]${NOREPLY}`, source: "V-git cline/cline@2f58bbe4eda1 (108 co-authors)" }],
    subjectPrefixes: [{ prefix: "Apply suggestion from @greptile-apps[bot]", source: "V-git cline/cline (7 commits)" }],
  },
  {
    id: "sourcery",
    name: "Sourcery",
    kind: "reviewer",
    accounts: [{ login: "sourcery-ai[bot]", id: 58596630, source: "V-git (public commit history: sourcery-ai[bot] 58596630 suggestions)" }],
    emails: [{ email: `58596630+sourcery-ai[bot]${NOREPLY}`, source: "V-git (public commit history)" }],
  },
  {
    id: "ellipsis",
    name: "Ellipsis",
    kind: "reviewer",
    accounts: [{ login: "ellipsis-dev[bot]", id: 65095814, source: "V-git RooCodeInc/Roo-Code@4ed55d47f380 (as author: `[Ellipsis] fix: …`)" }],
    emails: [{ email: `65095814+ellipsis-dev[bot]${NOREPLY}`, source: "V-git RooCodeInc/Roo-Code@861139ca24d4, cline/cline@c8d7cba5bfa1 (694 co-authors)" }],
    subjectPrefixes: [{ prefix: "Apply suggestion from @ellipsis-dev[bot]", source: "V-git cline/cline, RooCodeInc/Roo-Code (18 commits)" }],
  },
  {
    id: "cubic",
    name: "cubic",
    kind: "reviewer",
    accounts: [{ login: "cubic-dev-ai[bot]", id: 191113872, source: "V-git continuedev/continue@fd559bbc8eae (co-author of applied suggestions, 37 commits)" }],
    emails: [{ email: `191113872+cubic-dev-ai[bot]${NOREPLY}`, source: "V-git continuedev/continue@fd559bbc8eae" }],
  },
  {
    id: "qodo",
    name: "Qodo Merge",
    kind: "reviewer",
    accounts: [
      { login: "qodo-merge-pro[bot]", source: "3P" },
      { login: "qodo-code-review[bot]", source: "3P" },
    ],
  },
  {
    id: "macroscope",
    name: "Macroscope",
    kind: "reviewer",
    accounts: [{ login: "macroscopeapp[bot]", id: 170038800, source: "V-git pydantic/pydantic-ai@ec8ea675cc65 (co-author of an applied review suggestion)" }],
    emails: [{ email: `170038800+macroscopeapp[bot]${NOREPLY}`, source: "V-git pydantic/pydantic-ai@ec8ea675cc65" }],
  },
  {
    id: "aikido-autofix",
    name: "Aikido AutoFix",
    kind: "reviewer",
    accounts: [{ login: "aikido-autofix[bot]", id: 119856028, source: "V-git cline/cline@d366320edd12 (author of `fix(security): update dependencies`)" }],
    emails: [{ email: `119856028+aikido-autofix[bot]${NOREPLY}`, source: "V-git cline/cline@d366320edd12" }],
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
  for (const n of entry.coAuthorNames ?? []) note(`co-author name "${n.prefix}${n.version === true ? "<digit>" : ""}…"`, n.source);
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
    kind: entry.kind ?? "agent",
    logins: [...new Set(accounts.map((a) => a.login))],
    userIds: [...new Set(userIds)],
    emails: (entry.emails ?? []).map((e) => e.email),
    branches: (entry.branches ?? []).map((b) => b.glob),
    markers: (entry.markers ?? []).map((m) => m.text),
    accounts,
    nameSuffixes: (entry.nameSuffixes ?? []).map((n) => n.suffix),
    coAuthorNames: (entry.coAuthorNames ?? []).map((n) => ({ prefix: n.prefix, version: n.version === true })),
    trailers: (entry.trailers ?? []).map((t) => ({ key: t.key, valuePrefix: t.valuePrefix })),
    subjectPrefixes: (entry.subjectPrefixes ?? []).map((p) => p.prefix),
    sources,
  };
}

export const BUILTIN_AGENTS: readonly BuiltinAgent[] = CATALOGUE.map(toDefinition);

/**
 * Automation that writes code and is not a coding agent (SPEC §2): the built-in catalogue never flags
 * these identities, and they are never `unknown-bot`s. The policy's `agents.trusted` extends the list.
 * Logins in REST spelling; ids where seen in real commits (an id read from a noreply e-mail is not
 * trusted on its own: see detect/unknown-bot.ts).
 */
export interface NonAgentAutomation {
  login: string;
  id: number | null;
  emails: string[];
  /** What it does, shown in docs/agents.md. */
  kind: string;
  source: string;
}

export const TRUSTED_AUTOMATION: readonly NonAgentAutomation[] = [
  { login: "dependabot[bot]", id: 49699333, emails: [], kind: "dependency updates", source: "V-git `dependabot[bot] <49699333+dependabot[bot]@…>` (charmbracelet/crush, 408 commits)" },
  { login: "dependabot-preview[bot]", id: null, emails: [], kind: "dependency updates (legacy)", source: "3P code-index excerpt (bot e-mail lists)" },
  { login: "renovate[bot]", id: 29139614, emails: ["bot@renovateapp.com"], kind: "dependency updates", source: "V-git `renovate[bot] <29139614+…>` (RooCodeInc/Roo-Code, 824 commits), self-hosted `Renovate Bot <bot@renovateapp.com>`" },
  { login: "depfu[bot]", id: null, emails: [], kind: "dependency updates", source: "3P" },
  { login: "snyk-bot", id: null, emails: [], kind: "dependency security updates", source: "V-git" },
  { login: "greenkeeper[bot]", id: null, emails: [], kind: "dependency updates (legacy)", source: "3P" },
  // id 41898282 is also what claude-code-action writes by default as claude[bot]'s e-mail id (see claude-code above).
  { login: "github-actions[bot]", id: 41898282, emails: ["actions@github.com"], kind: "workflow automation", source: "V-git `github-actions[bot] <41898282+…>` (cline/cline, 954 commits), `GitHub Actions <actions@github.com>`" },
  { login: "github-actions", id: null, emails: [], kind: "workflow automation", source: "V-git plain `github-actions`" },
  { login: "github-merge-queue[bot]", id: null, emails: [], kind: "merge queue", source: "GitHub merge queue's account (docs.github.com: managing a merge queue)" },
  { login: "pre-commit-ci[bot]", id: 66853113, emails: [], kind: "formatter / linter fixes", source: "V-git `pre-commit-ci[bot] <66853113+…>`" },
  { login: "autofix-ci[bot]", id: 114827586, emails: [], kind: "formatter / linter fixes", source: "3P code-index excerpts (`autofix-ci[bot] <114827586+autofix-ci[bot]@…>`)" },
  { login: "restyled-io[bot]", id: null, emails: [], kind: "formatter fixes", source: "3P" },
  { login: "imgbot[bot]", id: null, emails: [], kind: "image compression", source: "3P code-index excerpts (ids differ between sources: login only)" },
  { login: "allcontributors[bot]", id: 46447321, emails: [], kind: "all-contributors list", source: "3P code-index excerpts (`allcontributors[bot] <46447321+…>`)" },
  { login: "release-please[bot]", id: 55107282, emails: [], kind: "release PRs", source: "3P code-index excerpt (`55107282+release-please[bot]@…`)" },
  { login: "semantic-release-bot", id: null, emails: ["semantic-release-bot@martynus.net"], kind: "releases", source: "V-git" },
  { login: "changeset-bot[bot]", id: null, emails: [], kind: "release notes", source: "3P" },
  { login: "mergify[bot]", id: 37929162, emails: [], kind: "merge queue / backports", source: "3P code-index excerpts (`Co-authored-by: mergify[bot] <37929162+…>`)" },
  { login: "kodiakhq[bot]", id: null, emails: [], kind: "merge queue", source: "3P" },
  { login: "bors[bot]", id: null, emails: [], kind: "merge queue", source: "3P" },
  { login: "trunk-io[bot]", id: null, emails: [], kind: "merge queue", source: "3P" },
  { login: "backport[bot]", id: null, emails: [], kind: "backports", source: "3P" },
  { login: "pull[bot]", id: 39814207, emails: [], kind: "fork sync", source: "V-git `pull[bot] <39814207+pull[bot]@…>`" },
  { login: "blacksmith-sh[bot]", id: 157653362, emails: [], kind: "CI runner migration", source: "V-git RooCodeInc/Roo-Code@fb83f917cc62" },
  { login: "cla-bot[bot]", id: null, emails: [], kind: "CLA", source: "3P" },
  { login: "CLAassistant", id: null, emails: [], kind: "CLA", source: "3P" },
  { login: "cloudflare-workers-and-pages[bot]", id: 73139402, emails: [], kind: "Workers/Pages project setup (wrangler config)", source: "V-git anthropics/claude-code@df1d47bff372, @9d52eebf8f66 (`Update wrangler config name to …`)" },
  { login: "microsoft-github-policy-service[bot]", id: 77245923, emails: [], kind: "Microsoft repository policy (CLA, compliance files)", source: "V-git microsoft/vscode-copilot-chat@83a91af08035" },
  { login: "shopify[bot]", id: 79544226, emails: [], kind: "theme sync from the Shopify admin", source: "V-git github/github-mcp-server (`shopify[bot] <79544226+…>`)" },
  { login: "crowdin-bot", id: null, emails: [], kind: "translations", source: "3P" },
  { login: "weblate", id: null, emails: ["noreply@weblate.org"], kind: "translations", source: "3P" },
  { login: "copybara-service[bot]", id: null, emails: [], kind: "repository sync (Copybara)", source: "3P" },
  // Release automation of gemini-cli: "gemini" in the name, not an agent.
  { login: "gemini-cli-robot", id: 224641728, emails: ["gemini-cli-robot@google.com"], kind: "releases", source: "V-src google-gemini/gemini-cli .github/actions/publish-release/action.yml; V-git" },
];

/** The same list under its earlier name. */
export const NOT_CODING_AGENTS: readonly NonAgentAutomation[] = TRUSTED_AUTOMATION;
