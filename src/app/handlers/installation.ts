/**
 * `installation` created and `installation_repositories` added → evaluate the open PRs of the
 * repositories the app can now see (SPEC §5), so that the `agent-gate` check exists on every open PR
 * right away and can be picked as a required check before anyone pushes.
 *
 * Bounded: per repository, one page of the most recently updated open PRs (REST "List pull
 * requests", `sort=updated`, 100 — GitHub's page maximum); older ones get their check on their next
 * event. Paced: the PRs are evaluated one after another through the usual per-SHA queue, and every
 * write goes through the event Octokit, whose per-installation limiter keeps GitHub's ≥ 1 s between
 * writes (src/github/octokit.ts). The repositories come from the payload (`repositories`,
 * `repositories_added`); a repository that cannot be listed is logged and skipped (its PRs get their
 * check on their next event).
 *
 * `installation_target` (the account renamed) and `repository` renamed need nothing: the app keeps
 * no state under a name that outlives an event (check runs belong to commits; every evaluation reads
 * owner, name and default branch from its own payload).
 */
import type { Context } from "probot";
import { describeError } from "../../github/client.js";
import { evaluatePull, fallbackFromPayload } from "../flows/evaluate.js";
import type { AppState } from "../runtime/state.js";

/** Open PRs evaluated per repository and event: GitHub's largest page, the most recently updated first. */
export const INSTALL_PULLS_PER_REPO = 100;
/** Repositories handled per event (an installation on more gets the rest's checks on their next PR event). */
export const INSTALL_REPOS_PER_EVENT = 200;

interface RepoRefPayload {
  full_name: string;
  name: string;
}

export async function onInstallationCreated(app: AppState, context: Context<"installation.created">): Promise<void> {
  await evaluateRepositories(app, context, context.payload.repositories ?? [], "installation.created");
}

export async function onInstallationRepositoriesAdded(app: AppState, context: Context<"installation_repositories.added">): Promise<void> {
  await evaluateRepositories(app, context, context.payload.repositories_added, "installation_repositories.added");
}

async function evaluateRepositories(
  app: AppState,
  context: Pick<Context, "octokit" | "log">,
  repositories: readonly RepoRefPayload[],
  trigger: string,
): Promise<void> {
  const picked = repositories.slice(0, INSTALL_REPOS_PER_EVENT);
  if (repositories.length > picked.length) {
    context.log.warn({ repositories: repositories.length, handled: picked.length, trigger }, "agent-gate: more repositories than one event handles; the others get their check on their next pull request event");
  }
  for (const r of picked) {
    const slash = r.full_name.indexOf("/");
    if (slash <= 0) continue;
    const owner = r.full_name.slice(0, slash);
    const repo = r.name;
    let pulls;
    try {
      ({ data: pulls } = await context.octokit.rest.pulls.list({ owner, repo, state: "open", sort: "updated", direction: "desc", per_page: INSTALL_PULLS_PER_REPO }));
    } catch (error) {
      context.log.warn({ repo: `${owner}/${repo}`, err: describeError(error), trigger }, "agent-gate: could not list the open pull requests of a newly added repository; they get their check on their next event");
      continue;
    }
    context.log.info({ repo: `${owner}/${repo}`, pulls: pulls.length, trigger }, "agent-gate: evaluating the open pull requests of a newly added repository");
    for (const pr of pulls) {
      // Each PR in the usual per-SHA queue, one after another: the writes stay paced per installation.
      await evaluatePull(app, {
        gh: context.octokit,
        log: context.log,
        repo: { owner, repo, defaultBranch: pr.base.repo.default_branch },
        number: pr.number,
        fallback: fallbackFromPayload({ ...pr, body: pr.body ?? null, user: pr.user ? { login: pr.user.login, id: pr.user.id, type: pr.user.type } : null, labels: pr.labels.map((l) => ({ name: l.name })) }),
        trigger,
      });
    }
  }
}
