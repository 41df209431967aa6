/**
 * Path-rule matching (SPEC §3 `paths`, `default`, `targets`; SPEC §8: 3,000 files × 300 rules ≤ 20 ms).
 *
 * Semantics are minimatch's with `{ dot: true }` (SPEC §3), with two deliberate choices:
 * - `!pattern` is an exclusion inside a rule: a rule matches a file when ANY positive pattern matches
 *   and NO `!` pattern matches. A rule with only `!` patterns therefore matches nothing.
 * - `nocomment`: a pattern starting with `#` is a literal path, not minimatch's "comment" that matches
 *   nothing — a quoted `"#legacy/**"` in a policy must not silently turn a `block` rule into a no-op.
 *
 * Speed: minimatch's own matcher costs ~200 ns per (file, pattern) pair, i.e. ~180 ms for the budget
 * case. So each policy is compiled ONCE (WeakMap keyed by the policy object): simple patterns (after
 * brace expansion: literals, `*`, `?`, whole-segment `**`) become one anchored RegExp with a literal
 * first-segment and suffix pre-filter; anything else (classes, extglobs, escapes, odd slashes) keeps
 * a Minimatch object, so the result is always exactly minimatch's. Rules are indexed by the literal
 * first path segment of their patterns, so a file is only tested against rules that could match it.
 */
import { Minimatch, braceExpand, type MinimatchOptions } from "minimatch";
import { POLICY_PATH } from "./policy-defaults.js";
import type { ChangedFile, FileOutcome, PathAction, PathRule, Policy } from "./types.js";

const MM_OPTIONS: MinimatchOptions = { dot: true, nonegate: true, nocomment: true };

/** block > approve > allow: the order used when a rename's two names disagree. */
const ACTION_RANK: Record<PathAction, number> = { allow: 0, approve: 1, block: 2 };

export function stricterAction(a: PathAction, b: PathAction): PathAction {
  return ACTION_RANK[a] >= ACTION_RANK[b] ? a : b;
}

/** One compiled glob; `test` gives exactly minimatch's answer for any path. */
interface CompiledGlob {
  /** The pattern as written in the policy (without the leading `!` of an exclusion). */
  source: string;
  /** Literal first path segment every match starts with, or null when it can be anything. */
  firstSegment: string | null;
  /** `normal`: `isNormalPath(path)`, computed once per path by the caller. */
  test: (path: string, normal: boolean) => boolean;
}

interface CompiledRule {
  index: number;
  rule: PathRule;
  positives: CompiledGlob[];
  negatives: CompiledGlob[];
  /** null: applies to every base branch. */
  targets: { positives: CompiledGlob[]; negatives: CompiledGlob[] } | null;
}

export interface CompiledPolicy {
  rules: CompiledRule[];
  default: PathAction;
  /** Rule indexes that may match a path whose first segment is the key (in rule order). */
  bySegment: Map<string, number[]>;
  /** Rule indexes that may match a path whose first segment is not a key of `bySegment`. */
  anySegment: number[];
  allRules: number[];
}

/** The rule that decided one path. */
export interface PathMatch {
  action: PathAction;
  /** Index in policy.paths; null = `default`; "policy-file" = the guard on the policy file itself. */
  rule: number | null | "policy-file";
  pattern?: string;
  reason?: string;
}

const cache = new WeakMap<Policy, CompiledPolicy>();

/** Compile (or fetch the cached compilation of) a policy's path rules. */
export function compilePolicy(policy: Policy): CompiledPolicy {
  let compiled = cache.get(policy);
  if (!compiled) {
    compiled = compileRules(policy.paths, policy.default);
    cache.set(policy, compiled);
  }
  return compiled;
}

function compileRules(paths: PathRule[], defaultAction: PathAction): CompiledPolicy {
  const rules = paths.map((rule, index): CompiledRule => {
    const { positives, negatives } = compileList(rule.match);
    return { index, rule, positives, negatives, targets: rule.targets ? compileList(rule.targets) : null };
  });
  // Index rules by the literal first segments of their positive patterns: a rule whose every
  // positive pattern starts with a literal segment can only match paths starting with one of them.
  const anySegment: number[] = [];
  const segments = new Set<string>();
  for (const r of rules) {
    if (r.positives.some((g) => g.firstSegment === null)) anySegment.push(r.index);
    for (const g of r.positives) if (g.firstSegment !== null) segments.add(g.firstSegment);
  }
  const bySegment = new Map<string, number[]>();
  for (const seg of segments) {
    bySegment.set(
      seg,
      rules.filter((r) => r.positives.some((g) => g.firstSegment === null || g.firstSegment === seg)).map((r) => r.index),
    );
  }
  return { rules, default: defaultAction, bySegment, anySegment, allRules: rules.map((r) => r.index) };
}

function compileList(patterns: string[]): { positives: CompiledGlob[]; negatives: CompiledGlob[] } {
  const positives: CompiledGlob[] = [];
  const negatives: CompiledGlob[] = [];
  for (const p of patterns) {
    if (p.startsWith("!")) negatives.push(compileGlob(p.slice(1)));
    else positives.push(compileGlob(p));
  }
  return { positives, negatives };
}

/**
 * Characters whose minimatch meaning the fast path does not reproduce: classes, extglobs (they all
 * need a parenthesis), escapes, and `!` (literal in mid-pattern, but rare enough to leave to minimatch).
 */
const NOT_SIMPLE = /[[\]\\()|!]/;

function compileGlob(source: string): CompiledGlob {
  let mm: Minimatch | undefined;
  // Paths that are not in the normal form the fast path assumes (never seen in practice) and
  // patterns it does not handle go to minimatch itself.
  const slow = (p: string) => (mm ??= new Minimatch(source, MM_OPTIONS)).match(p);
  const alternatives = braceExpand(source, MM_OPTIONS);
  const simple = alternatives.map(compileSimple);
  if (alternatives.length === 0 || simple.some((s) => s === null)) {
    return { source, firstSegment: null, test: (p) => slow(p) };
  }
  const globs = simple as SimpleGlob[];
  const firsts = new Set(globs.map((g) => g.firstSegment));
  const firstSegment = firsts.size === 1 ? globs[0]!.firstSegment : null;
  if (globs.length === 1) {
    const { re, suffix } = globs[0]!;
    return {
      source,
      firstSegment,
      test: suffix ? (p, normal) => (normal ? p.endsWith(suffix) && re.test(p) : slow(p)) : (p, normal) => (normal ? re.test(p) : slow(p)),
    };
  }
  const re = new RegExp(globs.map((g) => g.re.source).join("|"));
  return { source, firstSegment, test: (p, normal) => (normal ? re.test(p) : slow(p)) };
}

/**
 * The fast path assumes paths as GitHub and git report them: relative, `/`-separated, without empty,
 * `.` or `..` segments.
 */
export function isNormalPath(p: string): boolean {
  if (p === "" || p.startsWith("/") || p.endsWith("/") || p.includes("//") || p.includes("\\")) return false;
  if (!p.includes(".")) return true;
  return !/(?:^|\/)\.\.?(?:\/|$)/.test(p);
}

interface SimpleGlob {
  re: RegExp;
  firstSegment: string | null;
  /** A literal every matching path ends with ("" when none). */
  suffix: string;
}

const ANY_SEGMENTS = "[^/]+(?:/[^/]+)*";

/** Translate one brace-free glob made of literals, `*`, `?` and whole-segment `**`; null otherwise. */
function compileSimple(glob: string): SimpleGlob | null {
  if (glob === "" || NOT_SIMPLE.test(glob) || glob.startsWith("/") || glob.endsWith("/") || glob.includes("//")) return null;
  const segments = glob.split("/");
  if (segments.some((s) => s === "." || s === "..")) return null;
  // Adjacent `**` segments mean the same as one.
  const segs = segments.filter((s, i) => !(s === "**" && segments[i - 1] === "**"));
  let re = "^";
  let needSlash = false;
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === "**") {
      if (i === 0 && last) re += ANY_SEGMENTS;
      else if (i === 0) re += "(?:[^/]+/)*";
      else if (last) re += "/" + ANY_SEGMENTS;
      else re += "/(?:[^/]+/)*";
      needSlash = false;
      return;
    }
    if (needSlash) re += "/";
    re += segmentSource(seg);
    needSlash = true;
  });
  re += "$";
  const first = segs[0]!;
  const lastSeg = segs[segs.length - 1]!;
  const suffixMatch = lastSeg === "**" ? null : /[^*?]*$/.exec(lastSeg);
  const suffix = suffixMatch ? suffixMatch[0] : "";
  return { re: new RegExp(re), firstSegment: /[*?]/.test(first) ? null : first, suffix };
}

function segmentSource(seg: string): string {
  let out = "";
  for (const ch of seg) {
    if (ch === "*") {
      if (!out.endsWith("[^/]*")) out += "[^/]*";
    } else if (ch === "?") out += "[^/]";
    else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return out;
}

function ruleApplies(rule: CompiledRule, baseRef: string): boolean {
  return !rule.targets || listMatches(rule.targets, baseRef);
}

function listMatches(list: { positives: CompiledGlob[]; negatives: CompiledGlob[] }, value: string): boolean {
  const normal = isNormalPath(value);
  return list.positives.some((g) => g.test(value, normal)) && !list.negatives.some((g) => g.test(value, normal));
}

/** The positive pattern of `rule` that matches `path` (and no exclusion does), or undefined. */
function ruleMatch(rule: CompiledRule, path: string, firstSegment: string, normal: boolean): string | undefined {
  for (const g of rule.positives) {
    if (normal && g.firstSegment !== null && g.firstSegment !== firstSegment) continue;
    if (g.test(path, normal)) {
      for (const n of rule.negatives) if (n.test(path, normal)) return undefined;
      return g.source;
    }
  }
  return undefined;
}

/**
 * A reusable matcher for one base branch: `targets` is evaluated once per rule, not once per file.
 */
export function pathMatcher(compiled: CompiledPolicy, baseRef: string): (path: string) => PathMatch {
  const applies = compiled.rules.map((r) => ruleApplies(r, baseRef));
  return (path) => {
    const slash = path.indexOf("/");
    const firstSegment = slash === -1 ? path : path.slice(0, slash);
    const normal = isNormalPath(path);
    // A path that is not normal could match a pattern through `..` or `//` in unexpected ways:
    // try every rule rather than trusting the first-segment index.
    const candidates = normal ? (compiled.bySegment.get(firstSegment) ?? compiled.anySegment) : compiled.allRules;
    for (const i of candidates) {
      if (!applies[i]) continue;
      const rule = compiled.rules[i]!;
      const pattern = ruleMatch(rule, path, firstSegment, normal);
      if (pattern !== undefined) {
        const m: PathMatch = { action: rule.rule.action, rule: i, pattern };
        if (rule.rule.reason !== undefined) m.reason = rule.rule.reason;
        return m;
      }
    }
    return { action: compiled.default, rule: null };
  };
}

/** The first rule matching one path (no policy-file guard, no rename handling). */
export function matchPath(compiled: CompiledPolicy, path: string, baseRef: string): PathMatch {
  return pathMatcher(compiled, baseRef)(path);
}

/**
 * The outcome of one changed file: both names of a rename are matched and the stricter action wins
 * (an agent must not escape a `block` rule by moving a file out of a protected directory); the policy
 * file itself is never `allow` (SPEC §3).
 */
export function matchFile(compiled: CompiledPolicy, file: ChangedFile, baseRef: string): FileOutcome {
  return outcomeFor(pathMatcher(compiled, baseRef), file);
}

/** `matchFile` for a whole PR, sharing the per-branch work. */
export function matchFiles(compiled: CompiledPolicy, files: readonly ChangedFile[], baseRef: string): FileOutcome[] {
  const matcher = pathMatcher(compiled, baseRef);
  return files.map((f) => outcomeFor(matcher, f));
}

function outcomeFor(matcher: (path: string) => PathMatch, file: ChangedFile): FileOutcome {
  let m = matcher(file.path);
  const previous = file.previousPath && file.previousPath !== file.path ? file.previousPath : null;
  if (previous) {
    const old = matcher(previous);
    if (ACTION_RANK[old.action] > ACTION_RANK[m.action]) m = old;
  }
  if (m.action === "allow" && (file.path === POLICY_PATH || previous === POLICY_PATH)) {
    m = { action: "approve", rule: "policy-file", pattern: POLICY_PATH, reason: "The policy file itself always needs at least approval (SPEC §3)." };
  }
  const out: FileOutcome = { path: file.path, action: m.action, rule: m.rule };
  if (previous) out.previousPath = previous;
  if (m.pattern !== undefined) out.pattern = m.pattern;
  if (m.reason !== undefined) out.reason = m.reason;
  return out;
}

/** Whether a rule's `targets` include a base branch (exported for the CLI's explanations). */
export function ruleTargets(compiled: CompiledPolicy, index: number, baseRef: string): boolean {
  const rule = compiled.rules[index];
  return rule ? ruleApplies(rule, baseRef) : false;
}
