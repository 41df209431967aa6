/**
 * The `unknown-bot` signal (SPEC §2, signal 6): a GitHub App bot account that authors or commits
 * code in a pull request and is neither a catalogued agent nor trusted automation.
 *
 * Why fail closed: a bot that writes code is either automation somebody chose to trust (the
 * built-in list in catalogue.ts, extended by the policy's `agents.trusted`) or an agent nobody has
 * catalogued yet — and an uncatalogued agent is exactly what would otherwise merge unreviewed.
 *
 * What makes an account a bot, offline and online alike:
 * - a GitHub App's noreply e-mail `<id>+<login>[bot]@users.noreply.github.com` (or the id-less
 *   `<login>[bot]@users.noreply.github.com`) as author, committer or co-author;
 * - a login ending in `[bot]` (REST spelling; GraphQL's Bot logins are normalised to it);
 * - the PR opener's account type `Bot`.
 * Reviews and comments are never looked at here: a bot that only reviews is not authorship.
 */
import { parseNoreplyEmail } from "../trailers.js";
import type { GitIdentity } from "../types.js";
import { NOT_CODING_EMAILS, formatIdentity, isIgnored, loginForms, type Compiled } from "./compile.js";
import type { CommitSink } from "./evidence.js";
import { isTrustedBot } from "./trusted.js";

/** Evidence agent id (and `agent:<id>` label) of every unknown bot; the account is in the evidence. */
export const UNKNOWN_BOT_AGENT = { id: "unknown-bot", name: "Unknown bot (not catalogued, not trusted)" } as const;

export interface BotAccount {
  /** REST spelling, `<slug>[bot]`. */
  login: string;
  id: number | null;
}

const BOT_SUFFIX = "[bot]";

function withBotSuffix(login: string): string {
  return login.toLowerCase().endsWith(BOT_SUFFIX) ? login : `${login}${BOT_SUFFIX}`;
}

/** The bot account behind a git identity, if it is one (see the module comment). */
export function botOfIdentity(ident: GitIdentity): BotAccount | null {
  if (ident.login?.toLowerCase().endsWith(BOT_SUFFIX)) return { login: ident.login, id: ident.id ?? null };
  const noreply = parseNoreplyEmail(ident.email);
  if (noreply?.login.toLowerCase().endsWith(BOT_SUFFIX)) return { login: noreply.login, id: noreply.id };
  return null;
}

/** The bot behind a PR opener, if it is one. */
export function botOfAccount(account: { login: string; id?: number | null; type?: string }): BotAccount | null {
  if (account.type === "Bot" || account.login.toLowerCase().endsWith(BOT_SUFFIX)) {
    return { login: withBotSuffix(account.login), id: account.id ?? null };
  }
  return null;
}

/** The evidence value: which account, and how to trust it if it is not an agent. */
export function describeUnknownBot(bot: BotAccount, shown: string): string {
  return `${shown} — a bot that is neither a catalogued agent nor trusted automation; if it is not a coding agent, add "${bot.login}" to agents.trusted`;
}

function isIgnoredBot(compiled: Compiled, bot: BotAccount): boolean {
  return isIgnored(compiled, loginForms(bot.login, true));
}

/** An unknown bot behind a git identity (author, committer or co-author), unless catalogued, trusted or ignored. */
export function checkUnknownBot(compiled: Compiled, sink: CommitSink, ident: GitIdentity, where: string, matchedAgent: boolean): void {
  if (matchedAgent || !compiled.signals.has("unknown-bot")) return;
  const bot = botOfIdentity(ident);
  if (!bot || isIgnoredBot(compiled, bot)) return;
  if (isTrustedBot(compiled.trusted, bot, Boolean(ident.login && ident.id != null))) return;
  if (NOT_CODING_EMAILS.has(ident.email.trim().toLowerCase())) return;
  sink.unknownBot(bot, where, formatIdentity(ident.name, ident.email));
}
