/**
 * The GraphQL documents the app sends. One query (`AgentGatePull`) brings everything an evaluation
 * needs (SPEC §8: "one read that brings PR, commits, files, reviews with what qualifies each reviewer,
 * and the app's existing check on the head SHA together"); the page queries only run past 100 items.
 * Field shapes: GitHub GraphQL reference (PullRequest, Commit, CheckSuite, Blob), checked against
 * @octokit/graphql-schema by the fake in the e2e tests.
 */

const ACTOR = `__typename login ... on User { databaseId } ... on Bot { databaseId }`;
const GIT_ACTOR = `name email user { login databaseId }`;
const COMMIT = `oid message author { ${GIT_ACTOR} } committer { ${GIT_ACTOR} } authors(first: 100) { totalCount nodes { ${GIT_ACTOR} } }`;
const BLOB = `__typename ... on Blob { text isTruncated oid }`;
/**
 * The default branch and its policy file, from GitHub's current state, in the same read (issue 8 point
 * 15): a webhook payload's `repository.default_branch` is a copy from when the event was sent, and a
 * redelivered old delivery would name a branch that is no longer the default. `defaultBranchRef` is a
 * branch ref, so a tag named like the branch cannot stand in for it (gitrevisions(7) prefers tags for
 * a bare name in `object(expression:)`).
 */
const DEFAULT_BRANCH_POLICY = `defaultBranchRef { name target { __typename ... on Commit { oid policyFile: file(path: $policyPath) { object { ${BLOB} } } } } }`;
const PAGE = `pageInfo { hasNextPage endCursor } totalCount`;
const REVIEW = `databaseId author { ${ACTOR} } state submittedAt authorCanPushToRepository commit { oid }`;
/**
 * Who put labels on and took them off (SPEC §2 signal 5 counts the label only when a human put it
 * on): the latest LABELED and UNLABELED events, newest last. UNLABELED events are asked for so that
 * a human's label taken off by a bot — an agent's app token can do that — still counts (issue 8
 * attacker pass: "labels removed by the agent"). `Actor.__typename` is `User` for a person, `Bot`
 * for an app (this one included) or Actions' GITHUB_TOKEN.
 */
const LABEL_EVENTS = `pageInfo { hasPreviousPage startCursor } nodes { __typename ... on LabeledEvent { actor { __typename login } label { name } } ... on UnlabeledEvent { actor { __typename login } label { name } } }`;

export const PULL_QUERY = /* GraphQL */ `
query AgentGatePull($owner: String!, $name: String!, $number: Int!, $policyPath: String!, $appId: Int!, $checkName: String!, $orgExpression: String!) {
  repository(owner: $owner, name: $name) {
    ${DEFAULT_BRANCH_POLICY}
    labels(first: 100, query: "agent") { nodes { name } }
    pullRequest(number: $number) {
      number title body state url changedFiles
      author { ${ACTOR} }
      headRefName headRefOid baseRefName baseRefOid
      labels(first: 100) { nodes { name } }
      commits(first: 100) { ${PAGE} nodes { commit { ${COMMIT} } } }
      files(first: 100) { ${PAGE} nodes { path changeType } }
      reviews(first: 100) { ${PAGE} nodes { ${REVIEW} } }
      labelEvents: timelineItems(last: 100, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) { ${LABEL_EVENTS} }
      head: commits(last: 1) {
        nodes {
          commit {
            oid
            # An "Update branch" merge is recognised from its parents, and the clicks stored in the approved
            # parent's check come along (approval.keep_on_update_merge): no extra request for either.
            parents(first: 2) {
              totalCount
              nodes {
                oid
                checkSuites(first: 10, filterBy: { appId: $appId }) {
                  nodes { checkRuns(first: 10, filterBy: { checkName: $checkName }) { nodes { databaseId text } } }
                }
              }
            }
            headPolicy: file(path: $policyPath) { object { ${BLOB} } }
            checkSuites(first: 10, filterBy: { appId: $appId }) {
              nodes { checkRuns(first: 10, filterBy: { checkName: $checkName }) { nodes { databaseId status conclusion title summary text } } }
            }
            associatedPullRequests(first: 100) { totalCount nodes { number state headRefOid } }
          }
        }
      }
    }
  }
  orgPolicy: repository(owner: $owner, name: ".github") {
    object(expression: $orgExpression) { ${BLOB} }
  }
}`;

export const COMMITS_PAGE_QUERY = /* GraphQL */ `
query AgentGateCommits($owner: String!, $name: String!, $number: Int!, $after: String!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) {
    commits(first: 100, after: $after) { ${PAGE} nodes { commit { ${COMMIT} } } }
  } }
}`;

export const FILES_PAGE_QUERY = /* GraphQL */ `
query AgentGateFiles($owner: String!, $name: String!, $number: Int!, $after: String!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) {
    files(first: 100, after: $after) { ${PAGE} nodes { path changeType } }
  } }
}`;

export const REVIEWS_PAGE_QUERY = /* GraphQL */ `
query AgentGateReviews($owner: String!, $name: String!, $number: Int!, $after: String!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) {
    reviews(first: 100, after: $after) { ${PAGE} nodes { ${REVIEW} } }
  } }
}`;

/** Older label events (only when the manual label is on the PR and its LABELED event is not in the first window). */
export const LABEL_EVENTS_PAGE_QUERY = /* GraphQL */ `
query AgentGateLabelEvents($owner: String!, $name: String!, $number: Int!, $before: String!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) {
    labelEvents: timelineItems(last: 100, before: $before, itemTypes: [LABELED_EVENT, UNLABELED_EVENT]) { ${LABEL_EVENTS} }
  } }
}`;

/** A file of another repository (policy `_extends`), on that repository's default branch. */
export const BLOB_QUERY = /* GraphQL */ `
query AgentGateBlob($owner: String!, $name: String!, $expression: String!) {
  repository(owner: $owner, name: $name) { object(expression: $expression) { ${BLOB} } }
}`;

/** The PRs of a merge queue (merge_group events), SPEC §5. */
export const MERGE_QUEUE_QUERY = /* GraphQL */ `
query AgentGateMergeQueue($owner: String!, $name: String!, $branch: String!) {
  repository(owner: $owner, name: $name) {
    mergeQueue(branch: $branch) {
      entries(first: 100) { nodes { position headCommit { oid } pullRequest { number headRefOid } } }
    }
  }
}`;

// ─── response shapes (only what the queries above select) ───

export interface GqlPage<T> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
  nodes: T[];
}
export interface GqlActor {
  __typename: string;
  login: string;
  databaseId?: number | null;
}
export interface GqlGitActor {
  name: string | null;
  email: string | null;
  user: { login: string; databaseId: number | null } | null;
}
export interface GqlCommit {
  oid: string;
  message: string;
  author: GqlGitActor | null;
  committer: GqlGitActor | null;
  /** GitHub's resolved author + co-authors (trailer e-mails mapped to accounts as GitHub does). */
  authors: { totalCount?: number; nodes: GqlGitActor[] };
}
export interface GqlBlob {
  __typename: string;
  text?: string | null;
  isTruncated?: boolean;
  oid?: string;
}
export interface GqlReview {
  /** GitHub numbers reviews in creation order: orders a review against Approve clicks (SPEC §4 latest action). */
  databaseId: number | null;
  author: GqlActor | null;
  state: string;
  submittedAt: string | null;
  authorCanPushToRepository: boolean;
  commit: { oid: string } | null;
}
export interface GqlFile {
  path: string;
  changeType: string;
}
export interface GqlLabelEvent {
  __typename: string;
  /** null for a deleted account ("ghost"). */
  actor?: { __typename: string; login: string } | null;
  label?: { name: string };
}
export interface GqlLabelEvents {
  pageInfo: { hasPreviousPage: boolean; startCursor: string | null };
  nodes: (GqlLabelEvent | null)[];
}
export interface GqlCheckRun {
  databaseId: number;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
}
export interface GqlPull {
  number: number;
  title: string;
  body: string;
  state: string;
  url: string;
  /** The true number of changed files (the listing stops at 3,000). Absent in old mocks. */
  changedFiles?: number;
  author: GqlActor | null;
  headRefName: string;
  headRefOid: string;
  baseRefName: string;
  baseRefOid: string;
  labels: { nodes: { name: string }[] };
  commits: GqlPage<{ commit: GqlCommit }>;
  files: GqlPage<GqlFile> | null;
  reviews: GqlPage<GqlReview> | null;
  labelEvents: GqlLabelEvents | null;
  head: {
    nodes: {
      commit: {
        oid: string;
        parents?: GqlParents | null;
        headPolicy: { object: GqlBlob | null } | null;
        checkSuites: { nodes: { checkRuns: { nodes: GqlCheckRun[] } | null }[] } | null;
        associatedPullRequests: { totalCount: number; nodes: { number: number; state: string; headRefOid: string }[] } | null;
      };
    }[];
  };
}
export interface GqlDefaultBranch {
  name: string;
  target: { __typename: string; oid?: string; policyFile?: { object: GqlBlob | null } | null } | null;
}
/** A commit's parents (first 2 and how many): a merge has 2. */
export interface GqlParents {
  totalCount: number;
  nodes: { oid: string; checkSuites?: { nodes: { checkRuns: { nodes: { databaseId: number; text: string | null }[] } | null }[] } | null }[];
}
export interface PullQueryResult {
  repository: {
    defaultBranchRef: GqlDefaultBranch | null;
    labels: { nodes: { name: string }[] } | null;
    pullRequest: GqlPull | null;
  } | null;
  orgPolicy: { object: GqlBlob | null } | null;
}

/** Only the policy blobs (direct pushes: no PR to read). */
export const POLICY_QUERY = /* GraphQL */ `
query AgentGatePolicy($owner: String!, $name: String!, $policyPath: String!, $orgExpression: String!) {
  repository(owner: $owner, name: $name) { ${DEFAULT_BRANCH_POLICY} }
  orgPolicy: repository(owner: $owner, name: ".github") { object(expression: $orgExpression) { ${BLOB} } }
}`;

export interface PolicyQueryResult {
  repository: { defaultBranchRef: GqlDefaultBranch | null } | null;
  orgPolicy: { object: GqlBlob | null } | null;
}

export interface MergeQueueResult {
  repository: {
    mergeQueue: {
      entries: { nodes: { position: number; headCommit: { oid: string } | null; pullRequest: { number: number; headRefOid: string } | null }[] } | null;
    } | null;
  } | null;
}
