/**
 * The ONE writer of checks and labels (the flows reach it through the `Writer` interface, reader.ts).
 *
 * Check runs: one `agent-gate` run per head SHA (SPEC §1), created when none exists and updated in
 * place (PATCH) after that, never a second one. A write is skipped when the run already says the
 * same (SPEC §8: GitHub's write quotas are tighter than its read quotas). Only the app that created a
 * run can update it ("Update a check run" REST docs), which is why Approve clicks are stored in it.
 *
 * Labels: added once, only when missing from the PR, and created in the repository (with colour and
 * description) only when missing there. They are never removed automatically, and one somebody took
 * off is not put back: a label a human put on or took off stays their decision (the gate does not
 * depend on our label: the app's own label is never the manual signal), and a detection that later
 * stops firing (e.g. the agent's commits were squashed away) should not silently un-mark a PR.
 */
import type { Conclusion } from "../engine/types.js";
import type { LabelSpec } from "../engine/decide/labels.js";
import type { CheckOutput } from "../engine/render/check.js";
import type { CheckAnnotation } from "../engine/render/guard.js";
import type { RepoRef, ExistingCheck } from "./refs.js";
import { APPROVE_ACTION, CHECK_NAME } from "../engine/names.js";
import type { GitHub } from "./client.js";


/** What one check write sends: the rendered output (engine/render/check.ts) and its conclusion. */
export interface CheckRunOutput extends CheckOutput {
  conclusion: Conclusion;
  /**
   * Line annotations (issue 11 §2: workflow escalations), at most 50 (GitHub's limit per request).
   * GitHub APPENDS the annotations of every update to the run's list, so they are sent only when the
   * run does not already carry them: `annotationsKey` is a marker in the summary saying which set it has.
   */
  annotations?: CheckAnnotation[];
  annotationsKey?: string;
}

/** The annotations to send with this write: none when the existing run already has this set. */
function annotationsFor(existing: ExistingCheck | null, out: CheckRunOutput): { annotations?: CheckAnnotation[] } {
  if (!out.annotations || out.annotations.length === 0) return {};
  if (existing && out.annotationsKey && (existing.summary ?? "").includes(out.annotationsKey)) return {};
  return { annotations: out.annotations.slice(0, 50) };
}

export const CREATED_RUNS_MAX = 10_000;

/**
 * Run ids this process created, per repository + SHA, so an evaluation that read "no run" (GitHub's
 * read can lag its write) updates the one just created instead of creating a second one. Explicit
 * state: the app's AppState owns one and passes it to every check write. Bounded, oldest out.
 */
export class CreatedRuns {
  private readonly ids = new Map<string, number>();

  constructor(private readonly max = CREATED_RUNS_MAX) {}

  private static key(repo: RepoRef, sha: string): string {
    return `${repo.owner}/${repo.repo}@${sha}`;
  }

  get(repo: RepoRef, sha: string): number | undefined {
    return this.ids.get(CreatedRuns.key(repo, sha));
  }

  remember(repo: RepoRef, sha: string, id: number): void {
    if (this.ids.size >= this.max) this.ids.delete(this.ids.keys().next().value!);
    this.ids.set(CreatedRuns.key(repo, sha), id);
  }

  get size(): number {
    return this.ids.size;
  }
}

/**
 * The existing run when the read could not say (read failure): a direct look-up, so a failing read
 * never piles up runs on the SHA.
 */
export async function findRun(gh: GitHub, repo: RepoRef, sha: string, appId: number): Promise<ExistingCheck | null> {
  const { data } = await gh.rest.checks.listForRef({ owner: repo.owner, repo: repo.repo, ref: sha, check_name: CHECK_NAME, app_id: appId, filter: "latest", per_page: 10 });
  const run = data.check_runs.sort((a, b) => b.id - a.id)[0];
  return run
    ? { id: run.id, status: run.status, conclusion: run.conclusion, title: run.output.title, summary: run.output.summary, text: run.output.text }
    : null;
}

export interface CheckWrite {
  /** The event's Octokit (writes are spaced per installation). */
  gh: GitHub;
  repo: RepoRef;
  sha: string;
  /** The run as read: null = none on the SHA; undefined = the read could not say (looked up first). */
  existing: ExistingCheck | null | undefined;
  appId: number;
  output: CheckRunOutput;
  /** The check's "Details" link (the PR), or null for none. */
  detailsUrl: string | null;
  /** The runs this process created (the app's, in AppState). */
  runs: CreatedRuns;
}

/**
 * Write the outcome on the SHA's one run: PATCH it in place when it exists (nothing when unchanged),
 * else create it already completed. Creating it `in_progress` first and completing it after would cost
 * a second write on every new head SHA, breaking SPEC §8's budget (one read + one write per
 * evaluation); the evaluation takes one read, so there is no long "pending" period worth showing.
 * `existing` undefined = the read could not say: the run is looked up first, so a failing read never
 * piles up runs on the SHA. Returns whether it wrote.
 */
export async function writeCheck(write: CheckWrite): Promise<boolean> {
  const { gh, repo, sha, existing, appId, output: out, detailsUrl, runs } = write;
  const found = existing === undefined ? await findRun(gh, repo, sha, appId) : existing;
  const known = runs.get(repo, sha);
  const run = found ?? (known !== undefined ? { id: known, status: "unknown", conclusion: null, title: null, summary: null, text: null } : null);
  if (run) return completeCheck(gh, repo, run, out, detailsUrl);
  const { data } = await gh.rest.checks.create({
    owner: repo.owner,
    repo: repo.repo,
    name: CHECK_NAME,
    head_sha: sha,
    status: "completed",
    conclusion: out.conclusion,
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
    output: { title: out.title, summary: out.summary, text: out.text, ...annotationsFor(null, out) },
    ...(out.conclusion === "action_required" ? { actions: [{ ...APPROVE_ACTION }] } : {}),
  });
  runs.remember(repo, sha, data.id);
  return true;
}

/** True when the run already shows exactly this outcome. */
export function checkUnchanged(existing: ExistingCheck | null | undefined, out: CheckRunOutput): boolean {
  return (
    !!existing &&
    existing.status.toLowerCase() === "completed" &&
    existing.conclusion?.toLowerCase() === out.conclusion &&
    (existing.title ?? "") === out.title &&
    (existing.summary ?? "") === out.summary &&
    (existing.text ?? "") === out.text
  );
}

/** Complete the run in place (no request when nothing changed). Returns whether it wrote. */
export async function completeCheck(gh: GitHub, repo: RepoRef, run: ExistingCheck, out: CheckRunOutput, detailsUrl: string | null): Promise<boolean> {
  if (checkUnchanged(run, out)) return false;
  await gh.rest.checks.update({
    owner: repo.owner,
    repo: repo.repo,
    check_run_id: run.id,
    status: "completed",
    conclusion: out.conclusion,
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
    output: { title: out.title, summary: out.summary, text: out.text, ...annotationsFor(run, out) },
    // An empty list removes the button once approval is no longer needed (REST "Update a check run": actions).
    actions: out.conclusion === "action_required" ? [{ ...APPROVE_ACTION }] : [],
  });
  return true;
}

// ─── labels ───

/**
 * Add the labels missing from the PR (one request), creating first those missing from the repository.
 * Returns the names added.
 */
export interface LabelWrite {
  /** The event's Octokit (writes are spaced per installation). */
  gh: GitHub;
  repo: RepoRef;
  /** The pull request (an issue number to the labels API). */
  number: number;
  /** The labels the engine planned (engine/decide/labels.ts). */
  wanted: readonly LabelSpec[];
  /** Every label on the PR now. */
  onPull: readonly string[];
  /** The repository's agent labels, lower-cased; null = unknown (create, 422 "already_exists" is fine). */
  repoLabels: readonly string[] | null;
  /** Labels (lower-cased) somebody took off this PR: never put back. */
  takenOff?: readonly string[];
}

export async function addLabels(write: LabelWrite): Promise<string[]> {
  const { gh, repo, number, wanted, onPull, repoLabels, takenOff = [] } = write;
  const skip = new Set([...onPull.map((l) => l.toLowerCase()), ...takenOff]);
  const missing = wanted.filter((l) => !skip.has(l.name.toLowerCase()));
  if (missing.length === 0) return [];
  const inRepo = repoLabels ? new Set(repoLabels) : null;
  for (const label of missing) {
    if (inRepo?.has(label.name.toLowerCase())) continue;
    try {
      await gh.rest.issues.createLabel({ owner: repo.owner, repo: repo.repo, name: label.name, color: label.color, description: label.description });
    } catch (error) {
      if ((error as { status?: number }).status !== 422) throw error;
    }
  }
  await gh.rest.issues.addLabels({ owner: repo.owner, repo: repo.repo, issue_number: number, labels: missing.map((l) => l.name) });
  return missing.map((l) => l.name);
}
