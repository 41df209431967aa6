/**
 * The `Reader` and `Writer` (./reader.ts) over GitHub: the GraphQL reader (./read-pull.ts and its
 * parts) and the one writer of checks and labels (./write-check.ts), bound to one repository and one
 * piece of work. What they hold is passed in (the app's AppState owns it): the parsed-policy cache,
 * the runs this process created, how to word a missing org `.github`.
 */
import type { CommitFacts } from "../engine/types.js";
import { describeError, type GitHub } from "./client.js";
import type { PolicyCache } from "./policy-cache.js";
import { MERGE_QUEUE_QUERY, type MergeQueueResult } from "./queries.js";
import { readPull, type PullFallback, type PullSnapshot } from "./read-pull.js";
import { readRepoPolicy, type OrgAccess } from "./read-repo-policy.js";
import type { CheckWriteRequest, LabelWriteRequest, OpenPull, PullReadOptions, Reader, RepoPolicyRead, Writer } from "./reader.js";
import type { ExistingCheck, RepoRef } from "./refs.js";
import { newLookupCache, type LookupCache } from "./reviewers.js";
import { addLabels, findRun, writeCheck, type CreatedRuns } from "./write-check.js";

export interface GitHubReaderOptions {
  /** The Octokit for reads (the app's: GraphQL queries not spaced like writes, src/github/octokit.ts). */
  gh: GitHub;
  /** The repository; `defaultBranch` from the payload only words messages when nothing can be read. */
  repo: RepoRef & { defaultBranch: string };
  appId: number;
  policies: PolicyCache;
  orgAccess?: OrgAccess;
}

export class GitHubReader implements Reader {
  private readonly lookups: LookupCache = newLookupCache();

  constructor(private readonly options: GitHubReaderOptions) {}

  pull(number: number, fallback: PullFallback, options: PullReadOptions = {}): Promise<PullSnapshot> {
    const { gh, repo, appId, policies, orgAccess } = this.options;
    return readPull(gh, { ...repo, number, appId }, fallback, { ...options, cache: this.lookups, policies, ...(orgAccess ? { orgAccess } : {}) });
  }

  fresh(): Reader {
    return new GitHubReader(this.options);
  }

  repoPolicy(defaultBranch: string): Promise<RepoPolicyRead> {
    const { gh, repo, policies, orgAccess } = this.options;
    return readRepoPolicy(gh, repo, defaultBranch, { policies, ...(orgAccess ? { orgAccess } : {}) });
  }

  async compareCommits(before: string, after: string): Promise<CommitFacts[]> {
    const { gh, repo } = this.options;
    const { data } = await gh.rest.repos.compareCommitsWithBasehead({ owner: repo.owner, repo: repo.repo, basehead: `${before}...${after}`, per_page: 100 });
    return data.commits.map((c) => ({
      sha: c.sha,
      message: c.commit.message,
      author: { name: c.commit.author?.name ?? "", email: c.commit.author?.email ?? "", login: c.author?.login ?? null, id: c.author?.id ?? null },
      committer: { name: c.commit.committer?.name ?? "", email: c.commit.committer?.email ?? "", login: c.committer?.login ?? null, id: c.committer?.id ?? null },
    }));
  }

  async mergeGroupPulls(baseRef: string, headSha: string): Promise<number[] | string> {
    const { gh, repo } = this.options;
    let result: MergeQueueResult;
    try {
      result = await gh.graphql<MergeQueueResult>(MERGE_QUEUE_QUERY, { owner: repo.owner, name: repo.repo, branch: baseRef });
    } catch (error) {
      return `Could not read the merge queue of ${baseRef} (${describeError(error)}).`;
    }
    const entries = result.repository?.mergeQueue?.entries?.nodes ?? [];
    // The last entry whose head commit is the group's SHA (a batched group shares one head commit).
    const mine = entries.filter((e) => e.headCommit?.oid === headSha).sort((a, b) => b.position - a.position)[0];
    if (!mine) return `The merge queue of ${baseRef} has no entry for the group commit ${headSha.slice(0, 7)}, so its pull requests cannot be known.`;
    const pulls = entries.filter((e) => e.position <= mine.position).map((e) => e.pullRequest?.number);
    if (pulls.some((n) => n === undefined)) return `A merge queue entry of ${baseRef} has no readable pull request.`;
    return pulls as number[];
  }

  async openPulls(limit: number): Promise<OpenPull[]> {
    const { gh, repo } = this.options;
    const { data } = await gh.rest.pulls.list({ owner: repo.owner, repo: repo.repo, state: "open", sort: "updated", direction: "desc", per_page: limit });
    return data.map((p) => ({ number: p.number, title: p.title, body: p.body ?? null, headRef: p.head.ref, headSha: p.head.sha, baseRef: p.base.ref, url: p.html_url }));
  }

  async teamMembers(slug: string, limit: number): Promise<string[]> {
    const { gh, repo } = this.options;
    const { data } = await gh.rest.teams.listMembersInOrg({ org: repo.owner, team_slug: slug, per_page: limit });
    return data.map((m) => m.login);
  }

  isCollaborator(login: string): Promise<boolean> {
    const { gh, repo } = this.options;
    return gh.rest.repos.checkCollaborator({ owner: repo.owner, repo: repo.repo, username: login }).then(
      () => true,
      () => false,
    );
  }

  teamHasAccess(slug: string): Promise<boolean> {
    const { gh, repo } = this.options;
    return gh.rest.teams.checkPermissionsForRepoInOrg({ org: repo.owner, team_slug: slug, owner: repo.owner, repo: repo.repo }).then(
      () => true,
      () => false,
    );
  }
}

export interface GitHubWriterOptions {
  /** The event's Octokit: writes are spaced per installation (src/github/octokit.ts). */
  gh: GitHub;
  repo: RepoRef;
  appId: number;
  /** The runs this process created (the app's, in AppState). */
  runs: CreatedRuns;
}

export class GitHubWriter implements Writer {
  constructor(private readonly options: GitHubWriterOptions) {}

  findRun(sha: string): Promise<ExistingCheck | null> {
    const { gh, repo, appId } = this.options;
    return findRun(gh, repo, sha, appId);
  }

  check(write: CheckWriteRequest): Promise<boolean> {
    return writeCheck({ ...this.options, ...write });
  }

  labels(write: LabelWriteRequest): Promise<string[]> {
    const { gh, repo } = this.options;
    return addLabels({ gh, repo, ...write });
  }

  async requestReviewers(number: number, users: readonly string[], teams: readonly string[]): Promise<void> {
    const { gh, repo } = this.options;
    await gh.rest.pulls.requestReviewers({
      owner: repo.owner,
      repo: repo.repo,
      pull_number: number,
      ...(users.length > 0 ? { reviewers: [...users] } : {}),
      ...(teams.length > 0 ? { team_reviewers: [...teams] } : {}),
    });
  }
}
