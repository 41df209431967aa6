/**
 * Approve-button clicks are kept in the check run itself (SPEC §4: "keep them where only the app can
 * write"): a check run can only be written by the app that created it, so a machine-readable block at
 * the end of `output.text` is a store nobody else can forge. It is an HTML comment, invisible in the
 * rendered check, read back on every evaluation.
 *
 * The same text quotes what others wrote (file names, commit messages, the PR title and body), so the
 * block is read only from where the app writes it: the last opener, at the start of a paragraph
 * (after a blank line, which the renderer never gives user text: it is escaped or inside a code span
 * on a table row or list item), running to the very end of the text, for this head SHA, with entries
 * of exactly our shape.
 *
 * The block carries its format version (`"v":1`), so a version of the app reading a check written by
 * another knows what it reads (docs/deploy.md, "Upgrading"). Blocks written before the field existed
 * have no `v`: they are this same format and read as v1. A block of a version this code does not know
 * (written by a newer app, then read after a rollback) is not guessed at: its clicks do not count, and the
 * next write of the check replaces it — the approvers click again.
 */

export interface ButtonApproval {
  login: string;
  id: number | null;
  /** GitHub account type of the clicker at click time ("User", "Bot", …). */
  type: string;
  /** ISO time of the click (from the webhook delivery, not the app's clock). */
  at: string;
}

export interface ButtonApprovalBlock {
  sha: string;
  approvals: ButtonApproval[];
}

/** The format version written into the block (`"v"`); bump it when the block's meaning changes. */
export const BUTTON_APPROVALS_FORMAT = 1;

const OPEN = "<!-- agent-gate:approvals ";
const CLOSE = " -->";
/** Our block, from the LAST opener to the end of the text (see `tailBlock`). */
const TAIL = /^<!-- agent-gate:approvals (.*?) -->\s*$/s;

/**
 * The stored block: only the last opener counts, and it must close at the very end of the text.
 * Text rendered above it quotes file names, commit messages and PR bodies an agent writes; a forged
 * opener there must neither be read as clicks nor, by swallowing everything down to our block's end,
 * erase the real ones (a leftmost match would start at the forgery).
 */
function tailBlock(text: string): { start: number; json: string } | null {
  const at = text.lastIndexOf(OPEN);
  if (at === -1) return null;
  // `withButtonApprovals` writes "\n\n" + block (the block alone when the text was empty).
  if (at !== 0 && !(at >= 2 && text.startsWith("\n\n", at - 2))) return null;
  const m = TAIL.exec(text.slice(at));
  if (!m?.[1]) return null;
  let start = at;
  while (start > 0 && text[start - 1] === "\n") start--;
  return { start, json: m[1] };
}

/**
 * Most clicks kept (the latest): only clicks that counted are stored, so this is far above any real
 * requirement, and it bounds the block (~100 bytes a click) well inside `output.text`'s 65,535.
 */
export const MAX_STORED_CLICKS = 100;

export function encodeButtonApprovals(block: ButtonApprovalBlock): string {
  const kept = { v: BUTTON_APPROVALS_FORMAT, sha: block.sha, approvals: block.approvals.slice(-MAX_STORED_CLICKS) };
  // "--" cannot occur inside an HTML comment; logins and ISO dates never hold it, but escape defensively.
  return `${OPEN}${JSON.stringify(kept).replaceAll("--", "\\u002d\\u002d")}${CLOSE}`;
}

/** The stored clicks, only when they were recorded at `sha` (a click approves one head SHA). */
export function decodeButtonApprovals(text: string | null | undefined, sha: string): ButtonApproval[] {
  const block = text ? tailBlock(text) : null;
  if (!block) return [];
  try {
    const parsed = JSON.parse(block.json) as (Partial<ButtonApprovalBlock> & { v?: unknown }) | null;
    if (typeof parsed !== "object" || parsed === null) return [];
    // No `v`: written before the field existed, the v1 format. Any other version: not ours to read.
    if (("v" in parsed ? parsed.v : 1) !== BUTTON_APPROVALS_FORMAT) return [];
    if (parsed.sha !== sha || !Array.isArray(parsed.approvals)) return [];
    return parsed.approvals.filter(
      (a): a is ButtonApproval =>
        typeof a?.login === "string" &&
        a.login.length > 0 &&
        typeof a.at === "string" &&
        typeof a.type === "string" &&
        (a.id === null || Number.isSafeInteger(a.id)),
    );
  } catch {
    return [];
  }
}

/** `text` with the block replaced (or removed when there are no approvals). */
export function withButtonApprovals(text: string, block: ButtonApprovalBlock): string {
  const found = tailBlock(text);
  const base = found ? text.slice(0, found.start) : text;
  return block.approvals.length === 0 ? base : `${base}\n\n${encodeButtonApprovals(block)}`;
}

/** Add a click, once per account (a second click by the same person changes nothing). */
export function addButtonApproval(list: readonly ButtonApproval[], click: ButtonApproval): ButtonApproval[] {
  const key = (a: ButtonApproval) => (a.id !== null ? `#${a.id}` : a.login.toLowerCase());
  return list.some((a) => key(a) === key(click)) ? [...list] : [...list, click];
}
