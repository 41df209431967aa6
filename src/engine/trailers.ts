/**
 * Commit-message trailers, read the way git reads them, and the identities they carry.
 *
 * Why faithful to git: SPEC §2 says a `Co-authored-by:` trailer counts only "parsed as git parses
 * trailers". A line that merely looks like a trailer in the middle of a body ("Co-authored-by:
 * dependabot … was noisy") is prose, and treating it as a trailer would flag humans who talk
 * about agents. The rules below follow git's `trailer.c` (`find_trailer_block_start`,
 * `find_separator`, `trailer_info_get`) and `git interpret-trailers`' documentation:
 *
 *   "Existing trailers are extracted from the input message by looking for a group of one or more
 *    lines that (i) is all trailers, or (ii) contains at least one Git-generated or user-configured
 *    trailer and consists of at least 25% trailers. The group must be preceded by one or more empty
 *    (or whitespace-only) lines. […] The value may be split over multiple lines with each
 *    subsequent line starting with whitespace, like the 'folding' in RFC 822."
 *
 * Deliberate scope: commit messages are not patches, so there is no `---` divider (git's own
 * `%(trailers)` pretty format parses commits with `no_divider` too; Codex PR bodies copied into
 * squash messages contain a `------` line that must not cut the message). We read no git config,
 * so the only "recognised" prefixes are git's built-in ones.
 */

export interface Trailer {
  /** The key as written (compare case-insensitively: GitHub writes `Co-authored-by`, Claude Code `Co-Authored-By`). */
  key: string;
  /** The value, trimmed, with continuation lines folded into one line. */
  value: string;
}

export interface ParsedIdentity {
  name: string;
  email: string;
}

export interface NoreplyEmail {
  /** GitHub account id from the `<id>+<login>@users.noreply.github.com` form; null for the old id-less form. */
  id: number | null;
  /** The login part as the tool wrote it (not necessarily the account's current login). */
  login: string;
}

/** git's `git_generated_prefixes` (trailer.c): they make a mostly-prose last paragraph count as a trailer block. */
const GIT_GENERATED_PREFIXES = ["Signed-off-by: ", "(cherry picked from commit "];

/** git's default `core.commentChar`; trailer.c skips such lines while looking for the block. */
const COMMENT_PREFIX = "#";

function isBlank(line: string): boolean {
  // A scan, not `trim()`: no copy of each line of a long message.
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 11 && c !== 12 && String.fromCharCode(c).trim() !== "") return false;
  }
  return true;
}

function startsWithWhitespace(line: string): boolean {
  return line.startsWith(" ") || line.startsWith("\t");
}

function isAsciiAlnum(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * git's `find_separator` with the default separators (":"): a token of ASCII letters, digits and
 * '-', optionally followed by spaces/tabs, then ':'. Returns the index of ':' or -1.
 * Consequence kept on purpose: "Link to Devin session: …" is not a trailer (spaces inside the token),
 * while "https://…" is one (token "https"), exactly as git sees it.
 */
function separatorPos(line: string): number {
  let whitespaceFound = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (c === ":") return i;
    if (!whitespaceFound && (isAsciiAlnum(c) || c === "-")) continue;
    if (i !== 0 && (c === " " || c === "\t")) {
      whitespaceFound = true;
      continue;
    }
    break;
  }
  return -1;
}

/** Index of the first line of the trailer block, or null when the message has none (trailer.c `find_trailer_block_start`). */
function trailerBlockStart(lines: readonly string[]): number | null {
  // The first paragraph is the title and never holds trailers.
  let endOfTitle = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(COMMENT_PREFIX)) continue;
    if (isBlank(line)) {
      endOfTitle = i;
      break;
    }
  }

  let onlySpaces = true;
  let recognizedPrefix = false;
  let trailerLines = 0;
  let nonTrailerLines = 0;
  // Whitespace-led lines: continuations if a trailer sits above them, prose if prose does.
  let possibleContinuationLines = 0;

  for (let i = lines.length - 1; i >= endOfTitle; i--) {
    const line = lines[i]!;
    if (line.startsWith(COMMENT_PREFIX)) {
      nonTrailerLines += possibleContinuationLines;
      possibleContinuationLines = 0;
      continue;
    }
    if (isBlank(line)) {
      if (onlySpaces) continue;
      nonTrailerLines += possibleContinuationLines;
      if (recognizedPrefix && trailerLines * 3 >= nonTrailerLines) return i + 1;
      if (trailerLines > 0 && nonTrailerLines === 0) return i + 1;
      return null;
    }
    onlySpaces = false;

    if (GIT_GENERATED_PREFIXES.some((prefix) => line.startsWith(prefix))) {
      trailerLines++;
      possibleContinuationLines = 0;
      recognizedPrefix = true;
    } else if (separatorPos(line) >= 1 && !startsWithWhitespace(line)) {
      trailerLines++;
      possibleContinuationLines = 0;
    } else if (startsWithWhitespace(line)) {
      possibleContinuationLines++;
    } else {
      nonTrailerLines++;
      nonTrailerLines += possibleContinuationLines;
      possibleContinuationLines = 0;
    }
  }
  // Reached the title without a blank line above the candidate group: no trailer block.
  return null;
}

/**
 * The trailers of a commit message, in order, as `git interpret-trailers --parse --unfold` would list
 * them (without any `trailer.*` configuration). CRLF line ends are accepted.
 */
export function parseTrailers(message: string): Trailer[] {
  const lines = message.replace(/\r\n?/g, "\n").split("\n");
  const start = trailerBlockStart(lines);
  if (start === null) return [];

  const trailers: Trailer[] = [];
  // Each trailer's value pieces, joined once at the end: re-joining (and re-trimming) the value on every
  // continuation line is quadratic in a message of many folded lines.
  const pieces: string[][] = [];
  let last: string[] | null = null;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (isBlank(line)) continue;
    if (last !== null && startsWithWhitespace(line)) {
      // RFC 822-style folding: git's --unfold joins the pieces with one space.
      last.push(line.trim());
      continue;
    }
    if (line.startsWith(COMMENT_PREFIX)) {
      last = null;
      continue;
    }
    const sep = separatorPos(line);
    if (sep >= 1) {
      trailers.push({ key: line.slice(0, sep).trim(), value: "" });
      last = [line.slice(sep + 1).trim()];
      pieces.push(last);
    } else {
      // A prose line inside a ≥25% block (e.g. "(cherry picked from commit …)"): kept by git, but not key: value.
      last = null;
    }
  }
  trailers.forEach((t, i) => {
    t.value = pieces[i]!.filter((p) => p !== "").join(" ");
  });
  return trailers;
}

/**
 * `Name <email>` → { name, email }. Also accepts the bare-email tail some tools write without
 * angle brackets (OpenHands' `OpenHands-GPT-5 openhands@all-hands.dev`, seen in
 * All-Hands-AI/OpenHands history) and a lone address. Returns null when no address is present.
 */
export function parseIdentity(value: string): ParsedIdentity | null {
  // String scans, not patterns: the value is untrusted commit text, and a pattern such as
  // /^(.*?)\s*<([^<>]*)>\s*$/ backtracks quadratically on a long run of spaces (issue 8, point 1).
  const text = value.trim();
  if (text.endsWith(">")) {
    const open = text.lastIndexOf("<");
    if (open !== -1) {
      const inner = text.slice(open + 1, -1);
      // `Name <a<b>` or `Name <a>b>`: not one bracketed address.
      if (inner.includes(">")) return null;
      const email = inner.trim();
      if (email === "") return null;
      return { name: text.slice(0, open).trim(), email };
    }
  }
  // The bare form: the last whitespace-separated word is `local@domain` (one "@", no brackets).
  let cut = text.length;
  while (cut > 0 && !isWhitespace(text.charCodeAt(cut - 1))) cut--;
  const word = text.slice(cut);
  const at = word.indexOf("@");
  if (at <= 0 || at === word.length - 1 || word.includes("@", at + 1) || word.includes("<") || word.includes(">")) return null;
  return { name: text.slice(0, cut).trim(), email: word };
}

/** JavaScript's `\s` (the characters `trim()` removes). */
function isWhitespace(code: number): boolean {
  return String.fromCharCode(code).trim() === "";
}

const CO_AUTHOR_KEY = "co-authored-by:";

/**
 * The addresses of every `Co-authored-by: Name <email>` line anywhere in the message, the key in any
 * case (for contributor exclusion: broader than git's last-paragraph rule on purpose, since excluding
 * too many approvers is the safe side). One pass over the lines, linear in the message: the pattern
 * this replaces, /^co-authored-by:[ \t]*(.*?)[ \t]*<([^<>\s]+)>[ \t]*$/gim, took 34 s on one line of
 * 4,000 spaces (issue 8, point 1). The address is what stands between the line's last `<` and a
 * closing `>` at its end, with no whitespace or bracket inside.
 */
export function coAuthorEmails(message: string): string[] {
  const out: string[] = [];
  let start = 0;
  while (start <= message.length) {
    let end = message.indexOf("\n", start);
    if (end === -1) end = message.length;
    const line = message.slice(start, end);
    start = end + 1;
    if (line.length <= CO_AUTHOR_KEY.length || line.slice(0, CO_AUTHOR_KEY.length).toLowerCase() !== CO_AUTHOR_KEY) continue;
    const value = trimTrailing(line);
    if (!value.endsWith(">")) continue;
    const open = value.lastIndexOf("<");
    if (open < CO_AUTHOR_KEY.length) continue;
    const email = value.slice(open + 1, -1);
    if (email !== "" && !hasWhitespaceOrBracket(email)) out.push(email);
  }
  return out;
}

function trimTrailing(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === " " || line[end - 1] === "\t" || line[end - 1] === "\r")) end--;
  return line.slice(0, end);
}

function hasWhitespaceOrBracket(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 60 || c === 62 || isWhitespace(c)) return true;
  }
  return false;
}

/**
 * GitHub's noreply addresses: `<id>+<login>@users.noreply.github.com` (accounts since July 2017) and
 * the older `<login>@users.noreply.github.com`. See GitHub docs "Setting your commit email address".
 * The id identifies the account; the login part is whatever the tool wrote (claude-code-action
 * writes `41898282+claude[bot]`, borrowing github-actions[bot]'s id), so callers must look at both.
 */
export function parseNoreplyEmail(email: string): NoreplyEmail | null {
  const m = /^(?:(\d+)\+)?([^@\s]+)@users\.noreply\.github\.com$/i.exec(email.trim());
  if (!m) return null;
  const id = m[1] === undefined ? null : Number(m[1]);
  return { id: id !== null && Number.isSafeInteger(id) ? id : null, login: m[2]! };
}
