/**
 * Trailer-form lines anywhere in a commit message (SPEC §2: "a trailer line that names a
 * catalogued agent identity counts wherever it stands in the message").
 *
 * Why: Claude Code appends a plan after its `Co-Authored-By: Claude` block, Copilot CLI writes its
 * `Co-authored-by:` in a paragraph before `Copilot-Session:`; git's trailer rules (trailers.ts) put
 * those lines outside the trailer block. The caller still decides whether a line names an agent —
 * this module only finds lines that are *exactly* of trailer form, so prose stays prose:
 * - the line starts with the key (no quote marker `>`, no list bullet), the key is a git trailer
 *   token (ASCII letters, digits, `-`), then `:` and a non-empty value;
 * - or the same after spaces/tabs: a message written through an indented shell here-document
 *   (`git commit -m "$(cat <<'EOF' …`) has every line indented, its `Co-Authored-By:` too
 *   (modelcontextprotocol/typescript-sdk@5d43a6e29bd8). Such lines are flagged `indented`; the
 *   caller counts only agent identities and agent-specific trailers there, never catch-all keys
 *   (`Generated-by:` in an indented code sample is somebody's file header);
 * - for identity keys the value must be a whole `Name <e-mail>` (see `bracketedEmail`).
 * Everything is a single pass over the lines: linear in the message, no backtracking pattern.
 */

export interface TrailerLine {
  key: string;
  value: string;
  /** 1-based paragraph number (paragraphs are separated by blank lines), and how many there are. */
  paragraph: number;
  paragraphs: number;
  /** The line starts with spaces or tabs. */
  indented: boolean;
}

function isAsciiAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Index of ':' after a trailer token at the start of `line` (git's `find_separator`), or -1. */
function separatorPos(line: string): number {
  let whitespaceFound = false;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code === 58 /* : */) return i;
    if (!whitespaceFound && (isAsciiAlnum(code) || code === 45 /* - */)) continue;
    if (i !== 0 && (code === 32 || code === 9)) {
      whitespaceFound = true;
      continue;
    }
    break;
  }
  return -1;
}

/** Every line of trailer form in the message, with its paragraph. The subject (first line) never is one. */
export function trailerFormLines(message: string): TrailerLine[] {
  const lines = message.split("\n");
  const found: { key: string; value: string; paragraph: number; indented: boolean }[] = [];
  let paragraph = 0;
  let inParagraph = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") {
      inParagraph = false;
      continue;
    }
    if (!inParagraph) {
      paragraph++;
      inParagraph = true;
    }
    if (i === 0) continue;
    let indent = 0;
    while (indent < line.length && (line.charCodeAt(indent) === 32 || line.charCodeAt(indent) === 9)) indent++;
    const text = indent === 0 ? line : line.slice(indent);
    const sep = separatorPos(text);
    if (sep < 1) continue;
    const key = text.slice(0, sep).trim();
    const value = text.slice(sep + 1).trim();
    if (key === "" || value === "") continue;
    found.push({ key, value, paragraph, indented: indent > 0 });
  }
  return found.map((f) => ({ ...f, paragraphs: paragraph }));
}

/**
 * The e-mail of a value that is exactly `Name <e-mail>` (or `<e-mail>`): ends with `>`, one `<`,
 * an `@` inside. Linear (index scans). Null for anything else, e.g. prose after the address.
 */
export function bracketedEmail(value: string): string | null {
  const text = value.trim();
  if (!text.endsWith(">")) return null;
  const lt = text.lastIndexOf("<");
  if (lt === -1 || text.indexOf("<") !== lt || text.indexOf(">") !== text.length - 1) return null;
  const email = text.slice(lt + 1, -1).trim();
  const at = email.indexOf("@");
  if (at < 1 || at === email.length - 1 || email.includes(" ")) return null;
  return email;
}
