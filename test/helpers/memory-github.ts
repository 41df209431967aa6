/**
 * A plain in-memory `Reader` and `Writer` (src/github/reader.ts) for flow tests: one repository held
 * as data — its policy, its pull requests as facts, the check runs per SHA, labels, teams, the merge
 * queue — and every write recorded. `memory.io()` goes into `AppState.io`, so the app's own flows
 * (src/app/flows/) run unchanged over it, without HTTP and without Octokit.
 *
 * It models what the flows rely on, not GitHub's API (that is the fake GitHub's job, test/fake-github/):
 * the reader returns what a test put in (twins are the other OPEN PRs at the same head; the run at the
 * head and the clicks stored in it come from what the writer wrote; a pending click counts at the head
 * it was made on, qualified by `permissions`), and the writer stores runs as GitHub shows them (one per
 * SHA, no write when unchanged, labels added once and not put back). Faults are injected per method.
 *
 * It lives in test/helpers/, not src/: nothing in the app may run on it, and the interfaces it
 * implements type-check it against what the GitHub implementation must provide.
 */
import { decodeButtonApprovals, type ButtonApproval } from "../../src/github/button-approvals.js";
import type { CommitFacts, HeadPolicyCheck, Permission, PolicyState, PullFacts, ApprovalFacts } from "../../src/engine/types.js";
import type { PullFallback, PullSnapshot } from "../../src/github/read-pull.js";
import type { CheckWriteRequest, LabelWriteRequest, OpenPull, PullReadOptions, Reader, RepoPolicyRead, Writer } from "../../src/github/reader.js";
import type { ExistingCheck } from "../../src/github/refs.js";
import { checkUnchanged, type CheckRunOutput } from "../../src/github/write-check.js";
import type { AppIo } from "../../src/app/runtime/io.js";

export interface MemoryPull {
  facts: PullFacts;
  /** OPEN (default), CLOSED or MERGED. */
  state?: string;
  /** Reviews as the GitHub reader would have qualified them. */
  approvals?: ApprovalFacts[];
  /** Every label on the PR (default: `facts.labels`). */
  labels?: string[];
  labelsTakenOff?: string[];
  headPolicy?: HeadPolicyCheck;
  headPolicyText?: string;
}

export type MemoryWrite =
  | ({ kind: "check"; sha: string; created: boolean; detailsUrl: string | null } & CheckRunOutput)
  | { kind: "labels"; number: number; added: string[] }
  | { kind: "review-request"; number: number; users: string[]; teams: string[] };

/** Methods a test can make fail (the error is thrown where the real one would throw or the reader would fail closed). */
export type MemoryFault = "open" | "pull" | "compare" | "openPulls" | "teamMembers" | "findRun" | "check" | "labels" | "requestReviewers";

export class MemoryGitHub {
  readonly owner: string;
  readonly name: string;
  /** The default branch GitHub names now (the payload's may be stale). */
  defaultBranch = "main";
  policy: PolicyState;
  readonly pulls = new Map<number, MemoryPull>();
  /** The app's `agent-gate` run per SHA, as GitHub shows it. */
  readonly runs = new Map<string, ExistingCheck>();
  /** The repository's agent labels (lower-cased), null = unknown to the reader. */
  repoLabels: string[] | null = [];
  /** Permission of each person (lower-case login) on the repository: qualifies Approve clicks. */
  readonly permissions = new Map<string, Permission>();
  /** `before...after` → the commits of a push (the compare API). */
  readonly compare = new Map<string, CommitFacts[]>();
  /** The merge queue per base branch: entries in queue order; a string: why it cannot be read. */
  readonly mergeQueues = new Map<string, { position: number; headSha: string; number: number | null }[] | string>();
  readonly teams = new Map<string, string[]>();
  readonly collaborators = new Set<string>();
  readonly teamsWithAccess = new Set<string>();
  readonly faults = new Map<MemoryFault, Error>();
  /** Everything written, in order. */
  readonly writes: MemoryWrite[] = [];
  /** Every read, in order ("pull #7", "policy", …): what a flow asked for. */
  readonly reads: string[] = [];
  private nextRunId = 1;

  constructor(options: { repo?: string; policy: PolicyState }) {
    const [owner = "acme", name = "api"] = (options.repo ?? "acme/api").split("/");
    this.owner = owner;
    this.name = name;
    this.policy = options.policy;
  }

  get repoContext(): { owner: string; repo: string; defaultBranch: string } {
    return { owner: this.owner, repo: this.name, defaultBranch: this.defaultBranch };
  }

  addPull(pull: MemoryPull): PullFacts {
    this.pulls.set(pull.facts.number!, pull);
    return pull.facts;
  }

  /** The check writes, in order. */
  get checkWrites(): Extract<MemoryWrite, { kind: "check" }>[] {
    return this.writes.filter((w): w is Extract<MemoryWrite, { kind: "check" }> => w.kind === "check");
  }

  reader(): Reader {
    return new MemoryReader(this);
  }

  writer(): Writer {
    return new MemoryWriter(this);
  }

  /** For `AppState.io`: every piece of work reads and writes this repository. */
  io(): AppIo {
    const check = (repo: { owner: string; repo: string }) => {
      if (repo.owner !== this.owner || repo.repo !== this.name) throw new Error(`memory GitHub holds ${this.owner}/${this.name}, not ${repo.owner}/${repo.repo}`);
    };
    return {
      open: (_app, { repo }) => {
        check(repo);
        this.guard("open");
        return Promise.resolve({ reader: this.reader(), writer: this.writer() });
      },
      writer: (_app, { repo }) => {
        check(repo);
        return this.writer();
      },
    };
  }

  /** Throws the fault a test injected for this method, if any (used by the reader and the writer). */
  guard(name: MemoryFault): void {
    const error = this.faults.get(name);
    if (error) throw error;
  }

  /** The id of a new run (GitHub numbers them). */
  newRunId(): number {
    return this.nextRunId++;
  }
}

class MemoryReader implements Reader {
  constructor(private readonly gh: MemoryGitHub) {}

  pull(number: number, fallback: PullFallback, options: PullReadOptions = {}): Promise<PullSnapshot> {
    const gh = this.gh;
    gh.reads.push(`pull #${number}`);
    gh.guard("pull");
    const stored = gh.pulls.get(number);
    if (!stored) return Promise.resolve(notFound(gh, number, fallback));
    const facts = structuredClone(stored.facts);
    const headSha = facts.headSha;
    const check = gh.runs.get(headSha) ?? null;
    const same = (a: ButtonApproval, b: ButtonApproval) => a.login.toLowerCase() === b.login.toLowerCase();
    const pending = options.pendingClicks?.sha === headSha ? options.pendingClicks.clicks : [];
    const buttonApprovals = [...decodeButtonApprovals(check?.text, headSha).filter((s) => !pending.some((p) => same(s, p))), ...pending];
    const clicks: ApprovalFacts[] = buttonApprovals.map((b) => ({
      account: { login: b.login, id: b.id, type: b.type },
      source: "button",
      commitSha: headSha,
      permission: gh.permissions.get(b.login.toLowerCase()) ?? "none",
      teams: [],
    }));
    const twins = [...gh.pulls.values()].filter((p) => (p.state ?? "OPEN") === "OPEN" && p.facts.headSha === headSha && p.facts.number !== number).map((p) => p.facts.number!);
    return Promise.resolve({
      facts,
      state: stored.state ?? "OPEN",
      url: `https://github.com/${gh.owner}/${gh.name}/pull/${number}`,
      approvals: [...structuredClone(stored.approvals ?? []), ...clicks],
      buttonApprovals,
      check: check ? { ...check } : null,
      policy: options.policyOverride ?? gh.policy,
      ...(stored.headPolicy ? { headPolicy: stored.headPolicy } : {}),
      ...(stored.headPolicyText !== undefined ? { headPolicyText: stored.headPolicyText } : {}),
      twins,
      repoLabels: gh.repoLabels ? [...gh.repoLabels] : null,
      labels: [...(stored.labels ?? facts.labels)],
      labelsTakenOff: [...(stored.labelsTakenOff ?? [])],
    });
  }

  fresh(): Reader {
    return new MemoryReader(this.gh);
  }

  repoPolicy(_defaultBranch: string): Promise<RepoPolicyRead> {
    this.gh.reads.push("policy");
    return Promise.resolve({ policy: this.gh.policy, defaultBranch: this.gh.defaultBranch });
  }

  compareCommits(before: string, after: string): Promise<CommitFacts[]> {
    this.gh.reads.push(`compare ${before.slice(0, 7)}...${after.slice(0, 7)}`);
    this.gh.guard("compare");
    const commits = this.gh.compare.get(`${before}...${after}`);
    if (!commits) return Promise.reject(Object.assign(new Error("Not Found"), { status: 404 }));
    return Promise.resolve(structuredClone(commits));
  }

  mergeGroupPulls(baseRef: string, headSha: string): Promise<number[] | string> {
    this.gh.reads.push(`merge queue ${baseRef}`);
    const queue = this.gh.mergeQueues.get(baseRef) ?? [];
    if (typeof queue === "string") return Promise.resolve(queue);
    const mine = queue.filter((e) => e.headSha === headSha).sort((a, b) => b.position - a.position)[0];
    if (!mine) return Promise.resolve(`The merge queue of ${baseRef} has no entry for the group commit ${headSha.slice(0, 7)}.`);
    const pulls = queue.filter((e) => e.position <= mine.position).map((e) => e.number);
    if (pulls.some((n) => n === null)) return Promise.resolve(`A merge queue entry of ${baseRef} has no readable pull request.`);
    return Promise.resolve(pulls as number[]);
  }

  openPulls(limit: number): Promise<OpenPull[]> {
    this.gh.reads.push("open pulls");
    this.gh.guard("openPulls");
    const open = [...this.gh.pulls.values()].filter((p) => (p.state ?? "OPEN") === "OPEN").slice(0, limit);
    return Promise.resolve(
      open.map(({ facts: f }) => ({ number: f.number!, title: f.title, body: f.body, headRef: f.headRef, headSha: f.headSha, baseRef: f.baseRef, url: `https://github.com/${this.gh.owner}/${this.gh.name}/pull/${f.number}` })),
    );
  }

  teamMembers(slug: string, limit: number): Promise<string[]> {
    this.gh.reads.push(`team ${slug}`);
    this.gh.guard("teamMembers");
    return Promise.resolve((this.gh.teams.get(slug.toLowerCase()) ?? []).slice(0, limit));
  }

  isCollaborator(login: string): Promise<boolean> {
    return Promise.resolve(this.gh.collaborators.has(login.toLowerCase()));
  }

  teamHasAccess(slug: string): Promise<boolean> {
    return Promise.resolve(this.gh.teamsWithAccess.has(slug.toLowerCase()));
  }
}

/** What the GitHub reader answers for a PR it cannot find: the payload's facts, unverified, an unreadable policy. */
function notFound(gh: MemoryGitHub, number: number, fb: PullFallback): PullSnapshot {
  const reason = `Pull request #${number} was not found by the GitHub API.`;
  return {
    facts: { repository: `${gh.owner}/${gh.name}`, number, title: fb.title, body: fb.body ?? "", author: fb.author, headRef: fb.headRef, headSha: fb.headSha, baseRef: fb.baseRef, labels: fb.labels, commits: [], files: [], unverified: [reason] },
    state: fb.state,
    url: fb.url,
    approvals: [],
    buttonApprovals: [],
    check: undefined,
    policy: { status: "unreadable", reason, source: { kind: "repository", description: `${gh.owner}/${gh.name}` } },
    twins: [],
    repoLabels: null,
    labels: fb.labels,
    labelsTakenOff: [],
  };
}

class MemoryWriter implements Writer {
  constructor(private readonly gh: MemoryGitHub) {}

  findRun(sha: string): Promise<ExistingCheck | null> {
    this.gh.reads.push(`run ${sha.slice(0, 7)}`);
    this.gh.guard("findRun");
    const run = this.gh.runs.get(sha);
    return Promise.resolve(run ? { ...run } : null);
  }

  check({ sha, existing, output, detailsUrl }: CheckWriteRequest): Promise<boolean> {
    this.gh.guard("check");
    // As the GitHub writer: unknown (undefined) means "look it up"; one run per SHA, PATCHed in place.
    const found = existing === undefined ? (this.gh.runs.get(sha) ?? null) : existing;
    if (found && checkUnchanged(found, output)) return Promise.resolve(false);
    const id = found?.id ?? this.gh.newRunId();
    this.gh.runs.set(sha, { id, status: "completed", conclusion: output.conclusion, title: output.title, summary: output.summary, text: output.text });
    this.gh.writes.push({ kind: "check", sha, created: !found, detailsUrl, ...output });
    return Promise.resolve(true);
  }

  labels({ number, wanted, onPull, takenOff = [] }: LabelWriteRequest): Promise<string[]> {
    this.gh.guard("labels");
    const skip = new Set([...onPull.map((l) => l.toLowerCase()), ...takenOff]);
    const added = wanted.filter((l) => !skip.has(l.name.toLowerCase())).map((l) => l.name);
    if (added.length === 0) return Promise.resolve([]);
    const pull = this.gh.pulls.get(number);
    if (pull) pull.labels = [...(pull.labels ?? pull.facts.labels), ...added];
    this.gh.writes.push({ kind: "labels", number, added });
    return Promise.resolve(added);
  }

  requestReviewers(number: number, users: readonly string[], teams: readonly string[]): Promise<void> {
    this.gh.guard("requestReviewers");
    this.gh.writes.push({ kind: "review-request", number, users: [...users], teams: [...teams] });
    return Promise.resolve();
  }
}
