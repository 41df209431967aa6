/**
 * A size-bounded Markdown document, for the check run's output fields. Limits (GitHub REST "Create
 * a check run"): `output.summary` and `output.text` take at most 65,535 characters each. GitHub
 * counts bytes in practice (github/rest-api-description#5399), so we count UTF-8 bytes, which is
 * never less than the character count. `output.title` has no documented maximum; we keep it to one
 * line of at most 1,024 characters (the engine's contract, types.ts).
 */

export const CHECK_TITLE_MAX = 1024;
export const CHECK_OUTPUT_MAX = 65_535;

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

export function utf8Length(s: string): number {
  // Most lines are ASCII, one byte per character; V8's regex scan is several times faster than the loop.
  if (!NON_ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

// A paragraph of its own (blank line first): right under a list item or table row it would join it.
const TRUNCATED_NOTE = "\n\n_… output truncated to fit GitHub's 65,535-character limit for check runs._";
/** Room kept for a list's "… and N more" line and the truncation note. */
const LIST_TAIL_ROOM = 120;

/** Lines of Markdown that never exceed `limit` UTF-8 bytes, with a note when something was cut. */
export class BoundedDoc {
  private readonly lines: string[] = [];
  private bytes = 0;
  private truncated = false;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit - utf8Length(TRUNCATED_NOTE);
  }

  remaining(): number {
    return this.limit - this.bytes;
  }

  /**
   * Adds a line if it fits; otherwise marks the document truncated and adds nothing more. `size` is
   * the line's UTF-8 length plus its newline, when the caller already measured it (a 3,000-file PR
   * would otherwise measure every line twice).
   */
  line(s = "", size = utf8Length(s) + 1): boolean {
    if (this.truncated) return false;
    if (this.bytes + size > this.limit) {
      this.truncated = true;
      return false;
    }
    this.lines.push(s);
    this.bytes += size;
    return true;
  }

  /**
   * Adds items while they fit (keeping room for the tail), at most `cap`; then "… and N more noun".
   * `total` counts items not passed in (already capped by the caller).
   */
  list(items: readonly string[], noun: string, cap = Infinity, total = items.length): void {
    let shown = 0;
    for (const item of items) {
      if (shown >= cap || this.truncated) break;
      const size = utf8Length(item) + 1;
      if (this.bytes + size + LIST_TAIL_ROOM > this.limit) break;
      this.line(item, size);
      shown++;
    }
    // Its own paragraph: right after a list item it would be a lazy continuation of that item, and
    // right after a table row GFM would make it one more row (CommonMark §5.2, GFM §4.10).
    if (shown < total) {
      this.line();
      this.line(`_… and ${formatCount(total - shown)} more ${noun}_`);
    }
  }

  toString(): string {
    const body = this.lines.join("\n");
    return this.truncated ? body + TRUNCATED_NOTE : body;
  }
}

export function formatCount(n: number): string {
  // Below 1,000 an integer has no group separator, so String() gives the same text without ICU's cost.
  if (Number.isInteger(n) && n >= 0 && n < 1000 && !Object.is(n, -0)) return String(n);
  return n.toLocaleString("en-US");
}

export function plural(n: number, one: string, many = one + "s"): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
