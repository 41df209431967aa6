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
import { TRUSTED_AUTOMATION } from "../catalogue.js";
import { parseNoreplyEmail } from "../trailers.js";
import type { GitIdentity } from "../types.js";

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
  if (ident.login && ident.login.toLowerCase().endsWith(BOT_SUFFIX)) return { login: ident.login, id: ident.id ?? null };
  const noreply = parseNoreplyEmail(ident.email);
  if (noreply && noreply.login.toLowerCase().endsWith(BOT_SUFFIX)) return { login: noreply.login, id: noreply.id };
  return null;
}

/** The bot behind a PR opener, if it is one. */
export function botOfAccount(account: { login: string; id?: number | null; type?: string }): BotAccount | null {
  if (account.type === "Bot" || account.login.toLowerCase().endsWith(BOT_SUFFIX)) {
    return { login: withBotSuffix(account.login), id: account.id ?? null };
  }
  return null;
}

export interface TrustedSet {
  logins: Set<string>;
  /** Ids GitHub itself reported (PR opener): the id decides. */
  ids: Set<number>;
  /** Ids the policy listed: they also decide for ids read from a noreply e-mail. */
  policyIds: Set<number>;
}

const BUILTIN_TRUSTED: TrustedSet = {
  logins: new Set(TRUSTED_AUTOMATION.flatMap((a) => [a.login.toLowerCase(), withBotSuffix(a.login).toLowerCase()])),
  ids: new Set(TRUSTED_AUTOMATION.flatMap((a) => (a.id === null ? [] : [a.id]))),
  policyIds: new Set(),
};

/** The built-in trusted automation plus the policy's `agents.trusted` (logins in any spelling, or ids). */
export function compileTrusted(extra: readonly (string | number)[]): TrustedSet {
  if (extra.length === 0) return BUILTIN_TRUSTED;
  const logins = new Set(BUILTIN_TRUSTED.logins);
  const ids = new Set(BUILTIN_TRUSTED.ids);
  const policyIds = new Set<number>();
  for (const t of extra) {
    if (typeof t === "number" || /^\d+$/.test(t)) {
      ids.add(Number(t));
      policyIds.add(Number(t));
    } else {
      logins.add(t.toLowerCase());
      logins.add(withBotSuffix(t).toLowerCase());
    }
  }
  return { logins, ids, policyIds };
}

/**
 * `idFromGitHub`: the id is the account's (the PR opener), not the number a tool wrote into an
 * e-mail. A noreply e-mail's id is not trusted for the built-in list: claude-code-action writes
 * `41898282+claude[bot]`, borrowing github-actions[bot]'s id, and tools copying it would otherwise
 * pass as github-actions. There the login part decides, as for agents.
 */
export function isTrustedBot(trusted: TrustedSet, bot: BotAccount, idFromGitHub: boolean): boolean {
  if (trusted.logins.has(bot.login.toLowerCase())) return true;
  if (bot.id === null) return false;
  return idFromGitHub ? trusted.ids.has(bot.id) : trusted.policyIds.has(bot.id);
}

/** The evidence value: which account, and how to trust it if it is not an agent. */
export function describeUnknownBot(bot: BotAccount, shown: string): string {
  return `${shown} — a bot that is neither a catalogued agent nor trusted automation; if it is not a coding agent, add "${bot.login}" to agents.trusted`;
}
