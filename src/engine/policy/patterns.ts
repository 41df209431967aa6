/**
 * Glob patterns that validate but could never match (SPEC §3: "patterns that can never match a path
 * are errors"). GitHub reports changed files as relative, `/`-separated paths without `.` or `..`
 * segments, empty segments or a trailing `/`, so `./README.md` or `src\main.ts` under `block` would be
 * a rule that silently blocks nothing (issue 8, point 11b): each such form is refused, with the
 * pattern that would have meant it.
 *
 * A leading `/` is accepted with CODEOWNERS' and gitignore's meaning, "at the repository root" —
 * which is where every pattern without one is anchored already (minimatch without `matchBase`), so
 * `/action.yml` and `action.yml` are the same rule (`rootRelative` gives the pattern compiled).
 */
import { braceExpand } from "minimatch";

/**
 * Longest pattern accepted. minimatch throws "pattern is too long" past 64 KiB (issue 8, 11c); real
 * globs are a few dozen characters, and a bound this low also bounds what a slow-path match costs.
 */
export const MAX_GLOB_LENGTH = 1024;

/** Most alternatives one pattern's braces may expand to (`{a,b}{c,d}…` grows exponentially). */
export const MAX_BRACE_ALTERNATIVES = 256;

/**
 * Most `**` one pattern may hold. minimatch (11) walks `**` sections without backtracking, but past
 * 200 nested sections it stops looking and answers "no match" on purpose (`maxGlobstarRecursion`), so
 * a `block` rule with that many would silently let files through. Real patterns have one or two; the
 * bound is far below minimatch's, counting every `**` written (braces included), so no accepted
 * pattern comes near it.
 */
export const MAX_GLOBSTARS = 64;

/** How many `**` a pattern holds as written (an upper bound on the globstar segments of any brace alternative). */
export function globstarCount(pattern: string): number {
  let n = 0;
  for (let at = pattern.indexOf("**"); at !== -1; at = pattern.indexOf("**", at + 2)) n++;
  return n;
}

/** What a pattern list holds: changed file paths (`match`), or branch names (`targets`, `branches`). */
export type PatternKind = "path" | "base-branch" | "head-branch";

export interface PatternProblem {
  /** Why it can never match. */
  problem: string;
  /** The pattern that was probably meant, when one can be named. */
  suggestion?: string;
}

/** The pattern as compiled: one leading `/` (root anchor) dropped. */
export function rootRelative(pattern: string): string {
  return pattern.startsWith("/") && !pattern.startsWith("//") ? pattern.slice(1) : pattern;
}

/**
 * Why `pattern` (as written, a leading `!` included) can never match, or null when it can. Patterns
 * longer than MAX_GLOB_LENGTH are the schema's to refuse (`maxLength`) and are not looked at here.
 */
export function patternProblem(pattern: string, kind: PatternKind): PatternProblem | null {
  const found = neverMatches(pattern, kind);
  if (found?.suggestion !== undefined && (found.suggestion === "" || found.suggestion === "!")) found.suggestion += "**";
  return found;
}

function neverMatches(pattern: string, kind: PatternKind): PatternProblem | null {
  const negated = pattern.startsWith("!");
  const body = negated ? pattern.slice(1) : pattern;
  const bang = negated ? "!" : "";
  if (body.length > MAX_GLOB_LENGTH) return null;
  if (body === "") return { problem: negated ? `"!" alone excludes nothing` : "an empty pattern matches nothing" };
  if (body.includes("\0")) return { problem: "paths and branch names never contain a NUL character" };
  if (body.includes("\\")) {
    return {
      problem: 'a backslash is not a path separator (GitHub paths use "/") and minimatch reads it as an escape',
      suggestion: bang + body.replaceAll("\\", "/"),
    };
  }
  if (kind === "head-branch" && body.startsWith("/")) {
    return { problem: 'branch names never start with "/"', suggestion: bang + body.replace(/^\/+/, "") };
  }
  const anchored = kind === "head-branch" ? body : rootRelative(body);
  const segments = anchored.split("/");
  const clean = segments.filter((s) => s !== "" && s !== ".");
  if (segments.some((s) => s === "..")) {
    return {
      problem: `a ".." segment never matches: ${kind === "path" ? "changed file paths" : "branch names"} are given relative to the repository root, without ".." or "." segments`,
      suggestion: bang + clean.filter((s) => s !== "..").join("/"),
    };
  }
  if (segments.some((s) => s === ".")) {
    return { problem: `a "." segment never matches: paths are given without "./"`, suggestion: bang + clean.join("/") };
  }
  if (anchored.endsWith("/")) {
    const base = clean.join("/");
    return {
      problem: `a trailing "/" never matches: ${kind === "path" ? "changed files are files, never directories" : "branch names do not end with /"}`,
      ...(kind === "path" ? { suggestion: `${bang}${base === "" ? "**" : `${base}/**`}` } : {}),
    };
  }
  if (segments.some((s) => s === "")) {
    return { problem: 'an empty segment ("//", or a leading "//") never matches', suggestion: bang + clean.join("/") };
  }
  if (body.includes("{") && braceExpand(body, { nocomment: true }).length > MAX_BRACE_ALTERNATIVES) {
    return { problem: `its braces expand to more than ${MAX_BRACE_ALTERNATIVES} alternatives — write fewer, broader patterns` };
  }
  return null;
}
