/**
 * The open PRs whose head is a SHA, for events that name a commit rather than a PR (check_run,
 * check_suite). The payload's `pull_requests` lists them for same-repository branches only (webhook
 * docs: "pull_requests … does not include pull requests from forks"), so when it is empty we ask
 * "List pull requests associated with a commit".
 */
import type { GitHub } from "./client.js";
import type { RepoRef } from "./refs.js";

export async function pullsAtSha(gh: GitHub, repo: RepoRef, sha: string, fromPayload: { number: number; head: { sha: string } }[]): Promise<number[]> {
  const listed = fromPayload.filter((p) => p.head.sha === sha).map((p) => p.number);
  if (listed.length > 0) return listed;
  const { data } = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ owner: repo.owner, repo: repo.repo, commit_sha: sha, per_page: 100 });
  return data.filter((p) => p.state === "open" && p.head.sha === sha).map((p) => p.number);
}
