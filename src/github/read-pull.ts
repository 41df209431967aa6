/**
 * The ONE reader of pull-request facts (STYLE: policy-bot's `pull.Context`). One GraphQL query brings
 * the PR, its commits, files and reviews (with `authorCanPushToRepository`, which qualifies most
 * reviewers for `min_permission: write` without another request), the policy blobs of the default
 * branch and of the organisation's `.github` repository, the head commit's `agent-gate` run of this
 * app, the other PRs at the same head, the repository's agent labels and who put labels on the PR
 * (SPEC §8: one read).
 * Extra requests only when needed: pages past 100 items, REST file listing when a file was renamed
 * (GraphQL has no previous name), `_extends`, and permission / team look-ups for approvers whose
 * approval could count.
 *
 * The flows see it through the `Reader` interface (reader.ts; github-io.ts binds it to a repository).
 * Its parts live beside it: refs.ts (the target and check vocabulary the writer shares),
 * reviewers.ts (permission and team look-ups), label-provenance.ts (who put the manual label on),
 * read-repo-policy.ts (the policy from the read, and alone for pushes), rest-login.ts.
 *
 * Nothing here throws for a read failure: what cannot be read becomes `facts.unverified` or
 * `PolicyState.unreadable`, so the decision fails closed (SPEC §4) instead of crashing or passing.
 */
import type { Account, ApprovalFacts, ChangedFile, CommitFacts, GitIdentity, HeadPolicyCheck, PolicyState, PullFacts } from "../engine/types.js";
import { CHECK_NAME, POLICY_PATH } from "../engine/names.js";
import { detectAgents, detectionConfigFromPolicy } from "../engine/detect.js";
import { filesNeedingContent } from "../engine/guard.js";
import { readContents } from "./read-contents.js";
import { decodeButtonApprovals, type ButtonApproval } from "./button-approvals.js";
import { describeError, type GitHub } from "./client.js";
import { checkHeadPolicy } from "./read-policy.js";
import type { PolicyCache } from "./policy-cache.js";
import { readUpdateMerge } from "./update-merge.js";
import type { ExistingCheck, PullTarget } from "./refs.js";
import { applicableRequirements, latestReviews, newLookupCache, qualify, stampClick, type Candidate, type LookupCache } from "./reviewers.js";
import { humanLabelRemovedByBot, labelProvenance, manualLabelOf, takenOff } from "./label-provenance.js";
import { partialData, policyFromRead, RERUN, type OrgAccess } from "./read-repo-policy.js";
import { restLogin } from "./rest-login.js";
import {
  COMMITS_PAGE_QUERY,
  FILES_PAGE_QUERY,
  PULL_QUERY,
  REVIEWS_PAGE_QUERY,
  type GqlActor,
  type GqlCheckRun,
  type GqlCommit,
  type GqlFile,
  type GqlGitActor,
  type GqlPage,
  type GqlReview,
  type PullQueryResult,
} from "./queries.js";


/** GitHub lists at most this many files / commits of a PR (REST and GraphQL docs, "List pull request files"). */
export const MAX_LISTED_FILES = 3000;
export const MAX_LISTED_COMMITS = 250;

export interface PullSnapshot {
  facts: PullFacts;
  /** OPEN, CLOSED or MERGED. */
  state: string;
  url: string;
  approvals: ApprovalFacts[];
  /** Clicks stored in the check run at the head SHA (plus the pending ones passed in). */
  buttonApprovals: ButtonApproval[];
  /** undefined = could not be read (the writer must look it up before creating a run). */
  check: ExistingCheck | null | undefined;
  policy: PolicyState;
  headPolicy?: HeadPolicyCheck;
  /** The PR head's copy of the policy file (when the PR changes it and GitHub returned it whole), for the policy preview. */
  headPolicyText?: string;
  /** Other OPEN PRs whose head is the same SHA (SPEC §4 "one SHA, several PRs"). */
  twins: number[];
  /** Labels of the repository whose name contains "agent", lower-cased (to create ours only when missing). */
  repoLabels: string[] | null;
  /**
   * Every label on the PR (for the label writer). `facts.labels` is what counts as a signal: the manual
   * label only when a human put it on (see `labelProvenance`).
   */
  labels: string[];
  /**
   * Labels (lower-cased) that were put on the PR and taken off again, as far as the read shows (a
   * LABELED event in the last 100 and not on the PR now): the writer does not put them back.
   */
  labelsTakenOff: string[];
  /** Set when GitHub says the repository is not visible to this installation (see `repositoryNotFound`). */
  inaccessible?: true;
}

/** What the reader falls back on when the PR cannot be read at all (taken from the webhook payload). */
export interface PullFallback {
  title: string;
  body: string | null;
  author: Account | null;
  headRef: string;
  headSha: string;
  baseRef: string;
  labels: string[];
  url: string;
  state: string;
}

/**
 * The policy blob on the default BRANCH, spelled as a full ref. `object(expression:)` takes a rev-parse
 * expression, and rev-parse resolves a bare `main` to `refs/tags/main` before `refs/heads/main`
 * (gitrevisions(7), "<refname>"): anyone who can push a tag named like the default branch (tags are
 * rarely protected; an agent's token often can) would otherwise supply the policy that judges it.
 */
export function defaultBranchPolicyExpression(defaultBranch: string): string {
  return `refs/heads/${defaultBranch}:${POLICY_PATH}`;
}

// ─── mapping GraphQL to engine facts ───

function account(actor: GqlActor | null): Account | null {
  return actor ? { login: restLogin(actor), id: actor.databaseId ?? null, type: actor.__typename } : null;
}

function identity(actor: GqlGitActor | null): GitIdentity {
  return { name: actor?.name ?? "", email: actor?.email ?? "", login: actor?.user?.login ?? null, id: actor?.user?.databaseId ?? null };
}

function commitFacts(c: GqlCommit): CommitFacts {
  // `Commit.authors` lists the author first, then the co-authors GitHub resolved from trailers: the
  // trailer e-mails mapped to accounts as GitHub maps them (any verified e-mail of the account, not
  // only noreply addresses), which is what contributor exclusion needs (SPEC §4).
  return { sha: c.oid, author: identity(c.author), committer: identity(c.committer), message: c.message, coAuthors: c.authors.nodes.slice(1).map(identity) };
}

/**
 * Commits whose author + co-author list GitHub did not give completely (more than one page of 100):
 * a co-author past the page could approve as if they had not contributed (issue 8 point 2), so the
 * PR fails closed rather than judging approvals on a partial list.
 */
function incompleteAuthors(commits: readonly GqlCommit[]): string[] {
  return commits
    .filter((c) => typeof c.authors.totalCount === "number" && c.authors.totalCount > c.authors.nodes.length)
    .map((c) => `Commit ${c.oid.slice(0, 7)} names ${c.authors.totalCount} authors and co-authors; GitHub listed only ${c.authors.nodes.length}, so an approver could be a co-author that was not seen. Split the co-author trailers over several commits, then re-run.`);
}

const CHANGE_TYPES: Record<string, ChangedFile["status"]> = {
  ADDED: "added",
  DELETED: "removed",
  RENAMED: "renamed",
  COPIED: "copied",
  MODIFIED: "modified",
  CHANGED: "changed",
};

// ─── pagination ───

type PageQuery = typeof COMMITS_PAGE_QUERY | typeof FILES_PAGE_QUERY | typeof REVIEWS_PAGE_QUERY;

async function restOfPages<T>(
  gh: GitHub,
  target: PullTarget,
  first: GqlPage<T>,
  query: PageQuery,
  key: "commits" | "files" | "reviews",
  cap: number,
): Promise<T[]> {
  const items = [...first.nodes];
  let page = first.pageInfo;
  while (page.hasNextPage && page.endCursor && items.length < cap) {
    const result = await gh.graphql<{ repository: { pullRequest: Record<string, GqlPage<T>> } }>(query, {
      owner: target.owner,
      name: target.repo,
      number: target.number,
      after: page.endCursor,
    });
    const next = result.repository.pullRequest[key]!;
    items.push(...next.nodes);
    page = next.pageInfo;
  }
  return items;
}

/** REST lists `previous_filename` for renames; GraphQL does not (PullRequestChangedFile has no old path). */
async function restFiles(gh: GitHub, target: PullTarget): Promise<ChangedFile[]> {
  const files = await gh.paginate(gh.rest.pulls.listFiles, { owner: target.owner, repo: target.repo, pull_number: target.number, per_page: 100 });
  return files.map((f) => ({ path: f.filename, previousPath: f.previous_filename ?? null, status: f.status }));
}

// ─── the reader ───

export interface ReadOptions {
  /**
   * Approve clicks not yet stored in the check run (recorded by this evaluation's write), with the
   * head SHA they were made on. They count only while that is still the PR's head: a click approves
   * the commit whose check it was on (SPEC §4: approvals count only at the current head), so clicks
   * overtaken by a push are left out (the caller answers them).
   */
  pendingClicks?: { sha: string; clicks: readonly ButtonApproval[] };
  cache?: LookupCache;
  /**
   * Judge under this policy instead of the default branch's (the CLI's `simulate --policy` and
   * `backtest`): the reviewers are then qualified against ITS requirements. The app never sets it.
   */
  policyOverride?: PolicyState;
  /** Says why the org's `.github` could not be read (see `OrgAccess`). */
  orgAccess?: OrgAccess;
  /** Parsed policies (./policy-cache.ts), owned by the caller: the app's AppState, one per CLI command. */
  policies: PolicyCache;
}

export async function readPull(gh: GitHub, target: PullTarget, fallback: PullFallback, options: ReadOptions): Promise<PullSnapshot> {
  const cache = options.cache ?? newLookupCache();
  let result: PullQueryResult;
  let orgNotFound = false;
  try {
    result = await gh.graphql<PullQueryResult>(PULL_QUERY, {
      owner: target.owner,
      name: target.repo,
      number: target.number,
      orgExpression: `HEAD:${POLICY_PATH}`,
      policyPath: POLICY_PATH,
      appId: target.appId,
      checkName: CHECK_NAME,
    });
  } catch (error) {
    const partial = partialData<PullQueryResult>(error);
    if (!partial) {
      if (repositoryNotFound(error)) return { ...unreadSnapshot(target, fallback, `The repository ${target.owner}/${target.repo} is not visible to this installation.`), inaccessible: true };
      return unreadSnapshot(target, fallback, `Could not read pull request #${target.number} from GitHub (${describeError(error)}).`);
    }
    result = partial;
    orgNotFound = true;
  }
  const pr = result.repository?.pullRequest;
  if (!pr) return unreadSnapshot(target, fallback, `Pull request #${target.number} was not found by the GitHub API.`);

  const unverified: string[] = [];
  const policyState = options.policyOverride ?? (await policyFromRead(gh, target, result.repository?.defaultBranchRef ?? null, result.orgPolicy, orgNotFound, { policies: options.policies, ...(options.orgAccess ? { orgAccess: options.orgAccess } : {}) }));

  // 1. Commits, files and reviews, all pages.
  let commits: GqlCommit[] = pr.commits.nodes.map((n) => n.commit);
  let files: ChangedFile[] = [];
  let reviews: GqlReview[] = [];
  let commitsRead = true;
  try {
    commits = (await restOfPages(gh, target, pr.commits, COMMITS_PAGE_QUERY, "commits", MAX_LISTED_COMMITS)).map((n) => n.commit);
  } catch (error) {
    commitsRead = false;
    unverified.push(`Could not list all commits of the pull request (${describeError(error)}). ${RERUN}`);
  }
  // Exact caps (issue 8 point 8): the true count says whether the listing is complete. Exactly 250
  // commits, all listed, is a complete listing; more than the cap, or fewer listed than the count, is not.
  const commitCount = pr.commits.totalCount;
  if (commitCount > MAX_LISTED_COMMITS)
    unverified.push(`The pull request has ${commitCount} commits; GitHub lists at most ${MAX_LISTED_COMMITS}, so commits past that could not be checked for agents. Split the pull request.`);
  else if (commitsRead && commits.length < commitCount)
    unverified.push(`GitHub listed ${commits.length} of the pull request's ${commitCount} commits, so the others could not be checked for agents. ${RERUN}`);
  unverified.push(...incompleteAuthors(commits));
  let gqlFiles: GqlFile[] = [];
  if (!pr.files) unverified.push(`GitHub did not list the changed files. ${RERUN}`);
  else {
    let filesRead = true;
    try {
      gqlFiles = await restOfPages(gh, target, pr.files, FILES_PAGE_QUERY, "files", MAX_LISTED_FILES);
    } catch (error) {
      filesRead = false;
      unverified.push(`Could not list all changed files (${describeError(error)}). ${RERUN}`);
    }
    // `changedFiles` is the true count; the connection's own totalCount may stop at the listing cap.
    const fileCount = Math.max(pr.changedFiles ?? 0, pr.files.totalCount);
    if (fileCount > MAX_LISTED_FILES)
      unverified.push(`The pull request changes ${fileCount} files; GitHub lists at most ${MAX_LISTED_FILES}, so files past that could not be checked against the policy. Split the pull request.`);
    else if (filesRead && gqlFiles.length < fileCount)
      unverified.push(`GitHub listed ${gqlFiles.length} of the pull request's ${fileCount} changed files, so the others could not be checked against the policy. ${RERUN}`);
  }
  files = gqlFiles.map((f) => ({ path: f.path, status: CHANGE_TYPES[f.changeType] ?? "changed" }));
  if (gqlFiles.some((f) => f.changeType === "RENAMED")) {
    // Security: a rename away from `.github/workflows/x.yml` must be judged on its old name too.
    try {
      files = await restFiles(gh, target);
    } catch (error) {
      unverified.push(`Could not read the old names of renamed files (${describeError(error)}). ${RERUN}`);
    }
  }
  if (!pr.reviews) unverified.push(`GitHub did not list the reviews. ${RERUN}`);
  else {
    try {
      reviews = await restOfPages(gh, target, pr.reviews, REVIEWS_PAGE_QUERY, "reviews", Number.POSITIVE_INFINITY);
    } catch (error) {
      unverified.push(`Could not list all reviews (${describeError(error)}). ${RERUN}`);
    }
  }

  // 2. The head commit: our check run, twins, the head's copy of the policy.
  const head = pr.head.nodes[0]?.commit;
  const runs: GqlCheckRun[] = (head?.checkSuites?.nodes ?? []).flatMap((s) => s.checkRuns?.nodes ?? []);
  // Several runs can only exist if something else created them; the most recent (highest id) is the one to update.
  const run = runs.sort((a, b) => b.databaseId - a.databaseId)[0];
  const check: ExistingCheck | null = run
    ? { id: run.databaseId, status: run.status, conclusion: run.conclusion?.toLowerCase() ?? null, title: run.title, summary: run.summary, text: run.text }
    : null;
  const headSha = pr.headRefOid;
  // Issue 8 point 10: the commit read as the head (its check run, its twins, its copy of the policy)
  // must be the PR's head. They come from two connections of one read; should GitHub answer them from
  // different moments, nothing read at the other commit may decide this one.
  if (head?.oid !== headSha)
    unverified.push(`The head commit GitHub returned (${head ? head.oid.slice(0, 7) : "none"}) is not the pull request's head ${headSha.slice(0, 7)}; the pull request was probably pushed to while it was read. ${RERUN}`);
  const twins = (head?.associatedPullRequests?.nodes ?? [])
    .filter((p) => p.state === "OPEN" && p.headRefOid === headSha && p.number !== pr.number)
    .map((p) => p.number);
  // SPEC §4 "one SHA, several PRs": a twin we did not list could be the strict one. An agent can open
  // copies of its branch to push the dangerous PR out of the window, so an incomplete list fails closed.
  const associated = head?.associatedPullRequests;
  if (associated && associated.totalCount > associated.nodes.length)
    unverified.push(`${associated.totalCount} pull requests are associated with the head commit; only ${associated.nodes.length} could be listed, so an open pull request with the same head (whose stricter decision this check must carry) may have been missed. Close the extra pull requests, then re-run.`);
  const headPolicy = files.some((f) => f.path === POLICY_PATH && f.status !== "removed")
    ? checkHeadPolicy(head?.headPolicy?.object ?? null, `${fallback.headRef}@${headSha.slice(0, 7)}:${POLICY_PATH}`, options.policies)
    : undefined;

  // 2b. An "Update branch" merge of an approved head (approval.keep_on_update_merge): its approvals carry over.
  const commitList = commits.map(commitFacts);
  const updateMerge =
    policyState.status === "ok" && (policyState.policy.reviewFlow?.keep_on_update_merge ?? false)
      ? await readUpdateMerge(gh, {
          owner: target.owner,
          repo: target.repo,
          policy: policyState.policy,
          head,
          commits: commitList,
          headSha,
          baseSha: pr.baseRefOid,
          files,
          facts: { repository: `${target.owner}/${target.repo}`, number: pr.number },
        })
      : null;
  const carriedFrom = updateMerge?.facts.carried ? updateMerge.facts.from : null;

  // 3. Approvals: latest review per user, and the Approve clicks stored at this SHA.
  const stored = head?.oid === headSha ? decodeButtonApprovals(check?.text, headSha) : [];
  // Clicks carried over an "Update branch" merge (keep_on_update_merge) join the stored ones.
  const kept = [...stored];
  for (const click of updateMerge?.clicks ?? []) if (!kept.some((a) => a.login.toLowerCase() === click.login.toLowerCase())) kept.push(click);
  const latest = latestReviews(reviews);
  const pending = options.pendingClicks?.sha === headSha ? options.pendingClicks.clicks : [];
  // A new click replaces the person's stored one (SPEC §4: their latest action decides), stamped with
  // the review they had when clicking, which orders the two (the engine's withdrawnClicks).
  const isSame = (a: ButtonApproval, b: ButtonApproval) => a.login.toLowerCase() === b.login.toLowerCase();
  const buttonApprovals = [...kept.filter((s) => !pending.some((p) => isSame(s, p))), ...pending.map((c) => stampClick(c, latest))];
  const candidates: Candidate[] = [
    // A review of the approved head counts at the carried-over merge as if given there.
    ...latest.map((r) => ({
      account: account(r.author)!,
      source: "review" as const,
      commitSha: carriedFrom !== null && r.commit?.oid === carriedFrom ? headSha : (r.commit?.oid ?? ""),
      state: r.state,
      canPush: r.authorCanPushToRepository,
      reviewId: r.databaseId,
    })),
    ...buttonApprovals.map((b) => ({
      account: { login: b.login, id: b.id, type: b.type },
      source: "button" as const,
      commitSha: headSha,
      canPush: null,
      ...(b.seenReview !== undefined ? { seenReview: b.seenReview } : {}),
    })),
  ];
  const approvals = await qualify(gh, target, () => applicableRequirements(policyState, files, pr.baseRefName), headSha, candidates, cache);

  // 4. The manual label counts only when a human put it on (SPEC §2 signal 5).
  const allLabels = pr.labels.nodes.map((l) => l.name);
  const manual = manualLabelOf(policyState);
  const onPull = manual === null ? undefined : allLabels.find((l) => l.toLowerCase() === manual.toLowerCase());
  const provenance = onPull === undefined ? null : await labelProvenance(gh, target, pr.labelEvents, onPull);
  let signalLabels = provenance?.human === false ? allLabels.filter((l) => l !== onPull) : allLabels;
  const labelActors = provenance?.human && provenance.login !== null && onPull !== undefined ? [{ label: onPull, login: provenance.login }] : [];
  if (manual !== null && onPull === undefined) {
    const stands = await humanLabelRemovedByBot(gh, target, pr.labelEvents, manual);
    if (stands) {
      signalLabels = [...allLabels, manual];
      if (stands.login !== null) labelActors.push({ label: manual, login: stands.login });
    }
  }

  const facts: PullFacts = {
    repository: `${target.owner}/${target.repo}`,
    number: pr.number,
    title: pr.title,
    body: pr.body,
    author: account(pr.author),
    headRef: pr.headRefName,
    headSha,
    baseRef: pr.baseRefName,
    baseSha: pr.baseRefOid,
    labels: signalLabels,
    ...(labelActors.length > 0 ? { labelActors } : {}),
    commits: commitList,
    files,
    unverified,
    ...(updateMerge ? { updateMerge: updateMerge.facts } : {}),
  };
  // 5. Issue 11: base and head texts of changed workflows and manifests, for agent PRs only (one more
  //    read, only when such a file changed). Detection is the engine's own, under this policy.
  const needed = policyState.status === "ok" ? filesNeedingContent(files) : [];
  if (needed.length > 0 && policyState.status === "ok" && detectAgents(facts, detectionConfigFromPolicy(policyState.policy)).agentAuthored) {
    const read = await readContents(gh, target, pr.baseRefOid, headSha, needed);
    facts.contents = read.contents;
    unverified.push(...read.unverified);
  }
  return {
    facts,
    state: pr.state,
    url: pr.url,
    approvals,
    buttonApprovals,
    check: head ? check : undefined,
    policy: policyState,
    ...(headPolicy ? { headPolicy } : {}),
    ...(headPolicy?.status === "valid" && typeof head?.headPolicy?.object?.text === "string" && head.headPolicy.object.isTruncated !== true
      ? { headPolicyText: head.headPolicy.object.text }
      : {}),
    twins,
    repoLabels: result.repository?.labels ? result.repository.labels.nodes.map((l) => l.name.toLowerCase()) : null,
    labels: allLabels,
    labelsTakenOff: takenOff(pr.labelEvents, allLabels),
  };
}

/**
 * GitHub's NOT_FOUND for the repository itself: the installation does not reach it (not selected,
 * uninstalled, another account's — a webhook the app should not act on). Nothing can be written
 * there either, so the caller answers the delivery and writes nothing.
 */
export function repositoryNotFound(error: unknown): boolean {
  const e = error as { errors?: { type?: string; path?: (string | number)[] }[] } | null | undefined;
  return Array.isArray(e?.errors) && e.errors.some((x) => x.type === "NOT_FOUND" && x.path?.length === 1 && x.path[0] === "repository");
}

function unreadSnapshot(target: PullTarget, fb: PullFallback, why: string): PullSnapshot {
  const reason = `${why} ${RERUN}`;
  return {
    facts: {
      repository: `${target.owner}/${target.repo}`,
      number: target.number,
      title: fb.title,
      body: fb.body ?? "",
      author: fb.author,
      headRef: fb.headRef,
      headSha: fb.headSha,
      baseRef: fb.baseRef,
      labels: fb.labels,
      commits: [],
      files: [],
      unverified: [reason],
    },
    state: fb.state,
    url: fb.url,
    approvals: [],
    buttonApprovals: [],
    check: undefined,
    policy: { status: "unreadable", reason, source: { kind: "repository", description: `${target.owner}/${target.repo}@${target.defaultBranch}:${POLICY_PATH}` } },
    twins: [],
    repoLabels: null,
    labels: fb.labels,
    labelsTakenOff: [],
  };
}

