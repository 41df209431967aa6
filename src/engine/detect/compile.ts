/**
 * The compiled matchers of detection: the catalogue and the policy's definitions turned into sets and
 * globs once per config, and the identity matching rules every signal kind shares (see detect.ts).
 */
import { Minimatch } from "minimatch";
import { BUILTIN_AGENTS, NOT_CODING_AGENTS } from "../catalogue.js";
import { parseNoreplyEmail } from "../trailers.js";
import type { AgentDefinition, AssistedMode, DetectionConfig, GitIdentity, SignalKind, UnknownBotsMode } from "../types.js";
import { compileTrusted, type TrustedSet } from "./trusted.js";

/** Longest marker line quoted as evidence (check summaries and audit lines stay readable). */
export const MAX_EVIDENCE_TEXT = 200;

// ───────────────────────────── compiled matchers ─────────────────────────────

export interface AccountEntry {
  /** Lower-case login, or null for an id-only entry. */
  login: string | null;
  id: number | null;
}

export interface CompiledAgent {
  id: string;
  name: string;
  builtin: boolean;
  /** An AI reviewer: co-author/suggestion signatures are assistance, author/committer/opener ones authorship. */
  reviewer: boolean;
  accounts: AccountEntry[];
  emailsExact: Set<string>;
  emailGlobs: Minimatch[];
  nameSuffixes: string[];
  /** Model names written as a `Co-authored-by:` name (see catalogue.ts `coAuthorNames`). */
  coAuthorNames: { prefix: string; version: boolean }[];
  trailers: { key: string; valuePrefix: string }[];
  branches: Minimatch[];
  markers: string[];
  subjectPrefixes: string[];
}

export interface Compiled {
  agents: CompiledAgent[];
  signals: Set<SignalKind>;
  ignore: Set<string>;
  manualLabel: string | null;
  trusted: TrustedSet;
  unknownBots: UnknownBotsMode;
  assisted: AssistedMode;
  /**
   * Trailer keys more than one agent uses (`Assisted-by`, `Generated-by`): there an empty value
   * prefix is a catch-all that yields to the specific forms, and never counts on an indented line.
   */
  sharedTrailerKeys: Set<string>;
  /** E-mail → matching agents. The same few addresses recur across a PR's commits. */
  emailMemo: Map<string, CompiledAgent[]>;
}

/** Bound on `emailMemo`, so a long-lived config cannot grow without limit. */
const EMAIL_MEMO_LIMIT = 4096;

/** Glob syntax minimatch gives meaning to (extglob operators only before "("). */
const GLOB_SYNTAX = /[*?{}[\]]|[!@+*?]\(/;

function compileEmails(emails: readonly string[]): { exact: Set<string>; globs: Minimatch[] } {
  const exact = new Set<string>();
  const globs: Minimatch[] = [];
  for (const email of emails) {
    exact.add(email.toLowerCase());
    // "[bot]" in an address is the literal bot suffix (`*+acme[bot]@users.noreply.github.com`), never a character class.
    const pattern = email.replace(/\[bot\]/gi, "\\[bot\\]");
    // nonegate/nocomment: a leading "!" or "#" is part of the address (both are legal in a local
    // part), never minimatch's negation ("!*@acme.example" would make every other address an agent's).
    if (GLOB_SYNTAX.test(email.replace(/\[bot\]/gi, ""))) globs.push(new Minimatch(pattern, { nocase: true, dot: true, nonegate: true, nocomment: true }));
  }
  return { exact, globs };
}

function compileBuiltin(): CompiledAgent[] {
  return BUILTIN_AGENTS.map((agent) => {
    const { exact, globs } = compileEmails(agent.emails ?? []);
    const pinned = new Set(agent.accounts.flatMap((a) => (a.id === null ? [] : [a.id])));
    return {
      id: agent.id,
      name: agent.name,
      builtin: true,
      reviewer: agent.kind === "reviewer",
      accounts: [
        ...agent.accounts.map((a) => ({ login: a.login.toLowerCase(), id: a.id })),
        // Ids listed without a certain login pairing.
        ...(agent.userIds ?? []).filter((id) => !pinned.has(id)).map((id) => ({ login: null, id })),
      ],
      emailsExact: exact,
      emailGlobs: globs,
      nameSuffixes: agent.nameSuffixes,
      coAuthorNames: agent.coAuthorNames,
      trailers: agent.trailers.map((t) => ({ key: t.key.toLowerCase(), valuePrefix: t.valuePrefix.toLowerCase() })),
      branches: (agent.branches ?? []).map((g) => new Minimatch(g, { dot: true })),
      markers: agent.markers ?? [],
      subjectPrefixes: agent.subjectPrefixes,
    };
  });
}

function compileCustom(def: AgentDefinition): CompiledAgent {
  const { exact, globs } = compileEmails(def.emails ?? []);
  return {
    id: def.id,
    name: def.name,
    builtin: false,
    reviewer: false,
    // An org's own list: logins and ids each stand on their own.
    accounts: [
      ...(def.logins ?? []).map((login) => ({ login: login.toLowerCase(), id: null })),
      ...(def.userIds ?? []).map((id) => ({ login: null, id })),
    ],
    emailsExact: exact,
    emailGlobs: globs,
    nameSuffixes: [],
    coAuthorNames: [],
    trailers: [],
    branches: (def.branches ?? []).map((g) => new Minimatch(g, { dot: true })),
    markers: (def.markers ?? []).filter((m) => m !== ""),
    subjectPrefixes: [],
  };
}

let builtinCompiled: CompiledAgent[] | null = null;
const compiledByConfig = new WeakMap<DetectionConfig, Compiled>();

/** Compiled once per config object (configs are treated as immutable once passed in). */
export function compile(config: DetectionConfig): Compiled {
  const cached = compiledByConfig.get(config);
  if (cached) return cached;
  builtinCompiled ??= compileBuiltin();
  // The org's definitions come first: with the same id, the org's name is the one shown.
  const agents = [...config.define.map(compileCustom), ...(config.builtin ? builtinCompiled : [])];
  const keyUsers = new Map<string, number>();
  for (const agent of agents) for (const key of new Set(agent.trailers.map((t) => t.key))) keyUsers.set(key, (keyUsers.get(key) ?? 0) + 1);
  const compiled: Compiled = {
    agents,
    sharedTrailerKeys: new Set([...keyUsers].filter(([, n]) => n > 1).map(([key]) => key)),
    signals: new Set(config.signals),
    ignore: new Set(config.ignore.map((l) => l.toLowerCase())),
    manualLabel: config.manualLabel === false ? null : config.manualLabel.toLowerCase(),
    trusted: compileTrusted(config.trusted ?? []),
    unknownBots: config.unknownBots ?? "agent",
    assisted: config.assisted ?? "report",
    emailMemo: new Map(),
  };
  compiledByConfig.set(config, compiled);
  return compiled;
}

export const NOT_CODING_LOGINS = new Set(NOT_CODING_AGENTS.map((a) => a.login.toLowerCase()));
export const NOT_CODING_IDS = new Set(NOT_CODING_AGENTS.flatMap((a) => (a.id === null ? [] : [a.id])));
export const NOT_CODING_EMAILS = new Set(NOT_CODING_AGENTS.flatMap((a) => a.emails.map((e) => e.toLowerCase())));

// ───────────────────────────── identity matching ─────────────────────────────

/**
 * Login spellings to compare. GraphQL's `Bot.login` drops the "[bot]" suffix that REST and noreply
 * e-mails carry, so a Bot's bare login is also tried with it.
 */
export function loginForms(login: string, isBot: boolean): string[] {
  const lower = login.toLowerCase();
  return isBot && !lower.endsWith("[bot]") ? [lower, `${lower}[bot]`] : [lower];
}

export function isIgnored(compiled: Compiled, forms: readonly string[]): boolean {
  return forms.some((f) => compiled.ignore.has(f));
}

export interface AccountMatch {
  agent: CompiledAgent;
  byId: boolean;
}

export function matchAccount(compiled: Compiled, login: string, id: number | null, isBot: boolean): AccountMatch[] {
  const forms = loginForms(login, isBot);
  if (isIgnored(compiled, forms)) return [];
  const automation = forms.some((f) => NOT_CODING_LOGINS.has(f)) || (id !== null && NOT_CODING_IDS.has(id));
  const matches: AccountMatch[] = [];
  for (const agent of compiled.agents) {
    if (agent.builtin && automation) continue;
    for (const entry of agent.accounts) {
      if (entry.login === null) {
        if (id !== null && entry.id === id) {
          matches.push({ agent, byId: true });
          break;
        }
      } else if (entry.id !== null && id !== null) {
        // Built-in account with a known id, and we know this account's id: the id decides.
        if (entry.id === id) {
          matches.push({ agent, byId: true });
          break;
        }
      } else if (forms.includes(entry.login)) {
        matches.push({ agent, byId: false });
        break;
      }
    }
  }
  return matches;
}

function matchNoreply(agent: CompiledAgent, id: number | null, login: string): boolean {
  const lower = login.toLowerCase();
  for (const entry of agent.accounts) {
    if (entry.login !== lower) continue;
    // `[bot]` logins are GitHub App slugs, unique on GitHub: the login part alone identifies them
    // (and tools write other ids, e.g. claude-code-action's 41898282). Other logins need the id to agree.
    if (entry.id === null || entry.login.endsWith("[bot]") || (id !== null && entry.id === id)) return true;
  }
  return false;
}

export function matchEmail(compiled: Compiled, email: string): CompiledAgent[] {
  const lower = email.trim().toLowerCase();
  const memo = compiled.emailMemo.get(lower);
  if (memo) return memo;
  const matches = matchEmailUncached(compiled, lower);
  if (compiled.emailMemo.size >= EMAIL_MEMO_LIMIT) compiled.emailMemo.clear();
  compiled.emailMemo.set(lower, matches);
  return matches;
}

function matchEmailUncached(compiled: Compiled, lower: string): CompiledAgent[] {
  if (lower === "") return [];
  const noreply = parseNoreplyEmail(lower);
  if (noreply && isIgnored(compiled, loginForms(noreply.login, false))) return [];
  const automation = NOT_CODING_EMAILS.has(lower) || (noreply !== null && NOT_CODING_LOGINS.has(noreply.login));
  const matches: CompiledAgent[] = [];
  for (const agent of compiled.agents) {
    if (agent.builtin && automation) continue;
    if (
      agent.emailsExact.has(lower) ||
      agent.emailGlobs.some((mm) => mm.match(lower)) ||
      (noreply !== null && matchNoreply(agent, noreply.id, noreply.login))
    ) {
      matches.push(agent);
    }
  }
  return matches;
}

/**
 * Agents whose model name a `Co-authored-by:` *name* carries (`Claude Opus 4.6 (1M context)`,
 * `Claude (claude-opus-4-6)`): a prefix test, plus a digit right after it for versioned prefixes,
 * so a person called "Claude" or "Claude Opus" never matches. Only for co-author names, never for
 * commit authors (a display name there is whatever the committer typed).
 */
export function matchCoAuthorName(compiled: Compiled, name: string): CompiledAgent[] {
  const text = name.trim();
  const matches: CompiledAgent[] = [];
  for (const agent of compiled.agents) {
    for (const n of agent.coAuthorNames) {
      if (!text.startsWith(n.prefix)) continue;
      const next = text.charCodeAt(n.prefix.length);
      if (n.version && !(next >= 48 && next <= 57)) continue;
      matches.push(agent);
      break;
    }
  }
  return matches;
}

export function identityIgnored(compiled: Compiled, ident: GitIdentity): boolean {
  if (ident.login && isIgnored(compiled, loginForms(ident.login, false))) return true;
  const noreply = parseNoreplyEmail(ident.email);
  return noreply !== null && isIgnored(compiled, loginForms(noreply.login, false));
}

export function formatIdentity(name: string, email: string): string {
  return name === "" ? `<${email}>` : `${name} <${email}>`;
}

export function formatAccount(login: string, id: number | null, byId: boolean): string {
  return byId && id !== null ? `${login} (user id ${id})` : login;
}

export function lineContaining(text: string, needle: string): string {
  const at = text.indexOf(needle);
  const start = text.lastIndexOf("\n", at) + 1;
  const endNl = text.indexOf("\n", at + needle.length);
  const line = text.slice(start, endNl === -1 ? text.length : endNl).trim();
  return line.length > MAX_EVIDENCE_TEXT ? `${line.slice(0, MAX_EVIDENCE_TEXT - 1)}…` : line;
}

