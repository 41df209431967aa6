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
 * prefix and suffix pre-filter; anything else (classes, extglobs, escapes, odd slashes) keeps a
 * Minimatch object, so the result is always exactly minimatch's. Rules are indexed by the literal
 * leading segments of their patterns (a trie) or, for patterns starting with a wildcard, by file
 * name or extension, so a file is only tested against rules that could match it; the candidates are
 * computed once per (directory, extension) of a PR.
 */
import { Minimatch, braceExpand, type MinimatchOptions } from "minimatch";
import { POLICY_PATH } from "../names.js";
import { PATH_SETS, expandPathSets, type PathSetName } from "../policy/path-sets.js";
import { rootRelative } from "../policy/patterns.js";
import type { ChangedFile, FileOutcome, PathAction, PathRule, Policy } from "../types.js";

const MM_OPTIONS: MinimatchOptions = { dot: true, nonegate: true, nocomment: true };

/** block > approve > allow: the order used when a rename's two names disagree. */
const ACTION_RANK: Record<PathAction, number> = { allow: 0, approve: 1, block: 2 };


/**
 * Where one alternative of a glob can match, for the candidate index: under its literal leading
 * path segments, or (when it starts with a wildcard) only for paths with its file extension, or
 * anywhere.
 */
interface GlobKey {
  segments: string[];
  /** Exact last segment (file name), when the glob starts with a wildcard and ends with a literal name. */
  name: string | null;
  ext: string | null;
}

/** One compiled glob; `test` gives exactly minimatch's answer for any path. */
interface CompiledGlob {
  /** The pattern as written in the policy (without the leading `!` of an exclusion). */
  source: string;
  keys: GlobKey[];
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

interface TrieNode {
  rules: number[];
  children: Map<string, TrieNode>;
}

export interface CompiledPolicy {
  rules: CompiledRule[];
  default: PathAction;
  /**
   * Candidate index: a path can only be matched by the rules found on the trie nodes along its
   * segments (root included) and under its file extension. Lists are in rule order.
   */
  trie: TrieNode;
  byName: Map<string, number[]>;
  byExt: Map<string, number[]>;
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
  const trie: TrieNode = { rules: [], children: new Map() };
  const byName = new Map<string, number[]>();
  const byExt = new Map<string, number[]>();
  const push = (list: number[], i: number) => {
    if (list[list.length - 1] !== i) list.push(i);
  };
  const pushTo = (map: Map<string, number[]>, key: string, i: number) => {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    push(list, i);
  };
  for (const r of rules) {
    for (const g of r.positives) {
      for (const key of g.keys) {
        if (key.segments.length > 0) {
          let node = trie;
          for (const seg of key.segments) {
            let child = node.children.get(seg);
            if (!child) node.children.set(seg, (child = { rules: [], children: new Map() }));
            node = child;
          }
          push(node.rules, r.index);
        } else if (key.name !== null) {
          pushTo(byName, key.name, r.index);
        } else if (key.ext !== null) {
          pushTo(byExt, key.ext, r.index);
        } else {
          push(trie.rules, r.index);
        }
      }
    }
  }
  return { rules, default: defaultAction, trie, byName, byExt, allRules: rules.map((r) => r.index) };
}

function compileList(patterns: string[]): { positives: CompiledGlob[]; negatives: CompiledGlob[] } {
  const positives: CompiledGlob[] = [];
  const negatives: CompiledGlob[] = [];
  // Named sets (`@ci`, `!@ci`) stand for their member globs (src/engine/policy/path-sets.ts); the matched
  // pattern is shown as "@ci (.github/workflows/**)" so the summary says which set decided.
  for (const { pattern: p, set } of expandPathSets(patterns)) {
    const negated = p.startsWith("!");
    const g = compileGlob(negated ? p.slice(1) : p);
    if (set !== null) g.source = `${set} (${g.source})`;
    (negated ? negatives : positives).push(g);
  }
  return { positives, negatives };
}

let setPolicies: { name: PathSetName; compiled: CompiledPolicy }[] | undefined;

/** A path and the member glob of one built-in set that matched it. */
export interface SetMembership {
  set: PathSetName;
  pattern: string;
}

/**
 * A matcher for the built-in sets a path belongs to, each with the member glob that matched (a file
 * may be in two: `.github/workflows/copilot-setup-steps.yml` is in @control-plane and @ci). Uses the
 * same compiled matcher as the rules, so the summary and the decision cannot disagree. Make one per
 * decision (its per-directory memo lives as long as it does).
 */
export function pathSetsMatcher(): (path: string) => SetMembership[] {
  // One rule per member: the candidate index then tests a path only against members that could match it.
  setPolicies ??= PATH_SETS.map((s) => ({ name: s.name, compiled: compileRules(s.members.map((m) => ({ match: [m.pattern], action: "approve" })), "allow") }));
  const matchers = setPolicies.map((s) => ({ name: s.name, match: pathMatcher(s.compiled, "") }));
  return (path) => {
    const out: SetMembership[] = [];
    for (const s of matchers) {
      const m = s.match(path);
      if (typeof m.rule === "number" && m.pattern !== undefined) out.push({ set: s.name, pattern: m.pattern });
    }
    return out;
  };
}

/**
 * Characters whose minimatch meaning the fast path does not reproduce: classes, extglobs (they all
 * need a parenthesis), escapes, and `!` (literal in mid-pattern, but rare enough to leave to minimatch).
 */
const NOT_SIMPLE = /[[\]\\()|!]/;
const ANYWHERE: GlobKey = { segments: [], name: null, ext: null };

function compileGlob(source: string): CompiledGlob {
  let mm: Minimatch | undefined;
  // A leading "/" anchors at the repository root, as in CODEOWNERS (SPEC §3); every pattern is
  // anchored there already, so it is dropped (src/engine/policy/patterns.ts).
  const glob = rootRelative(source);
  // Paths that are not in the normal form the fast path assumes (never seen in practice) and
  // patterns it does not handle go to minimatch itself.
  const slow = (p: string) => (mm ??= new Minimatch(glob, MM_OPTIONS)).match(p);
  const alternatives = glob.includes("{") ? braceExpand(glob, MM_OPTIONS) : [glob];
  const simple = alternatives.map(compileSimple);
  if (alternatives.length === 0 || simple.some((s) => s === null)) {
    return { source, keys: [ANYWHERE], test: (p) => slow(p) };
  }
  const globs = simple as SimpleGlob[];
  const keys = globs.map((g) => g.key);
  if (globs.length === 1) {
    const fast = globs[0]!.test;
    return { source, keys, test: (p, normal) => (normal ? fast(p) : slow(p)) };
  }
  const tests = globs.map((g) => g.test);
  return { source, keys, test: (p, normal) => (normal ? tests.some((t) => t(p)) : slow(p)) };
}

/**
 * The fast path assumes paths as GitHub and git report them: relative, `/`-separated, without empty,
 * `.` or `..` segments.
 */
export function isNormalPath(p: string): boolean {
  return p !== "" && !ABNORMAL_PATH.test(p);
}

/** A leading or trailing "/", "//", a backslash, or a "." or ".." segment. */
const ABNORMAL_PATH = /^\/|\/$|\/\/|\\|(?:^|\/)\.\.?(?:\/|$)/;

interface SimpleGlob {
  key: GlobKey;
  /** Exact for normal paths: cheap literal prefix and suffix checks, then the RegExp. */
  test: (p: string) => boolean;
}


/** The file extension of a path (after the last `.` of its last segment), "" when none. */
export function extensionOf(path: string): string {
  const dot = path.lastIndexOf(".");
  return dot === -1 || dot < path.lastIndexOf("/") ? "" : path.slice(dot + 1);
}

/** Translate one brace-free glob made of literals, `*`, `?` and whole-segment `**`; null otherwise. */
function compileSimple(glob: string): SimpleGlob | null {
  if (glob === "" || NOT_SIMPLE.test(glob) || glob.startsWith("/") || glob.endsWith("/") || glob.includes("//")) return null;
  const segments = glob.split("/");
  if (segments.some((s) => s === "." || s === "..")) return null;
  // Adjacent `**` segments mean the same as one.
  const segs = segments.filter((s, i) => !(s === "**" && segments[i - 1] === "**"));
  const literal: string[] = [];
  for (const seg of segs) {
    if (seg.includes("*") || seg.includes("?")) break;
    literal.push(seg);
  }
  // Every match starts with the literal leading segments (followed by "/" unless they are all of it).
  const prefix = literal.length === segs.length ? literal.join("/") : literal.map((s) => s + "/").join("");
  const lastSeg = segs[segs.length - 1]!;
  const suffix = lastSeg === "**" ? "" : literalTail(lastSeg);
  const name = literal.length === 0 && suffix === lastSeg ? lastSeg : null;
  const ext = literal.length === 0 && suffix.includes(".") ? extensionOf(suffix) : null;
  const key = { segments: literal, name, ext };
  // A literal segment after the first wildcard (`**/.claude/**`) must appear in any match: a cheap
  // `includes` check before the segment matcher (patterns like that are tested against every path).
  const inner = segs.slice(literal.length).filter((x) => x !== "**" && !x.includes("*") && !x.includes("?"));
  const infix = inner.reduce((a, b) => (b.length > a.length ? b : a), "");
  return { key, test: shapeTest(segs, literal.length, prefix, suffix) ?? segmentTest(segs, prefix, suffix, infix) };
}

/**
 * The shapes nearly every policy uses, decided with string operations alone (each exactly the
 * RegExp's answer on a normal path: no empty segment, no trailing "/"):
 * `a/b` (literal), `a/**`, `**` + `/b`, `**` + `/*.ext`, `a/**` + `/*.ext`.
 */
function shapeTest(segs: string[], literalCount: number, prefix: string, suffix: string): ((p: string) => boolean) | null {
  const n = segs.length;
  if (literalCount === n) return (p) => p === prefix;
  if (literalCount === n - 1 && segs[n - 1] === "**") return (p) => p.startsWith(prefix);
  const starSuffix = n >= 2 && segs[n - 2] === "**" && literalCount === n - 2 && /^\*[^*?]*$/.test(segs[n - 1]!);
  if (starSuffix) {
    const min = prefix.length + suffix.length;
    return (p) => p.length >= min && p.endsWith(suffix) && p.startsWith(prefix);
  }
  if (n >= 2 && segs[n - 2] === "**" && literalCount === n - 2 && !/[*?]/.test(segs[n - 1]!)) {
    // `**/name` and `a/**/name`: the last segment is exactly `name`, below the prefix.
    const tail = "/" + suffix;
    const direct = prefix + suffix;
    const min = prefix.length + tail.length + 1;
    return prefix === ""
      ? (p) => p === suffix || p.endsWith(tail)
      : (p) => p === direct || (p.length >= min && p.startsWith(prefix) && p.endsWith(tail));
  }
  return null;
}

/** The literal characters after the last `*` or `?` of a segment (a string scan: /[^*?]*$/ is quadratic). */
function literalTail(seg: string): string {
  return seg.slice(Math.max(seg.lastIndexOf("*"), seg.lastIndexOf("?")) + 1);
}

/**
 * Any other simple glob, matched segment by segment in time proportional to (pattern length × path
 * length) at worst, never exponential: the RegExp this replaces (`[^/]*a[^/]*a…`,
 * `(?:[^/]+/)*x/(?:[^/]+/)*y…`) backtracks polynomially in the number of wildcards on a path an agent
 * names (issue 8, point 1). Greedy matching with one backtrack point is exact here because every
 * non-`**` element matches exactly one unit (a segment, or a character inside a segment).
 */
function segmentTest(segs: string[], prefix: string, suffix: string, infix = ""): (p: string) => boolean {
  // A trailing `**` matches one or more segments (minimatch: `a/**` does not match `a`): one `*` segment, then `**`.
  const pattern = segs[segs.length - 1] === "**" ? [...segs.slice(0, -1), "*", "**"] : segs;
  const re = infix === "" ? (p: string) => matchSegments(pattern, p.split("/")) : (p: string) => p.includes(infix) && matchSegments(pattern, p.split("/"));
  if (prefix && suffix) return (p) => p.startsWith(prefix) && p.endsWith(suffix) && re(p);
  if (prefix) return (p) => p.startsWith(prefix) && re(p);
  if (suffix) return (p) => p.endsWith(suffix) && re(p);
  return re;
}

function matchSegments(pattern: readonly string[], path: readonly string[]): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < path.length) {
    if (p < pattern.length && pattern[p] === "**") {
      starP = p++;
      starS = s;
    } else if (p < pattern.length && matchSegment(pattern[p]!, path[s]!)) {
      p++;
      s++;
    } else if (starP !== -1) {
      p = starP + 1;
      s = ++starS;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === "**") p++;
  return p === pattern.length;
}

/** One segment against `*` (any run, possibly empty) and `?` (one character), the same greedy scheme. */
function matchSegment(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === "*") {
      starP = p++;
      starT = t;
    } else if (p < pattern.length && (c === "?" || c === text[t])) {
      p++;
      t++;
    } else if (starP !== -1) {
      p = starP + 1;
      t = ++starT;
    } else return false;
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

function ruleApplies(rule: CompiledRule, baseRef: string): boolean {
  return !rule.targets || listMatches(rule.targets, baseRef);
}

function listMatches(list: { positives: CompiledGlob[]; negatives: CompiledGlob[] }, value: string): boolean {
  const normal = isNormalPath(value);
  return list.positives.some((g) => g.test(value, normal)) && !list.negatives.some((g) => g.test(value, normal));
}

/** The positive pattern of `rule` that matches `path` (and no exclusion does), or undefined. */
function ruleMatch(rule: CompiledRule, path: string, normal: boolean): string | undefined {
  for (const g of rule.positives) {
    if (g.test(path, normal)) {
      for (const n of rule.negatives) if (n.test(path, normal)) return undefined;
      return g.source;
    }
  }
  return undefined;
}

interface DirCandidates {
  /** Rules that may match a file in this directory with this extension (ascending, unique). */
  rules: number[];
  /** The trie node of the directory itself, when every segment of it is in the trie. */
  node: TrieNode | undefined;
}

function candidatesFor(compiled: CompiledPolicy, dirSegments: string[], ext: string): DirCandidates {
  const lists: number[][] = [];
  if (compiled.trie.rules.length > 0) lists.push(compiled.trie.rules);
  const byExt = compiled.byExt.get(ext);
  if (byExt) lists.push(byExt);
  let node: TrieNode | undefined = compiled.trie;
  for (const seg of dirSegments) {
    node = node.children.get(seg);
    if (!node) break;
    if (node.rules.length > 0) lists.push(node.rules);
  }
  return { rules: mergeSorted(lists), node };
}

function mergeSorted(lists: number[][]): number[] {
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0]!;
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

/**
 * A reusable matcher for one base branch: `targets` is evaluated once per rule, not once per file,
 * and candidate rules once per (directory, extension).
 */
export function pathMatcher(compiled: CompiledPolicy, baseRef: string): (path: string) => PathMatch {
  const applies = compiled.rules.map((r) => ruleApplies(r, baseRef));
  const memo = new Map<string, Map<string, DirCandidates>>();
  return (path) => {
    const normal = isNormalPath(path);
    let candidates: number[];
    if (normal) {
      const slash = path.lastIndexOf("/");
      const dir = slash === -1 ? "" : path.slice(0, slash);
      const ext = extensionOf(path);
      let byExt = memo.get(dir);
      if (!byExt) memo.set(dir, (byExt = new Map<string, DirCandidates>()));
      let found = byExt.get(ext);
      if (!found) {
        found = candidatesFor(compiled, dir === "" ? [] : dir.split("/"), ext);
        byExt.set(ext, found);
      }
      // Rules keyed by this very file name: a pattern whose literal segments name the file sits one
      // trie level below its directory, and `**/name` patterns are indexed by name.
      const base = path.slice(slash + 1);
      const leaf = found.node?.children.get(base);
      const named = compiled.byName.get(base);
      candidates = (leaf && leaf.rules.length > 0) || named ? mergeSorted([found.rules, leaf?.rules ?? [], named ?? []].filter((l) => l.length > 0)) : found.rules;
    } else {
      // A path that is not normal could match through `..` or `//` in unexpected ways: try every rule.
      candidates = compiled.allRules;
    }
    for (const i of candidates) {
      if (!applies[i]) continue;
      const rule = compiled.rules[i]!;
      const pattern = ruleMatch(rule, path, normal);
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

/**
 * A path with its `.`, `..` and empty segments resolved (`./.github//workflows/x` → `.github/workflows/x`).
 * Git and GitHub never report such spellings, but if an adapter ever passes one, it must not escape the
 * rule its resolved form falls under.
 */
export function resolvePath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return out.join("/");
}

/** The rule for a path, and for its resolved form when it is spelled abnormally: the stricter wins. */
function matchSpellings(matcher: (path: string) => PathMatch, path: string): PathMatch {
  const m = matcher(path);
  if (isNormalPath(path)) return m;
  const resolved = resolvePath(path);
  if (resolved === path || resolved === "") return m;
  const r = matcher(resolved);
  return ACTION_RANK[r.action] > ACTION_RANK[m.action] ? r : m;
}

function isPolicyFile(path: string): boolean {
  return path === POLICY_PATH || (!isNormalPath(path) && resolvePath(path) === POLICY_PATH);
}

function outcomeFor(matcher: (path: string) => PathMatch, file: ChangedFile): FileOutcome {
  let m = matchSpellings(matcher, file.path);
  const previous = file.previousPath && file.previousPath !== file.path ? file.previousPath : null;
  if (previous) {
    const old = matchSpellings(matcher, previous);
    if (ACTION_RANK[old.action] > ACTION_RANK[m.action]) m = old;
  }
  if (m.action === "allow" && (isPolicyFile(file.path) || (previous !== null && isPolicyFile(previous)))) {
    m = { action: "approve", rule: "policy-file", pattern: POLICY_PATH, reason: "The policy file itself always needs at least approval (SPEC §3)." };
  }
  const out: FileOutcome = { path: file.path, action: m.action, rule: m.rule };
  if (previous) out.previousPath = previous;
  if (m.pattern !== undefined) out.pattern = m.pattern;
  if (m.reason !== undefined) out.reason = m.reason;
  return out;
}
