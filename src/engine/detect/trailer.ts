/**
 * The trailer signal (SPEC §2 signal 2): `Co-authored-by:` naming an agent, and agents' own trailer
 * keys (`Claude-Session:`, `Copilot-Session:`, `Assisted-by:` …) — in git's trailer block
 * (trailers.ts), and, for agent identities only, wherever a line of exact trailer form stands
 * (trailer-lines.ts). A reviewer's co-author line is the assisted class.
 */
import { parseIdentity, parseTrailers } from "../trailers.js";
import type { CommitFacts } from "../types.js";
import { formatIdentity, matchAccount, matchCoAuthorName, matchEmail, type Compiled, type CompiledAgent } from "./compile.js";
import type { CommitSink } from "./evidence.js";
import { bracketedEmail, trailerFormLines } from "./trailer-lines.js";
import { checkUnknownBot } from "./unknown-bot.js";

/** Co-author and agent-specific trailers: git's trailer block, then agent trailer lines anywhere else. */
export function detectTrailers(compiled: Compiled, commit: CommitFacts, sink: CommitSink, short: string): void {
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
   * catch-all entries (empty prefix on a shared key) fire only when nothing specific did, and never
   * with `specificOnly` (an indented line: a code sample's `Generated-by:` header is not a claim).
   */
  const agentTrailer = (key: string, value: string, at: string, line: string, specificOnly = false): void => {
    if (!on.has("trailer")) return;
    const lowerValue = value.toLowerCase();
    const specific: CompiledAgent[] = [];
    const generic: CompiledAgent[] = [];
    for (const agent of compiled.agents) {
      for (const t of agent.trailers) {
        if (t.key !== key || !lowerValue.startsWith(t.valuePrefix)) continue;
        (t.valuePrefix === "" && compiled.sharedTrailerKeys.has(key) ? generic : specific).push(agent);
        break;
      }
    }
    if (specific.length === 0 && (specificOnly || generic.length === 0)) return;
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
      // Match on the e-mail ("Devin Lai" is a person); a name counts only as a catalogued model
      // name, for co-authors whose address is missing or not the agent's ("Claude (claude-opus-4-6)").
      const ident = parseIdentity(trailer.value);
      const matches = ident ? matchEmail(compiled, ident.email) : [];
      const byName = matchCoAuthorName(compiled, ident ? ident.name : trailer.value).filter((a) => !matches.includes(a));
      for (const agent of [...matches, ...byName]) coAuthor(agent, where, line);
      if (ident) checkUnknownBot(compiled, sink, ident, `commit ${short} co-author`, matches.length + byName.length > 0);
      continue;
    }
    agentTrailer(key, trailer.value, where, line);
  }

  // SPEC §2: a trailer line naming a catalogued agent identity counts wherever it stands.
  for (const t of trailerFormLines(commit.message)) {
    const key = t.key.toLowerCase();
    if (inBlock.has(`${key}\u0000${t.value}`)) continue;
    const at = `commit ${short} trailer (paragraph ${t.paragraph} of ${t.paragraphs}, ${t.indented ? "indented, " : ""}outside git's trailer block)`;
    const line = `${t.key}: ${t.value}`;
    if (key === "co-authored-by") {
      const email = bracketedEmail(t.value);
      const matches = email === null ? [] : matchEmail(compiled, email);
      const name = email === null ? t.value : t.value.slice(0, t.value.lastIndexOf("<"));
      for (const agent of [...matches, ...matchCoAuthorName(compiled, name).filter((a) => !matches.includes(a))]) coAuthor(agent, at, line);
      continue;
    }
    agentTrailer(key, t.value, at, line, t.indented);
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

