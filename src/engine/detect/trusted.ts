/**
 * The trusted automation of `unknown-bot` (SPEC §2 signal 6): the built-in list of catalogue.ts plus
 * the policy's `agents.trusted` (logins in any spelling, or numeric ids).
 */
import { TRUSTED_AUTOMATION } from "../catalogue.js";
import type { BotAccount } from "./unknown-bot.js";

const BOT_SUFFIX = "[bot]";

function withBotSuffix(login: string): string {
  return login.toLowerCase().endsWith(BOT_SUFFIX) ? login : `${login}${BOT_SUFFIX}`;
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

