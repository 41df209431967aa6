/**
 * Agent detection (SPEC §2): which coding agents took part in a pull request, and the evidence.
 *
 * Pure: facts in, `Detection` out. Signals, strongest first: identity, trailer, branch, marker,
 * manual, unknown-bot (detect/unknown-bot.ts); and the separate **assisted** class: commits that
 * apply an AI reviewer's suggestions (catalogue entries of kind "reviewer"). Matching rules that are
 * easy to get wrong, and why:
 * - Identities are accounts and e-mail addresses, never display names: "Devin", "Jules" and
 *   "Claude" are people's names too. The one name-based signal is aider's own " (aider)" suffix.
 * - Built-in accounts with a known numeric id are matched by id when the id is known (logins can
 *   be renamed, and `Copilot` is also the login-part of Copilot *code review* e-mails, 175728472).
 * - A noreply e-mail `<id>+<login>@users.noreply.github.com` is never matched by id alone:
 *   claude-code-action writes `41898282+claude[bot]`, borrowing github-actions[bot]'s id, so
 *   `41898282+github-actions[bot]` must stay github-actions. The login part decides, and for
 *   non-`[bot]` logins the id must agree as well.
 * - Trailers are parsed as git does (trailers.ts), except that a line of exact trailer form naming
 *   a catalogued agent identity counts wherever it stands (detect/trailer-lines.ts): agents write
 *   plans and session links after their trailer block. Text that mentions an agent is not a
 *   signal, and markers are the exact footers the tools write.
 * - A reviewer bot (Copilot code review, CodeRabbit, …) as a commit's co-author or in its
 *   suggestion subject is *assistance*; the same bot as the commit's author or committer, or as
 *   the PR opener, is *authorship* (identity).
 * - No commit is skipped because of what its message says (a `Merge <sha> into <sha>` subject is
 *   free text anyone can write; a PR's commit list never holds GitHub's own test merge).
 */
import { Minimatch } from "minimatch";
import { BUILTIN_AGENTS, NOT_CODING_AGENTS } from "./catalogue.js";
import { bracketedEmail, trailerFormLines } from "./detect/trailer-lines.js";
import {
  UNKNOWN_BOT_AGENT,
  botOfAccount,
  botOfIdentity,
  compileTrusted,
  describeUnknownBot,
  isTrustedBot,
  type BotAccount,
  type TrustedSet,
} from "./detect/unknown-bot.js";
import { parseIdentity, parseNoreplyEmail, parseTrailers } from "./trailers.js";
import type {
  AgentDefinition,
  AssistedMode,
  CommitDetection,
  CommitFacts,
  DetectedAgent,
  Detection,
  DetectionConfig,
  Evidence,
  GitIdentity,
  Policy,
  PullFacts,
  SignalKind,
  UnknownBotsMode,
} from "./types.js";
import { SIGNAL_KINDS } from "./types.js";

/** The label a human applies when `labels.agent` is false (the manual signal still needs a name). */
export const DEFAULT_MANUAL_LABEL = "agent-authored";

/** Longest marker line quoted as evidence (check summaries and audit lines stay readable). */
const MAX_EVIDENCE_TEXT = 200;

// ───────────────────────────── compiled matchers ─────────────────────────────

interface AccountEntry {
  /** Lower-case login, or null for an id-only entry. */
  login: string | null;
  id: number | null;
}

interface CompiledAgent {
  id: string;
  name: string;
  builtin: boolean;
  /** An AI reviewer: co-author/suggestion signatures are assistance, author/committer/opener ones authorship. */
  reviewer: boolean;
  accounts: AccountEntry[];
  emailsExact: Set<string>;
  emailGlobs: Minimatch[];
  nameSuffixes: string[];
  trailers: { key: string; valuePrefix: string }[];
  branches: Minimatch[];
  markers: string[];
  subjectPrefixes: string[];
}

interface Compiled {
  agents: CompiledAgent[];
  signals: Set<SignalKind>;
  ignore: Set<string>;
  manualLabel: string | null;
  trusted: TrustedSet;
  unknownBots: UnknownBotsMode;
  assisted: AssistedMode;
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
    if (GLOB_SYNTAX.test(email.replace(/\[bot\]/gi, ""))) globs.push(new Minimatch(pattern, { nocase: true, dot: true }));
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
    trailers: [],
    branches: (def.branches ?? []).map((g) => new Minimatch(g, { dot: true })),
    markers: (def.markers ?? []).filter((m) => m !== ""),
    subjectPrefixes: [],
  };
}

let builtinCompiled: CompiledAgent[] | null = null;
const compiledByConfig = new WeakMap<DetectionConfig, Compiled>();

/** Compiled once per config object (configs are treated as immutable once passed in). */
function compile(config: DetectionConfig): Compiled {
  const cached = compiledByConfig.get(config);
  if (cached) return cached;
  builtinCompiled ??= compileBuiltin();
  const compiled: Compiled = {
    // The org's definitions come first: with the same id, the org's name is the one shown.
    agents: [...config.define.map(compileCustom), ...(config.builtin ? builtinCompiled : [])],
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

const NOT_CODING_LOGINS = new Set(NOT_CODING_AGENTS.map((a) => a.login.toLowerCase()));
const NOT_CODING_IDS = new Set(NOT_CODING_AGENTS.flatMap((a) => (a.id === null ? [] : [a.id])));
const NOT_CODING_EMAILS = new Set(NOT_CODING_AGENTS.flatMap((a) => a.emails.map((e) => e.toLowerCase())));

// ───────────────────────────── identity matching ─────────────────────────────

/**
 * Login spellings to compare. GraphQL's `Bot.login` drops the "[bot]" suffix that REST and noreply
 * e-mails carry, so a Bot's bare login is also tried with it.
 */
function loginForms(login: string, isBot: boolean): string[] {
  const lower = login.toLowerCase();
  return isBot && !lower.endsWith("[bot]") ? [lower, `${lower}[bot]`] : [lower];
}

function isIgnored(compiled: Compiled, forms: readonly string[]): boolean {
  return forms.some((f) => compiled.ignore.has(f));
}

interface AccountMatch {
  agent: CompiledAgent;
  byId: boolean;
}

function matchAccount(compiled: Compiled, login: string, id: number | null, isBot: boolean): AccountMatch[] {
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

function matchEmail(compiled: Compiled, email: string): CompiledAgent[] {
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

function identityIgnored(compiled: Compiled, ident: GitIdentity): boolean {
  if (ident.login && isIgnored(compiled, loginForms(ident.login, false))) return true;
  const noreply = parseNoreplyEmail(ident.email);
  return noreply !== null && isIgnored(compiled, loginForms(noreply.login, false));
}

function formatIdentity(name: string, email: string): string {
  return name === "" ? `<${email}>` : `${name} <${email}>`;
}

function formatAccount(login: string, id: number | null, byId: boolean): string {
  return byId && id !== null ? `${login} (user id ${id})` : login;
}

function lineContaining(text: string, needle: string): string {
  const at = text.indexOf(needle);
  const start = text.lastIndexOf("\n", at) + 1;
  const endNl = text.indexOf("\n", at + needle.length);
  const line = text.slice(start, endNl === -1 ? text.length : endNl).trim();
  return line.length > MAX_EVIDENCE_TEXT ? `${line.slice(0, MAX_EVIDENCE_TEXT - 1)}…` : line;
}

// ───────────────────────────── evidence bookkeeping ─────────────────────────────

class EvidenceList {
  readonly items: Evidence[] = [];
  private readonly seen = new Set<string>();
  readonly names = new Map<string, string>();

  /** `scope` tells apart commits whose abbreviated SHAs (in `where`) happen to collide. */
  add(agent: { id: string; name: string }, signal: SignalKind, where: string, value: string, scope = ""): void {
    const key = `${scope}\u0000${agent.id}\u0000${signal}\u0000${where}\u0000${value}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (!this.names.has(agent.id)) this.names.set(agent.id, agent.name);
    this.items.push({ agent: agent.id, signal, where, value });
  }
}

/**
 * Where evidence goes, by class and policy (SPEC §2): gating evidence makes the PR agent-authored;
 * assisted evidence is shown and labelled; `agents.assisted: gate` puts assistance in both, and
 * `agents.unknown_bots` sends an unknown bot to the gating list, to the assisted list, or nowhere.
 */
class Collector {
  readonly gating = new EvidenceList();
  readonly assisted = new EvidenceList();
  readonly unknownBots: { login: string; id: number | null; where: string }[] = [];
  private readonly botsSeen = new Set<string>();

  constructor(private readonly compiled: Compiled) {}

  agent(agent: { id: string; name: string }, signal: SignalKind, where: string, value: string, scope = ""): void {
    this.gating.add(agent, signal, where, value, scope);
  }

  assist(agent: { id: string; name: string }, signal: SignalKind, where: string, value: string, scope = ""): void {
    if (this.compiled.assisted === "ignore") return;
    this.assisted.add(agent, signal, where, value, scope);
    if (this.compiled.assisted === "gate") this.gating.add(agent, signal, where, value, scope);
  }

  unknownBot(bot: BotAccount, where: string, shown: string, scope = ""): void {
    const mode = this.compiled.unknownBots;
    if (mode === "ignore") return;
    const key = `${scope}\u0000${where}\u0000${bot.login.toLowerCase()}`;
    if (!this.botsSeen.has(key)) {
      this.botsSeen.add(key);
      this.unknownBots.push({ login: bot.login, id: bot.id, where });
    }
    const value = describeUnknownBot(bot, shown);
    if (mode === "agent") this.gating.add(UNKNOWN_BOT_AGENT, "unknown-bot", where, value, scope);
    else this.assisted.add(UNKNOWN_BOT_AGENT, "unknown-bot", where, value, scope);
  }
}

/** Writes each piece of evidence to the commit's own collector and the PR's. */
class CommitSink {
  constructor(
    readonly own: Collector,
    private readonly all: Collector,
    private readonly scope: string,
  ) {}

  agent(agent: CompiledAgent | { id: string; name: string }, signal: SignalKind, where: string, value: string): void {
    this.own.agent(agent, signal, where, value);
    this.all.agent(agent, signal, where, value, this.scope);
  }

  assist(agent: CompiledAgent, signal: SignalKind, where: string, value: string): void {
    this.own.assist(agent, signal, where, value);
    this.all.assist(agent, signal, where, value, this.scope);
  }

  unknownBot(bot: BotAccount, where: string, shown: string): void {
    this.own.unknownBot(bot, where, shown);
    this.all.unknownBot(bot, where, shown, this.scope);
  }
}

const SIGNAL_RANK = new Map<SignalKind, number>(SIGNAL_KINDS.map((s, i) => [s, i]));

function rank(signal: SignalKind): number {
  return SIGNAL_RANK.get(signal) ?? SIGNAL_KINDS.length;
}

/** Evidence strongest first (stable within a kind), and the agents in order of their strongest signal. */
function summarise(list: EvidenceList, names: ReadonlyMap<string, string>): { evidence: Evidence[]; agents: DetectedAgent[] } {
  const evidence = list.items
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e.signal) - rank(b.e.signal) || a.i - b.i)
    .map(({ e }) => e);
  const agents: DetectedAgent[] = [];
  const seen = new Set<string>();
  for (const e of evidence) {
    if (e.agent === MANUAL_AGENT || seen.has(e.agent)) continue;
    seen.add(e.agent);
    agents.push({ id: e.agent, name: names.get(e.agent) ?? list.names.get(e.agent) ?? e.agent });
  }
  return { evidence, agents };
}

/** Evidence agent id of the manual label; never a detected agent, never an `agent:<id>` label. */
const MANUAL_AGENT = "manual";

// ───────────────────────────── per-commit detection ─────────────────────────────

function isIgnoredBot(compiled: Compiled, bot: BotAccount): boolean {
  return isIgnored(compiled, loginForms(bot.login, true));
}

/** An unknown bot behind a git identity (author, committer or co-author), unless catalogued, trusted or ignored. */
function checkUnknownBot(compiled: Compiled, sink: CommitSink, ident: GitIdentity, where: string, matchedAgent: boolean): void {
  if (matchedAgent || !compiled.signals.has("unknown-bot")) return;
  const bot = botOfIdentity(ident);
  if (!bot || isIgnoredBot(compiled, bot)) return;
  if (isTrustedBot(compiled.trusted, bot, Boolean(ident.login && ident.id != null))) return;
  if (NOT_CODING_EMAILS.has(ident.email.trim().toLowerCase())) return;
  sink.unknownBot(bot, where, formatIdentity(ident.name, ident.email));
}

function detectCommit(compiled: Compiled, commit: CommitFacts, all: Collector): Collector {
  const sink = new CommitSink(new Collector(compiled), all, commit.sha);
  const short = commit.sha.slice(0, 7);
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
        sink.agent(m.agent, "identity", where, formatAccount(ident.login as string, ident.id ?? null, m.byId));
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

  detectTrailers(compiled, commit, sink, short);

  const subject = firstLine(commit.message);
  for (const agent of compiled.agents) {
    // A reviewer's suggestion subject ("Apply suggestion from @Copilot") is assistance, whatever `signals` says.
    if (!agent.reviewer && !on.has("marker")) continue;
    for (const marker of agent.markers) {
      if (!commit.message.includes(marker)) continue;
      const value = lineContaining(commit.message, marker);
      if (agent.reviewer) sink.assist(agent, "marker", `commit ${short} message`, value);
      else sink.agent(agent, "marker", `commit ${short} message`, value);
    }
    for (const prefix of agent.subjectPrefixes) {
      if (!subject.startsWith(prefix)) continue;
      const value = lineContaining(subject, prefix);
      if (agent.reviewer) sink.assist(agent, "marker", `commit ${short} subject`, value);
      else sink.agent(agent, "marker", `commit ${short} subject`, value);
    }
  }
  return sink.own;
}

function firstLine(text: string): string {
  const nl = text.indexOf("\n");
  const line = nl === -1 ? text : text.slice(0, nl);
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** Co-author and agent-specific trailers: git's trailer block, then agent trailer lines anywhere else. */
function detectTrailers(compiled: Compiled, commit: CommitFacts, sink: CommitSink, short: string): void {
  const on = compiled.signals;
  const where = `commit ${short} trailer`;
  const trailerAgents = new Set<string>();
  const inBlock = new Set<string>();
  const coAuthor = (agent: CompiledAgent, at: string, line: string): void => {
    if (agent.reviewer) sink.assist(agent, "trailer", at, line);
    else if (on.has("trailer")) sink.agent(agent, "trailer", at, line);
    trailerAgents.add(agent.id);
  };
  /**
   * An agent-specific trailer key. Where several agents share a key (`Assisted-by`), the specific
   * forms win — an agent e-mail in the value, or a non-empty value prefix (`Crush…`) — and the
   * catch-all entries (empty prefix) fire only when nothing specific did.
   */
  const agentTrailer = (key: string, value: string, at: string, line: string): void => {
    if (!on.has("trailer")) return;
    const lowerValue = value.toLowerCase();
    const specific: CompiledAgent[] = [];
    const generic: CompiledAgent[] = [];
    for (const agent of compiled.agents) {
      for (const t of agent.trailers) {
        if (t.key !== key || !lowerValue.startsWith(t.valuePrefix)) continue;
        (t.valuePrefix === "" ? generic : specific).push(agent);
        break;
      }
    }
    if (specific.length + generic.length === 0) return;
    const email = bracketedEmail(value);
    if (email !== null) for (const agent of matchEmail(compiled, email)) if (!specific.includes(agent)) specific.push(agent);
    for (const agent of specific.length > 0 ? specific : generic) {
      if (agent.reviewer) sink.assist(agent, "trailer", at, line);
      else sink.agent(agent, "trailer", at, line);
      trailerAgents.add(agent.id);
    }
  };

  for (const trailer of parseTrailers(commit.message)) {
    const key = trailer.key.toLowerCase();
    const line = `${trailer.key}: ${trailer.value}`;
    inBlock.add(`${key}\u0000${trailer.value}`);
    if (key === "co-authored-by") {
      // Match on the e-mail: the name is free text ("Claude Opus 4.5", "Devin Lai").
      const ident = parseIdentity(trailer.value);
      if (!ident) continue;
      const matches = matchEmail(compiled, ident.email);
      for (const agent of matches) coAuthor(agent, where, line);
      checkUnknownBot(compiled, sink, ident, `commit ${short} co-author`, matches.length > 0);
      continue;
    }
    agentTrailer(key, trailer.value, where, line);
  }

  // SPEC §2: a trailer line naming a catalogued agent identity counts wherever it stands.
  for (const t of trailerFormLines(commit.message)) {
    const key = t.key.toLowerCase();
    if (inBlock.has(`${key}\u0000${t.value}`)) continue;
    const at = `commit ${short} trailer (paragraph ${t.paragraph} of ${t.paragraphs}, outside git's trailer block)`;
    const line = `${t.key}: ${t.value}`;
    if (key === "co-authored-by") {
      const email = bracketedEmail(t.value);
      if (email === null) continue;
      for (const agent of matchEmail(compiled, email)) coAuthor(agent, at, line);
      continue;
    }
    agentTrailer(key, t.value, at, line);
  }

  // GitHub's resolved co-authors come from the same trailers; they add only what the e-mail alone missed.
  for (const co of commit.coAuthors ?? []) {
    const found = [
      ...(co.login ? matchAccount(compiled, co.login, co.id ?? null, false).map((m) => m.agent) : []),
      ...matchEmail(compiled, co.email),
    ];
    const value = co.login ? `${co.login} ${formatIdentity(co.name, co.email)}` : formatIdentity(co.name, co.email);
    for (const agent of found) {
      if (trailerAgents.has(agent.id)) continue;
      if (agent.reviewer) sink.assist(agent, "trailer", `commit ${short} co-author`, value);
      else if (on.has("trailer")) sink.agent(agent, "trailer", `commit ${short} co-author`, value);
    }
    checkUnknownBot(compiled, sink, co, `commit ${short} co-author`, found.length > 0);
  }
}

// ───────────────────────────── public API ─────────────────────────────

/** Detect the coding agents behind a pull request (or a CLI range), with the evidence for each. */
export function detectAgents(facts: PullFacts, config: DetectionConfig): Detection {
  const compiled = compile(config);
  const on = compiled.signals;
  const all = new Collector(compiled);
  const names = new Map<string, string>();
  for (const agent of compiled.agents) if (!names.has(agent.id)) names.set(agent.id, agent.name);
  names.set(UNKNOWN_BOT_AGENT.id, UNKNOWN_BOT_AGENT.name);
  const checked: string[] = [];

  // PR author.
  const author = facts.author;
  let authorIgnored = false;
  let authorIsAutomation = false;
  if (author) {
    const forms = loginForms(author.login, author.type === "Bot");
    const bot = botOfAccount(author);
    authorIgnored = isIgnored(compiled, forms);
    authorIsAutomation =
      forms.some((f) => NOT_CODING_LOGINS.has(f)) ||
      (author.id != null && NOT_CODING_IDS.has(author.id)) ||
      (bot !== null && isTrustedBot(compiled.trusted, bot, true));
    const matches = matchAccount(compiled, author.login, author.id ?? null, author.type === "Bot");
    if (on.has("identity")) {
      checked.push(`PR author (${author.login})`);
      for (const m of matches) {
        all.agent(m.agent, "identity", "pr author", formatAccount(author.login, author.id ?? null, m.byId));
      }
    }
    if (on.has("unknown-bot") && bot && matches.length === 0 && !authorIgnored && !authorIsAutomation) {
      all.unknownBot(bot, "pr author", author.id == null ? bot.login : `${bot.login} (user id ${author.id})`);
    }
  }

  // Commits: none is skipped for what its message says (issue 8 point 4).
  const commits: CommitDetection[] = [];
  for (const commit of facts.commits) {
    const own = detectCommit(compiled, commit, all);
    const { evidence, agents } = summarise(own.gating, names);
    const assisted = summarise(own.assisted, names);
    commits.push({ sha: commit.sha, agents, evidence, assisted: assisted.agents, assistedEvidence: assisted.evidence });
  }
  const commitParts = [
    ...(on.has("identity") ? ["authors", "committers"] : []),
    ...(on.has("trailer") ? ["trailers"] : []),
    ...(on.has("marker") ? ["messages"] : []),
    ...(on.has("unknown-bot") && compiled.unknownBots !== "ignore" ? ["bot accounts"] : []),
  ];
  if (commitParts.length > 0) {
    const n = facts.commits.length;
    checked.push(`${n} commit${n === 1 ? "" : "s"} (${commitParts.join(", ")})`);
  }

  // Head branch.
  if (on.has("branch") && facts.headRef) {
    const branch = facts.headRef.replace(/^refs\/heads\//, "");
    checked.push(`head branch (${branch})`);
    for (const agent of compiled.agents) {
      if (agent.branches.some((mm) => mm.match(branch))) all.agent(agent, "branch", "head branch", branch);
    }
  }

  // PR title and body.
  if (on.has("marker")) {
    checked.push("PR title and body");
    for (const agent of compiled.agents) {
      // A reviewer's markers are about applied suggestions in commits, not about who wrote the PR.
      if (agent.reviewer) continue;
      // Dependabot, Renovate and the like paste upstream release notes and commit lists into the PR
      // body; an agent footer in there is somebody else's project, not this PR's author.
      // The same holds for accounts the org told us to ignore.
      if (!authorIgnored && !(authorIsAutomation && agent.builtin)) {
        for (const marker of agent.markers) {
          if (facts.body.includes(marker)) all.agent(agent, "marker", "pr body", lineContaining(facts.body, marker));
        }
      }
      for (const prefix of agent.subjectPrefixes) {
        if (facts.title.startsWith(prefix)) all.agent(agent, "marker", "pr title", lineContaining(facts.title, prefix));
      }
    }
  }

  // A human's label.
  if (on.has("manual") && compiled.manualLabel !== null) {
    checked.push(`labels (${config.manualLabel})`);
    const label = facts.labels.find((l) => l.toLowerCase() === compiled.manualLabel);
    const by = label === undefined ? undefined : facts.labelActors?.find((a) => a.label.toLowerCase() === compiled.manualLabel)?.login;
    if (label !== undefined) all.agent({ id: MANUAL_AGENT, name: "manual label" }, "manual", by ? `label, added by @${by}` : "label", label);
  }

  const { evidence, agents } = summarise(all.gating, names);
  const assisted = summarise(all.assisted, names);
  return {
    agentAuthored: evidence.length > 0,
    agents,
    evidence,
    commits,
    checked,
    assisted: assisted.agents,
    assistedEvidence: assisted.evidence,
    unknownBots: all.unknownBots,
  };
}

/**
 * The agent behind an account, if any (used to refuse approvals and button clicks from agents).
 * Independent of `config.signals`: switching the identity signal off changes what flags a PR, not
 * who is an agent.
 */
export function identifyAgentAccount(
  account: { login: string; id?: number | null; type?: string },
  config: DetectionConfig,
): DetectedAgent | null {
  const compiled = compile(config);
  const match = matchAccount(compiled, account.login, account.id ?? null, account.type === "Bot")[0];
  return match ? { id: match.agent.id, name: match.agent.name } : null;
}

/** The detection settings of a policy (SPEC §3 `agents`, and `labels.agent` as the manual label). */
export function detectionConfigFromPolicy(policy: Policy): DetectionConfig {
  // The same object for the same policy, so the compiled matchers are reused across evaluations.
  const cached = configByPolicy.get(policy);
  if (cached) return cached;
  const config: DetectionConfig = {
    builtin: policy.agents.builtin,
    signals: [...policy.agents.signals],
    define: policy.agents.define,
    ignore: [...policy.agents.ignore],
    manualLabel: policy.labels.agent === false ? DEFAULT_MANUAL_LABEL : policy.labels.agent,
    // `?? default`: policies built by hand (tests, older callers) may lack the keys added in this release.
    trusted: [...(policy.agents.trusted ?? [])],
    unknownBots: policy.agents.unknown_bots ?? "agent",
    assisted: policy.agents.assisted ?? "report",
  };
  configByPolicy.set(policy, config);
  return config;
}

const configByPolicy = new WeakMap<Policy, DetectionConfig>();
