/**
 * Approve-button clicks are kept in the check run itself (SPEC §4: "keep them where only the app can
 * write"): a check run can only be written by the app that created it, so a machine-readable block at
 * the end of `output.text` is a store nobody else can forge. It is an HTML comment, invisible in the
 * rendered check, read back on every evaluation.
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
  const m = TAIL.exec(text.slice(at));
  if (!m?.[1]) return null;
  let start = at;
  while (start > 0 && text[start - 1] === "\n") start--;
  return { start, json: m[1] };
}

export function encodeButtonApprovals(block: ButtonApprovalBlock): string {
  // "--" cannot occur inside an HTML comment; logins and ISO dates never hold it, but escape defensively.
  return `${OPEN}${JSON.stringify(block).replaceAll("--", "\\u002d\\u002d")}${CLOSE}`;
}

/** The stored clicks, only when they were recorded at `sha` (a click approves one head SHA). */
export function decodeButtonApprovals(text: string | null | undefined, sha: string): ButtonApproval[] {
  const block = text ? tailBlock(text) : null;
  if (!block) return [];
  try {
    const parsed = JSON.parse(block.json) as Partial<ButtonApprovalBlock>;
    if (parsed.sha !== sha || !Array.isArray(parsed.approvals)) return [];
    return parsed.approvals.filter(
      (a): a is ButtonApproval => typeof a?.login === "string" && typeof a.at === "string" && typeof a.type === "string",
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
