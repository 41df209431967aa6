/**
 * Label provenance: who put the manual label on (or took it off), read from the PR's label events,
 * so that only a human's label is the manual signal (SPEC §2 signal 5) and the writer does not put
 * back a label somebody took off.
 */
import type { PolicyState } from "../engine/types.js";
import { BUILTIN_DETECTION_CONFIG } from "../engine/decide/detection-config.js";
import { detectionConfigFromPolicy } from "../engine/detect.js";
import type { GitHub } from "./client.js";
import { LABEL_EVENTS_PAGE_QUERY, type GqlLabelEvent, type GqlLabelEvents } from "./queries.js";
import type { PullTarget } from "./refs.js";
import { restLogin } from "./rest-login.js";

/** The label whose presence is the manual signal under this policy (as the engine will judge it). */
export function manualLabelOf(policy: PolicyState): string | null {
  const config = policy.status === "ok" ? detectionConfigFromPolicy(policy.policy) : BUILTIN_DETECTION_CONFIG;
  return config.manualLabel === false ? null : config.manualLabel;
}

export type LabelProvenance = { human: true; login: string | null } | { human: false; login: string };

/**
 * Who last put `label` on the PR. SPEC §2 signal 5 is "a human put the label on": the app's own
 * label (and one put on by any other app or by Actions' GITHUB_TOKEN, all `Bot` actors) is not a
 * human's decision. Without this, the label the app adds to agent PRs would fire the manual signal on
 * the next evaluation and keep a PR gated after its real signals are gone (force-push).
 * The latest LABELED event decides (a human re-adding a label after a bot did counts). Events older
 * than the first window are paged backwards only when needed. Fails closed: an event that cannot be
 * found or read, or a deleted actor, counts as a human's (the PR stays gated).
 */
export async function labelProvenance(gh: GitHub, target: PullTarget, first: GqlLabelEvents | null, label: string): Promise<LabelProvenance> {
  const found = await newestLabelEvent(gh, target, first, label, (e) => e.__typename === "LabeledEvent");
  if (!found?.actor) return { human: true, login: null };
  return found.actor.__typename === "User" ? { human: true, login: found.actor.login } : { human: false, login: restLogin(found.actor) };
}

/**
 * The manual label is NOT on the PR: did a human put it on and only a bot take it off? Then it still
 * counts (the human who put it on, or null). Only a human's decision undoes a human's decision: an
 * agent whose app token can edit labels must not lift the gate a reviewer set. The newest event of
 * the label made by a person decides — put on: it stands; taken off: it is gone. An UNLABELED event
 * whose actor was deleted is not taken for a person's (fail closed: the label stands).
 */
export async function humanLabelRemovedByBot(gh: GitHub, target: PullTarget, first: GqlLabelEvents | null, label: string): Promise<{ login: string | null } | null> {
  // Cheap exit: no event of the label in the first window and nothing older → never labeled.
  const wanted = label.toLowerCase();
  if (!first || (!first.pageInfo.hasPreviousPage && !first.nodes.some((e) => e?.label?.name.toLowerCase() === wanted))) return null;
  const human = (e: GqlLabelEvent) => (e.__typename === "LabeledEvent" ? !e.actor || e.actor.__typename === "User" : e.actor?.__typename === "User");
  const found = await newestLabelEvent(gh, target, first, label, human);
  if (found?.__typename !== "LabeledEvent") return null;
  return { login: found.actor?.login ?? null };
}

/**
 * The newest LABELED or UNLABELED event of `label` that `accept`s, paging backwards as far as
 * MAX_LABEL_EVENT_PAGES; undefined when none was found (or a page could not be read).
 */
async function newestLabelEvent(gh: GitHub, target: PullTarget, first: GqlLabelEvents | null, label: string, accept: (e: GqlLabelEvent) => boolean): Promise<GqlLabelEvent | undefined> {
  const wanted = label.toLowerCase();
  let page = first;
  for (let pages = 0; page && pages < MAX_LABEL_EVENT_PAGES; pages++) {
    for (let i = page.nodes.length - 1; i >= 0; i--) {
      const e = page.nodes[i];
      if (!e || (e.__typename !== "LabeledEvent" && e.__typename !== "UnlabeledEvent") || e.label?.name.toLowerCase() !== wanted) continue;
      if (accept(e)) return e;
    }
    if (!page.pageInfo.hasPreviousPage || !page.pageInfo.startCursor) break;
    try {
      const result = await gh.graphql<{ repository: { pullRequest: { labelEvents: GqlLabelEvents | null } | null } | null }>(LABEL_EVENTS_PAGE_QUERY, {
        owner: target.owner,
        name: target.repo,
        number: target.number,
        before: page.pageInfo.startCursor,
      });
      page = result.repository?.pullRequest?.labelEvents ?? null;
    } catch {
      break;
    }
  }
  return undefined;
}

/** A PR with more label changes than this many pages of 100 is judged as if a human put the label on. */
const MAX_LABEL_EVENT_PAGES = 10;

/** Labels (lower-cased) put on the PR in the events read and not on it now: the writer does not put them back. */
export function takenOff(events: GqlLabelEvents | null, onPull: string[]): string[] {
  const on = new Set(onPull.map((l) => l.toLowerCase()));
  const applied = (events?.nodes ?? []).flatMap((e) => (e?.__typename === "LabeledEvent" && e.label ? [e.label.name.toLowerCase()] : []));
  return [...new Set(applied.filter((l) => !on.has(l)))];
}
