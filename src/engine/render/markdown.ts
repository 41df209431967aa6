/**
 * Untrusted text in Markdown. File names, logins, branch names, commit text and even policy reasons
 * are written by whoever controls them — an agent can name a file `<img src=x>` or `@acme/security`.
 * Every such string is either backslash-escaped (all ASCII punctuation, so no Markdown or HTML
 * survives) with a word joiner after `@` and `#` (GitHub links mentions and references after
 * rendering, so escaping alone would still ping `@acme/security`), or put in a code span, where
 * GitHub neither renders markup nor links mentions. Control and bidirectional-override characters
 * are replaced (escape.ts).
 */
import { escapeText } from "../escape.js";
import type { FileOutcome } from "../types.js";

/**
 * One line of display-safe text, clipped: C0/C1 controls (terminal escape sequences, NUL …), line
 * separators and bidi overrides/isolates ("Trojan Source", CVE-2021-42574) shown as visible escapes
 * (`\x1b`, `\u202e`) by the engine's one escaping function (escape.ts); newlines and tabs as spaces.
 */
export function sanitize(s: string, max = Infinity): string {
  const one = escapeText(s, { whitespace: "space" });
  if (one.length <= max) return one;
  return one.slice(0, Math.max(0, max - 1)) + "…";
}

/** User-controlled text for Markdown: no markup, no HTML, no mentions or references. */
export function md(s: string, max = 300): string {
  return sanitize(s, max)
    .replace(/[\\`*_{}[\]()#+\-.!|<>~^=:&$/]/g, "\\$&")
    .replace(/([@#])/g, "$1\u2060");
}

/** User-controlled text as an inline code span (safe inside GFM table cells when `inTable`). */
export function code(s: string, { max = 300, inTable = false }: { max?: number; inTable?: boolean } = {}): string {
  let body = sanitize(s, max);
  // GFM splits table cells on `|` before inline parsing, even inside code spans; `\|` is the escape.
  if (inTable) body = body.replace(/\|/g, "\\|");
  const runs = body.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || (body.startsWith(" ") && body.endsWith(" ") && body.trim() !== "") ? " " : "";
  if (body === "") return "` `";
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A login, displayed with its `@` but never linked as a mention. */
export function user(login: string): string {
  return md("@" + login, 100);
}

export function fileLabel(f: FileOutcome): string {
  return f.previousPath ? `${code(f.path)} (renamed from ${code(f.previousPath)})` : code(f.path);
}
