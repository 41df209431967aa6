/**
 * Start-up recovery of recent webhook deliveries from GitHub itself (issue 8 point 14,
 * docs/deploy.md "Recovery after a crash").
 *
 * Why: a delivery still running after ~9 s is answered `202` and finished in the background, and
 * GitHub records it as delivered as soon as it has that answer. A process killed (SIGKILL, OOM, a
 * crash) after answering loses that work, and deliveries sent while no replica listened failed —
 * GitHub retries neither. There is no database, so nothing of ours can say what was left unfinished;
 * GitHub can: `GET /app/hook/deliveries` lists every delivery to the app of the last three days
 * (https://docs.github.com/rest/apps/webhooks#list-deliveries-for-an-app-webhook), and
 * `GET /app/hook/deliveries/{delivery_id}` returns each with its payload (both with the app's JWT).
 *
 * What: on start-up, the deliveries of the last `windowMs` (at most `max`) are handled again through
 * the app's own handlers (`probot.receive`), oldest first, whatever GitHub recorded for them. That is
 * safe because handling a delivery is idempotent: every evaluation reads GitHub's current state and
 * writes only what changed (SPEC §5, "redelivered … events must converge"); an Approve click handled
 * again carries the time GitHub delivered it, so a review submitted after the click still overrides
 * it. Deliveries this process has already received are skipped, and deliveries that lead to the same
 * evaluation (several events of one pull request, of one commit) are coalesced into the newest.
 *
 * Why GET + receive rather than `POST …/attempts` (a redelivery): a redelivery goes through the
 * public webhook URL and load balancer to whichever replica, each one becomes a new delivery record
 * that the next start-up would list again, and it spends GitHub's delivery pipeline; reading the
 * payload needs only the JWT and handles the event right here, where we can pace and bound it.
 */
import type { Probot } from "probot";
import type { GitHub } from "../../github/client.js";
import type { AppState } from "../runtime/state.js";

export const RECOVER_MINUTES_ENV = "AGENT_GATE_RECOVER_MINUTES";
export const RECOVER_MAX_ENV = "AGENT_GATE_RECOVER_MAX";
/** Default look-back: covers a crash and a restart by an orchestrator with room to spare. */
export const DEFAULT_RECOVER_MINUTES = 60;
export const DEFAULT_RECOVER_MAX = 300;
/** Pages of 100 listed at most (GitHub lists newest first). */
const MAX_LIST_PAGES = 20;
/** Deliveries handled at once during recovery (their GitHub requests are throttled as usual). */
const CONCURRENCY = 2;

export interface RecoveryOptions {
  windowMs: number;
  max: number;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^\s*\d{1,7}\s*$/.test(raw)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(raw.slice(0, 40))}`);
  return Number(raw);
}

/** The recovery bounds from the environment; `windowMs` 0 disables recovery. Throws on malformed values. */
export function recoveryOptionsFromEnv(env: NodeJS.ProcessEnv): RecoveryOptions {
  return { windowMs: wholeNumber(env, RECOVER_MINUTES_ENV, DEFAULT_RECOVER_MINUTES) * 60_000, max: wholeNumber(env, RECOVER_MAX_ENV, DEFAULT_RECOVER_MAX) };
}

interface DeliveryItem {
  id: number;
  guid: string;
  delivered_at: string;
  event: string;
  action: string | null;
  repository_id: number | null;
}

interface Recovered {
  item: DeliveryItem;
  payload: Record<string, unknown>;
}

export interface RecoveryReport {
  listed: number;
  inWindow: number;
  skippedSeen: number;
  coalesced: number;
  handled: number;
  failed: number;
}

/** The `cursor` of the Link header's rel="next" (GitHub's delivery listing is cursor-paginated). */
export function nextCursor(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(",")) {
    if (!part.includes('rel="next"')) continue;
    const start = part.indexOf("<");
    const end = part.indexOf(">", start + 1);
    if (start < 0 || end < 0) return null;
    try {
      return new URL(part.slice(start + 1, end)).searchParams.get("cursor");
    } catch {
      return null;
    }
  }
  return null;
}

function isItem(x: unknown): x is DeliveryItem {
  if (typeof x !== "object" || x === null) return false;
  const d = x as Record<string, unknown>;
  return typeof d.id === "number" && typeof d.guid === "string" && typeof d.delivered_at === "string" && typeof d.event === "string";
}

/**
 * The evaluation a delivery leads to, for coalescing: events of one pull request (or one commit)
 * lead to the same evaluation of its current state, so only the newest is handled. Approve clicks
 * carry a person's action and are each handled; anything unknown is its own key.
 */
export function coalesceKey(event: string, payload: Record<string, unknown>, guid: string): string {
  const p = payload as {
    action?: unknown;
    repository?: { id?: unknown };
    pull_request?: { number?: unknown };
    check_run?: { head_sha?: unknown };
    check_suite?: { head_sha?: unknown };
    merge_group?: { head_sha?: unknown };
    ref?: unknown;
    after?: unknown;
  };
  const id = p.repository?.id;
  const repo = typeof id === "number" || typeof id === "string" ? String(id) : "?";
  if (event === "check_run" && p.action === "requested_action") return `click:${guid}`;
  if ((event === "pull_request" || event === "pull_request_review") && typeof p.pull_request?.number === "number") return `pull:${repo}#${p.pull_request.number}`;
  if (event === "check_run" && typeof p.check_run?.head_sha === "string") return `sha:${repo}@${p.check_run.head_sha}`;
  if (event === "check_suite" && typeof p.check_suite?.head_sha === "string") return `sha:${repo}@${p.check_suite.head_sha}`;
  if (event === "merge_group" && typeof p.merge_group?.head_sha === "string") return `group:${repo}@${p.merge_group.head_sha}`;
  if (event === "push" && typeof p.ref === "string") return `push:${repo}:${p.ref}:${String(p.after)}`;
  return `delivery:${guid}`;
}

/**
 * Handle again the recent deliveries (see the module comment). Never throws: what fails is logged
 * and counted in the report.
 */
export async function recoverDeliveries(opts: {
  probot: Pick<Probot, "auth" | "receive" | "log">;
  app: AppState;
  options: RecoveryOptions;
  now?: number;
  stopped?: () => boolean;
}): Promise<RecoveryReport> {
  const { probot, app, options } = opts;
  const log = probot.log;
  const report: RecoveryReport = { listed: 0, inWindow: 0, skippedSeen: 0, coalesced: 0, handled: 0, failed: 0 };
  if (options.windowMs <= 0 || options.max <= 0) return report;
  const since = (opts.now ?? Date.now()) - options.windowMs;
  let gh: GitHub;
  try {
    gh = await probot.auth();
  } catch (error) {
    log.error({ err: error }, "agent-gate: delivery recovery: could not authenticate as the app; recent deliveries were not recovered");
    return report;
  }

  // 1. List (newest first) until the window or the bound ends.
  const items: DeliveryItem[] = [];
  const guids = new Set<string>();
  let cursor: string | null = null;
  try {
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const res = await gh.request("GET /app/hook/deliveries", { per_page: 100, ...(cursor ? { cursor } : {}) });
      const list: unknown[] = Array.isArray(res.data) ? res.data : [];
      let older = false;
      for (const x of list) {
        if (!isItem(x)) continue;
        report.listed++;
        const at = Date.parse(x.delivered_at);
        if (!(at >= since)) {
          older = true;
          continue;
        }
        if (guids.has(x.guid)) continue; // a redelivery of a delivery already listed (newer first)
        guids.add(x.guid);
        if (items.length < options.max) items.push(x);
      }
      cursor = nextCursor((res.headers as Record<string, string | undefined>).link);
      if (older || !cursor || items.length >= options.max) break;
    }
  } catch (error) {
    log.error({ err: error }, "agent-gate: delivery recovery: could not list the app's recent deliveries; recovering what was listed");
  }
  report.inWindow = items.length;

  // 2. Payloads of the ones this process has not seen; coalesced, oldest first.
  const newest = new Map<string, Recovered>();
  for (const item of items) {
    if (opts.stopped?.()) break;
    if (app.seenDeliveries.has(item.guid)) {
      report.skippedSeen++;
      continue;
    }
    try {
      const res = await gh.request("GET /app/hook/deliveries/{delivery_id}", { delivery_id: item.id });
      const payload = (res.data as { request?: { payload?: unknown } }).request?.payload;
      if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
        report.failed++;
        continue;
      }
      const key = coalesceKey(item.event, payload as Record<string, unknown>, item.guid);
      if (newest.has(key)) report.coalesced++;
      else newest.set(key, { item, payload: payload as Record<string, unknown> }); // items are newest first
    } catch (error) {
      report.failed++;
      log.warn({ err: error, delivery: item.guid }, "agent-gate: delivery recovery: could not read a delivery's payload");
    }
  }
  const queue = [...newest.values()].sort((a, b) => Date.parse(a.item.delivered_at) - Date.parse(b.item.delivered_at) || a.item.id - b.item.id);

  // 3. Handle them through the app's own handlers, a few at a time.
  const work = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (opts.stopped?.()) return;
      const { item, payload } = next;
      if (app.seenDeliveries.has(item.guid)) {
        report.skippedSeen++;
        continue;
      }
      app.recoveredDeliveryTimes.set(item.guid, new Date(Date.parse(item.delivered_at)).toISOString());
      try {
        await probot.receive({ id: item.guid, name: item.event, payload } as Parameters<Probot["receive"]>[0]);
        report.handled++;
      } catch (error) {
        report.failed++;
        log.warn({ err: error, delivery: item.guid, event: item.event }, "agent-gate: delivery recovery: handling a recovered delivery failed");
      } finally {
        app.recoveredDeliveryTimes.delete(item.guid);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, work));
  log.info({ recovery: report, windowMinutes: options.windowMs / 60_000 }, "agent-gate: delivery recovery done");
  return report;
}
