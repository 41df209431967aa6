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

import type { PolicyPreview } from "../engine/types.js";

export interface ButtonApproval {
  login: string;
  id: number | null;
  /** GitHub account type of the clicker at click time ("User", "Bot", …). */
  type: string;
  /** ISO time of the click (from the webhook delivery, not the app's clock). */
  at: string;
  /**
   * The clicker's latest review (GitHub id and state) when the click was first judged; null when they
   * had none. Orders the click against their reviews (SPEC §4: each person's latest action decides):
   * a review with a higher id, or this one in another state since, came after the click. Absent in
   * blocks written before it existed: the order is then unknown and the review is taken as later.
   */
  seenReview?: { id: number; state: string } | null;
}

export interface ButtonApprovalBlock {
  sha: string;
  approvals: ButtonApproval[];
  /**
   * Review requests made at this head SHA (issue 12 point 1), one per PR: the app asks once per head
   * SHA, and this is how it remembers without a database. Same store as the clicks, for the same
   * reason: only the app can write it. Readers of the v1 block that predate the field ignore it.
   */
  reviewRequests?: ReviewRequestRecord[];
  /** The policy preview made at this head SHA (a PR that edits the policy file), so it is computed once. */
  policyPreview?: PolicyPreview;
}

/**
 * The app's stored block at `sha`, parsed: null when there is none, it is not JSON, its format
 * version is not ours (no `v`: written before the field existed, the v1 format), or it was written
 * at another head SHA. Each decoder below then takes only entries of exactly its shape.
 */
function storedBlockAt(text: string | null | undefined, sha: string): Partial<ButtonApprovalBlock> | null {
  const block = text ? tailBlock(text) : null;
  if (!block) return null;
  let parsed: (Partial<ButtonApprovalBlock> & { v?: unknown }) | null;
  try {
    parsed = JSON.parse(block.json) as (Partial<ButtonApprovalBlock> & { v?: unknown }) | null;
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  if (("v" in parsed ? parsed.v : 1) !== BUTTON_APPROVALS_FORMAT || parsed.sha !== sha) return null;
  return parsed;
}

/** The policy preview stored at `sha` (same block and rules as the clicks), or null. */
export function decodePolicyPreview(text: string | null | undefined, sha: string): PolicyPreview | null {
  const p = storedBlockAt(text, sha)?.policyPreview as Partial<PolicyPreview> | undefined;
  const count = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) <= 10_000;
  if (!p || !count(p.looked) || !count(p.limit) || !count(p.block) || !count(p.unblock) || !count(p.leave)) return null;
  if (p.unavailable !== undefined && typeof p.unavailable !== "string") return null;
  return { looked: p.looked, limit: p.limit, block: p.block, unblock: p.unblock, leave: p.leave, ...(p.unavailable !== undefined ? { unavailable: p.unavailable.slice(0, 300) } : {}) };
}

/** One PR's review request at a head SHA, as made (or attempted). */
export interface ReviewRequestRecord {
  pr: number;
  /** Logins requested. */
  users: string[];
  /** Teams requested, "org/slug". */
  teams: string[];
  /** The people those teams and users came to, when at most 10 (the summary names them); else null. */
  people: string[] | null;
  /** Set when GitHub refused the request: what it said. */
  failed?: string;
  /** Left out because GitHub cannot request them (not collaborators), after a refused request. */
  refused?: { users: string[]; teams: string[] };
}

/** Bounds of a stored review request (a policy names a handful of teams and users). */
const MAX_STORED_REQUESTS = 20;
const MAX_REQUEST_NAMES = 50;

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
  // Issue 8 point 10: the writer leaves exactly one marker in the text (its own; quoted ones are
  // defused, see `defuse`), so another occurrence means the text is not what this app wrote the way
  // it writes it: the stored clicks are void rather than trusted.
  if (text.indexOf(OPEN) !== at) return null;
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
  const requests = (block.reviewRequests ?? []).slice(-MAX_STORED_REQUESTS);
  const kept = {
    v: BUTTON_APPROVALS_FORMAT,
    sha: block.sha,
    approvals: block.approvals.slice(-MAX_STORED_CLICKS),
    ...(requests.length > 0 ? { reviewRequests: requests } : {}),
    ...(block.policyPreview ? { policyPreview: block.policyPreview } : {}),
  };
  // "--" cannot occur inside an HTML comment; logins and ISO dates never hold it, but escape defensively.
  return `${OPEN}${JSON.stringify(kept).replaceAll("--", "\\u002d\\u002d")}${CLOSE}`;
}

/** The stored clicks, only when they were recorded at `sha` (a click approves one head SHA). */
export function decodeButtonApprovals(text: string | null | undefined, sha: string): ButtonApproval[] {
  const parsed = storedBlockAt(text, sha);
  if (!parsed || !Array.isArray(parsed.approvals)) return [];
  // The block is read back from a check text anyone with write access can edit: each entry is checked.
  return (parsed.approvals as (Partial<ButtonApproval> | null)[])
    .filter(
      (a): a is ButtonApproval =>
        typeof a?.login === "string" &&
        a.login.length > 0 &&
        typeof a.at === "string" &&
        typeof a.type === "string" &&
        (a.id === null || Number.isSafeInteger(a.id)),
    )
    .map((a) => {
      // A malformed order stamp is dropped, not trusted: the order is then unknown (the stricter side).
      const seen = a.seenReview as unknown;
      if (seen === undefined || seen === null) return a;
      const ok = typeof seen === "object" && Number.isSafeInteger((seen as { id?: unknown }).id) && typeof (seen as { state?: unknown }).state === "string";
      if (ok) return a;
      const { seenReview: _dropped, ...rest } = a;
      return rest;
    });
}

/**
 * Quoted text that happens to hold the marker (a file name, a commit message in a code span) gets a
 * WORD JOINER inside it: it reads the same, and is no longer the marker, so the one the app appends is
 * the only one and a forgery can neither count nor void the real clicks.
 */
function defuse(text: string): string {
  return text.includes(OPEN) ? text.replaceAll(OPEN, `<!-\u2060- agent-gate:approvals `) : text;
}

/**
 * `text` with the block replaced (or removed when there are neither approvals nor review requests);
 * every other marker defused.
 */
export function withButtonApprovals(text: string, block: ButtonApprovalBlock): string {
  const found = tailBlock(text);
  const base = defuse(found ? text.slice(0, found.start) : text);
  const empty = block.approvals.length === 0 && (block.reviewRequests ?? []).length === 0 && !block.policyPreview;
  return empty ? base : `${base}\n\n${encodeButtonApprovals(block)}`;
}

const isNameList = (x: unknown): x is string[] => Array.isArray(x) && x.length <= MAX_REQUEST_NAMES && x.every((n) => typeof n === "string" && n.length > 0 && n.length <= 100);

/** The review requests stored at `sha` (the same block, the same rules as `decodeButtonApprovals`). */
export function decodeReviewRequests(text: string | null | undefined, sha: string): ReviewRequestRecord[] {
  const parsed = storedBlockAt(text, sha);
  if (!parsed || !Array.isArray(parsed.reviewRequests)) return [];
  return (parsed.reviewRequests as unknown[] as (Partial<ReviewRequestRecord> | null)[])
    .filter(
      (r): r is ReviewRequestRecord =>
        typeof r === "object" &&
        r !== null &&
        Number.isSafeInteger(r.pr) &&
        isNameList(r.users) &&
        isNameList(r.teams) &&
        (r.people === null || isNameList(r.people)) &&
        (r.failed === undefined || typeof r.failed === "string") &&
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JSON read back: `refused` may be null whatever its type says
        (r.refused === undefined || (typeof r.refused === "object" && r.refused !== null && isNameList(r.refused.users) && isNameList(r.refused.teams))),
    )
    .slice(-MAX_STORED_REQUESTS)
    .map((r) => ({
      pr: r.pr,
      users: [...r.users],
      teams: [...r.teams],
      people: r.people === null ? null : [...r.people],
      ...(r.failed !== undefined ? { failed: r.failed.slice(0, 300) } : {}),
      ...(r.refused !== undefined ? { refused: { users: [...r.refused.users], teams: [...r.refused.teams] } } : {}),
    }));
}

/** Add a click, once per account (a second click by the same person changes nothing). */
export function addButtonApproval(list: readonly ButtonApproval[], click: ButtonApproval): ButtonApproval[] {
  const key = (a: ButtonApproval) => (a.id !== null ? `#${a.id}` : a.login.toLowerCase());
  return list.some((a) => key(a) === key(click)) ? [...list] : [...list, click];
}
