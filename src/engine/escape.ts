/**
 * The one escaping of untrusted text for display (issue 8, point 11d): policy errors, the check's
 * Markdown (render/markdown.ts builds on it) and the CLI's terminal output. A key, file name or commit subject
 * can hold terminal escape sequences (`ESC[31m`), NUL, CR (which rewinds a terminal line), line or
 * paragraph separators (U+2028/U+2029, U+0085: a new line to many viewers), bidirectional overrides
 * and isolates ("Trojan Source", CVE-2021-42574: text that displays as something it is not) and
 * invisible characters. Each is shown as a visible escape (`\x1b`, `\u202e`), so one error stays one
 * line and what is displayed is what is there.
 */

/**
 * Characters never shown raw: C0 and C1 controls (CR, LF, TAB, ESC, NUL, U+0085 …), DEL, soft hyphen,
 * Arabic letter mark, Mongolian vowel separator, zero-width and directional marks, line and paragraph
 * separators, bidi embeddings/overrides/isolates, invisible operators, BOM, interlinear annotation
 * controls, and lone surrogates (half a character; some terminals and viewers choke on them).
 */
function isUnsafe(c: number): boolean {
  return (
    c <= 0x1f ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0xad ||
    c === 0x061c ||
    c === 0x180e ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x2028 && c <= 0x202e) ||
    (c >= 0x2061 && c <= 0x2069) ||
    c === 0xfeff ||
    (c >= 0xfff9 && c <= 0xfffb)
  );
}

/** The escapes built so far: a few dozen distinct characters ever need one. */
const HEX = new Map<number, string>();

function hex(c: number): string {
  let h = HEX.get(c);
  if (h === undefined) {
    h = c <= 0xff ? `\\x${c.toString(16).padStart(2, "0")}` : `\\u${c.toString(16).padStart(4, "0")}`;
    HEX.set(c, h);
  }
  return h;
}

export interface EscapeOptions {
  /**
   * `escape` (default): CR, LF and TAB are shown as `\r`, `\n`, `\t`. `space`: each run of them is one
   * space (display text where a line break carries no meaning, like a commit subject in a table).
   */
  whitespace?: "escape" | "space";
}

/** `s` with every unsafe character (see isUnsafe) visibly escaped. Linear; idempotent. */
export function escapeText(s: string, options: EscapeOptions = {}): string {
  let i = 0;
  // Fast path: most text has nothing to escape.
  while (i < s.length && !needsWork(s, i)) i++;
  if (i === s.length) return s;
  const spaces = options.whitespace === "space";
  // Safe runs are sliced whole; the pieces are joined once (no string growing per character).
  const parts: string[] = [s.slice(0, i)];
  let run = i;
  let lastWasBreak = false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let escaped: string | null = null;
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        lastWasBreak = false;
        continue;
      }
      escaped = hex(c);
    } else if (!isUnsafe(c)) {
      lastWasBreak = false;
      continue;
    } else if (isBreak(c)) {
      escaped = spaces ? (lastWasBreak ? "" : " ") : c === 0x0a ? "\\n" : c === 0x0d ? "\\r" : "\\t";
    } else escaped = hex(c);
    if (run < i) parts.push(s.slice(run, i));
    parts.push(escaped);
    run = i + 1;
    lastWasBreak = isBreak(c);
  }
  if (run < s.length) parts.push(s.slice(run));
  return parts.join("");
}

function isBreak(c: number): boolean {
  return c === 0x0a || c === 0x0d || c === 0x09;
}

function needsWork(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return isUnsafe(c) || (c >= 0xd800 && c <= 0xdfff);
}

/** Whether `s` holds a character escapeText would escape. */
export function hasUnsafeText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isUnsafe(c)) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

/** Untrusted text quoted in a message: `"…"`, escaped, `"` and `\` shown as `\"` and `\\`, clipped at `max` characters. */
export function quote(s: string, max = 120): string {
  const clipped = s.length > max ? s.slice(0, max) : s;
  const body = escapeText(clipped.replaceAll("\\", "\\\\").replaceAll('"', '\\"'));
  return `"${body}"${clipped.length < s.length ? `… (${s.length} characters)` : ""}`;
}
