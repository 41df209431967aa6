/**
 * The vocabulary the reader and the writer share: which repository, which pull request, and the
 * app's `agent-gate` run as GitHub last showed it. Its own module so that the writer
 * (write-check.ts) does not import the reader.
 */

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface PullTarget extends RepoRef {
  number: number;
  /**
   * From the webhook payload (`repository.default_branch`): only a fallback for messages when the PR
   * cannot be read. Where the policy is read comes from GitHub's `defaultBranchRef` in the same read
   * (issue 8 point 15: a redelivered old payload may name a branch that is no longer the default).
   */
  defaultBranch: string;
  /** This app's id: only its own check suite is ours. */
  appId: number;
}

/** The app's `agent-gate` run on the head SHA, as last written. */
export interface ExistingCheck {
  id: number;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
}
