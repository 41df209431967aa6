/**
 * The identity signal (SPEC §2 signal 1): a commit's author or committer, or the PR opener, is an
 * agent account or address; aider's own ` (aider)` name suffix. A bot nobody listed is handed to the
 * unknown-bot signal from here, since the same identity look-up decides both.
 */
import type { CommitFacts, PullFacts } from "../types.js";
import {
  NOT_CODING_IDS,
  NOT_CODING_LOGINS,
  formatAccount,
  formatIdentity,
  identityIgnored,
  isIgnored,
  loginForms,
  matchAccount,
  matchEmail,
  type Compiled,
} from "./compile.js";
import type { Collector, CommitSink } from "./evidence.js";
import { isTrustedBot } from "./trusted.js";
import { botOfAccount, checkUnknownBot } from "./unknown-bot.js";

/** A commit's author and committer (and unknown bots among them). */
export function detectCommitIdentity(compiled: Compiled, commit: CommitFacts, sink: CommitSink, short: string): void {
  const on = compiled.signals;
  const roles = [
    ["author", commit.author],
    ["committer", commit.committer],
  ] as const;
  for (const [role, ident] of roles) {
    const where = `commit ${short} ${role}`;
    const byAccount = new Set<string>();
    // Computed whatever `signals` says: an identity the catalogue knows is never an unknown bot.
    const accountMatches = ident.login ? matchAccount(compiled, ident.login, ident.id ?? null, false) : [];
    const emailMatches = matchEmail(compiled, ident.email);
    if (on.has("identity")) {
      for (const m of accountMatches) {
        sink.agent(m.agent, "identity", where, formatAccount(ident.login!, ident.id ?? null, m.byId));
        byAccount.add(m.agent.id);
      }
      // The account GitHub resolved and its address usually say the same thing: one line per role is enough.
      for (const agent of emailMatches) {
        if (!byAccount.has(agent.id)) sink.agent(agent, "identity", where, formatIdentity(ident.name, ident.email));
      }
    }
    checkUnknownBot(compiled, sink, ident, where, accountMatches.length + emailMatches.length > 0);
  }
  if (on.has("identity")) {
    // aider marks author and committer by default; on user-driven `/commit` only the committer.
    for (const agent of compiled.agents) {
      for (const suffix of agent.nameSuffixes) {
        const author = commit.author.name.endsWith(suffix) && !identityIgnored(compiled, commit.author);
        const committer = commit.committer.name.endsWith(suffix) && !identityIgnored(compiled, commit.committer);
        if (author) sink.agent(agent, "identity", `commit ${short} author`, formatIdentity(commit.author.name, commit.author.email));
        if (committer) {
          const value = formatIdentity(commit.committer.name, commit.committer.email);
          sink.agent(
            agent,
            "identity",
            `commit ${short} committer`,
            author ? value : `${value} (committer only: a user-driven commit, message possibly AI-written; low confidence)`,
          );
        }
      }
    }
  }
}

export interface PullAuthorFacts {
  /** The opener is in `agents.ignore`. */
  ignored: boolean;
  /** The opener is trusted automation (its PR body quotes other projects' text). */
  automation: boolean;
}

/** The PR opener: an agent account, or an unknown bot. */
export function detectPullAuthor(compiled: Compiled, facts: PullFacts, all: Collector, checked: string[]): PullAuthorFacts {
  const author = facts.author;
  if (!author) return { ignored: false, automation: false };
  const on = compiled.signals;
  const forms = loginForms(author.login, author.type === "Bot");
  const bot = botOfAccount(author);
  const ignored = isIgnored(compiled, forms);
  const automation =
    forms.some((f) => NOT_CODING_LOGINS.has(f)) ||
    (author.id != null && NOT_CODING_IDS.has(author.id)) ||
    (bot !== null && isTrustedBot(compiled.trusted, bot, true));
  const matches = matchAccount(compiled, author.login, author.id ?? null, author.type === "Bot");
  if (on.has("identity")) {
    checked.push(`PR author (${author.login})`);
    for (const m of matches) all.agent(m.agent, "identity", "pr author", formatAccount(author.login, author.id ?? null, m.byId));
  }
  if (on.has("unknown-bot") && bot && matches.length === 0 && !ignored && !automation) {
    all.unknownBot(bot, "pr author", author.id == null ? bot.login : `${bot.login} (user id ${author.id})`);
  }
  return { ignored, automation };
}
