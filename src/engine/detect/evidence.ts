/**
 * Evidence bookkeeping: where each fired signal goes (the gating list, the assisted list, or
 * nowhere, as the policy says), per commit and for the whole pull request, strongest first.
 */
import type { DetectedAgent, Evidence, SignalKind } from "../types.js";
import { SIGNAL_KINDS } from "../types.js";
import type { Compiled, CompiledAgent } from "./compile.js";
import { UNKNOWN_BOT_AGENT, describeUnknownBot, type BotAccount } from "./unknown-bot.js";

export class EvidenceList {
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
export class Collector {
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
export class CommitSink {
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
export function summarise(list: EvidenceList, names: ReadonlyMap<string, string>): { evidence: Evidence[]; agents: DetectedAgent[] } {
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
export const MANUAL_AGENT = "manual";

