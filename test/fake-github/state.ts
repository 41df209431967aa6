/**
 * The fake's world: a small, explicit model of the GitHub objects agent-gate reads and writes.
 * Tests arrange it with the builder methods and assert on it afterwards. Everything is
 * deterministic (ids count up, shas are sha1 of a counter, the clock ticks one second per event)
 * so that two runs of a test see the same ids and timestamps.
 */
import { createHash } from "node:crypto";

export type AccountType = "User" | "Bot" | "Organization";
export type Permission = "none" | "read" | "triage" | "write" | "maintain" | "admin";
export const PERMISSION_ORDER: readonly Permission[] = ["none", "read", "triage", "write", "maintain", "admin"];
export type ReviewStateName = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
export type CheckStatus = "queued" | "in_progress" | "completed";
export type CheckConclusion =
  | "action_required"
  | "cancelled"
  | "failure"
  | "neutral"
  | "success"
  | "skipped"
  | "stale"
  | "timed_out";

export interface UserState {
  login: string;
  id: number;
  type: AccountType;
  name: string;
  email: string;
}

export interface TeamState {
  id: number;
  org: string;
  slug: string;
  name: string;
  /** Member logins as given (compare case-insensitively). */
  members: string[];
  maintainers: string[];
  /**
   * Repositories the team has access to (lower-case full names). Undefined: every repository of its
   * organization — the fake's shortcut for tests that do not care; GitHub gives a team access to a
   * repository only when someone adds it.
   */
  repos?: Set<string>;
}

export interface OrgState {
  login: string;
  id: number;
  teams: Map<string, TeamState>;
  /** Organisation members (every team member is one). */
  members: Set<string>;
}

export interface Installation {
  id: number;
  appId: number;
  /** Login of the account the app is installed on. */
  account: string;
  /**
   * "all": every repository of the account; "selected": only those in `repositories` (lower-case
   * full names). GitHub's installation tokens reach only the installation's repositories and answer
   * 404 / NOT_FOUND for the others exactly as for a missing one.
   */
  repositorySelection?: "all" | "selected";
  repositories?: Set<string>;
}

export interface Identity {
  name: string;
  email: string;
  /** The GitHub account GitHub associates with this identity (null when the email is unknown). */
  login: string | null;
}

export interface CommitState {
  sha: string;
  message: string;
  author: Identity;
  committer: Identity;
  authoredAt: string;
  committedAt: string;
  parents: string[];
  /** Full snapshot of the repository at this commit: path → text. */
  tree: Map<string, string>;
  /** Renames made by this commit: new path → old path. */
  renames: Map<string, string>;
  /** Co-author identities from `Co-authored-by:` trailers (GitHub derives `Commit.authors` from them). */
  coAuthors: Identity[];
}

export interface LabelState {
  id: number;
  name: string;
  color: string;
  description: string | null;
  isDefault: boolean;
}

/** A `LabeledEvent` / `UnlabeledEvent` of a PR's timeline: who put a label on or took it off. */
export interface LabelEventState {
  id: number;
  type: "labeled" | "unlabeled";
  /** The label's name as it was applied. */
  label: string;
  /** Login of the account that did it (a user, or an app's bot for writes with an installation token). */
  actor: string;
  createdAt: string;
}

export interface ReviewState {
  id: number;
  user: string;
  state: ReviewStateName;
  commitId: string;
  submittedAt: string;
  body: string;
}

export interface PullState {
  id: number;
  number: number;
  repo: string;
  author: string;
  title: string;
  body: string;
  state: "open" | "closed";
  merged: boolean;
  draft: boolean;
  headRef: string;
  headSha: string;
  /** "owner/name" of the head repository (a fork when it differs from `repo`). */
  headRepo: string;
  baseRef: string;
  baseSha: string;
  /** Label names (a set, compared case-insensitively, kept in insertion order). */
  labels: string[];
  /** Every label added or removed, oldest first (GitHub's timeline: only real changes make an event). */
  labelEvents: LabelEventState[];
  /** Commit shas in order, oldest first. */
  commits: string[];
  reviews: ReviewState[];
  /** Pending review requests (REST `requested_reviewers`): user logins and team slugs, in request order. */
  requestedReviewers: string[];
  requestedTeams: string[];
  createdAt: string;
  updatedAt: string;
}

export interface CheckRunOutput {
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations: Record<string, unknown>[];
}

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunHistoryEntry {
  op: "create" | "update";
  at: string;
  /** The request body as received. */
  body: Record<string, unknown>;
}

export interface CheckRunState {
  id: number;
  appId: number;
  repo: string;
  headSha: string;
  name: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  startedAt: string;
  completedAt: string | null;
  output: CheckRunOutput;
  actions: CheckRunAction[];
  detailsUrl: string | null;
  externalId: string | null;
  checkSuiteId: number;
  history: CheckRunHistoryEntry[];
}

export interface CheckSuiteState {
  id: number;
  appId: number;
  repo: string;
  headSha: string;
  headBranch: string | null;
}

export interface MergeGroupState {
  repo: string;
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
  pulls: number[];
}

export interface RepoState {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  branches: Map<string, string>;
  commits: Map<string, CommitState>;
  /** Keyed by lower-cased name: GitHub label names are case-insensitive. */
  labels: Map<string, LabelState>;
  /** Keyed by lower-cased login. */
  collaborators: Map<string, Permission>;
  pulls: Map<number, PullState>;
  nextIssueNumber: number;
  /** Merge queue entries per base branch, in queue order. */
  mergeQueue: Map<string, number[]>;
  mergeGroups: MergeGroupState[];
  createdAt: string;
}

export type IdentityInput = string | { name: string; email: string; login?: string | null };

export interface CommitInput {
  message?: string;
  author?: IdentityInput;
  committer?: IdentityInput;
  /** Appended to the message as `Co-authored-by:` trailers. */
  coAuthors?: IdentityInput[];
  /** path → new text, or null to delete. */
  files?: Record<string, string | null>;
  /** old path → new path (the content moves unless `files` sets the new path). */
  renames?: Record<string, string>;
}

export interface PullInput {
  number?: number;
  author?: string;
  title?: string;
  body?: string;
  head?: string;
  base?: string;
  draft?: boolean;
  labels?: string[];
  /** "owner/name" of a fork to open the PR from. */
  headRepo?: string;
  commits?: CommitInput[];
  /** Shorthand for one commit by the author changing these files. */
  files?: Record<string, string | null>;
  state?: "open" | "closed";
}

export interface PullFileState {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed";
  previousFilename: string | null;
  additions: number;
  deletions: number;
  /** Blob sha of the new content (null when removed). */
  sha: string | null;
}

export const EPOCH = Date.UTC(2024, 0, 1, 0, 0, 0);

function lower(s: string): string {
  return s.toLowerCase();
}

const blobShaCache = new Map<string, string>();

/** Git's blob id: sha1("blob <len>\0<content>") (memoised: the same texts are hashed on every read). */
export function blobSha(text: string): string {
  const hit = blobShaCache.get(text);
  if (hit) return hit;
  const buf = Buffer.from(text, "utf8");
  const sha = createHash("sha1").update(`blob ${buf.length}\0`).update(buf).digest("hex");
  if (blobShaCache.size > 50_000) blobShaCache.clear();
  blobShaCache.set(text, sha);
  return sha;
}

function countLines(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

/** Lines added/deleted between two texts, by multiset difference (good enough for counts). */
function lineDelta(before: string, after: string): { additions: number; deletions: number } {
  const count = new Map<string, number>();
  const a = before === "" ? [] : before.replace(/\n$/, "").split("\n");
  const b = after === "" ? [] : after.replace(/\n$/, "").split("\n");
  for (const l of a) count.set(l, (count.get(l) ?? 0) + 1);
  let additions = 0;
  for (const l of b) {
    const c = count.get(l) ?? 0;
    if (c > 0) count.set(l, c - 1);
    else additions++;
  }
  let deletions = 0;
  for (const c of count.values()) deletions += c;
  return { additions, deletions };
}

/** A webhook delivery as GitHub records it for the app (`GET /app/hook/deliveries`). */
export interface HookDeliveryState {
  id: number;
  guid: string;
  /** Wall-clock time (GitHub's real delivery time), ISO 8601. */
  deliveredAt: string;
  redelivery: boolean;
  duration: number;
  status: string;
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  payload: Record<string, unknown>;
}

export class World {
  /** Webhook deliveries recorded with `recordDelivery`, oldest first. */
  readonly hookDeliveries: HookDeliveryState[] = [];
  readonly users = new Map<string, UserState>();
  readonly orgs = new Map<string, OrgState>();
  readonly repos = new Map<string, RepoState>();
  readonly installations = new Map<string, Installation>();
  readonly checkRunsById = new Map<number, CheckRunState>();
  readonly checkSuites: CheckSuiteState[] = [];
  /** The app the fake serves (check runs it creates carry this id). */
  appId: number;
  appSlug = "agent-gate";

  private idCounter = 100_000;
  private shaCounter = 0;
  private clock = EPOCH;

  constructor(appId = 1) {
    this.appId = appId;
  }

  nextId(): number {
    return ++this.idCounter;
  }

  /**
   * Record a delivery the way GitHub does once it has its answer: `statusCode` is what the app
   * answered (0 when the connection failed: "failed to connect"). GitHub counts 2xx as delivered.
   */
  recordDelivery(input: { guid: string; event: string; payload: Record<string, unknown>; statusCode: number; redelivery?: boolean; deliveredAt?: string }): HookDeliveryState {
    const p = input.payload as { action?: unknown; installation?: { id?: unknown } | null; repository?: { id?: unknown } | null };
    const ok = input.statusCode >= 200 && input.statusCode < 300;
    const d: HookDeliveryState = {
      id: this.nextId(),
      guid: input.guid,
      deliveredAt: input.deliveredAt ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      redelivery: input.redelivery ?? false,
      duration: 0.05,
      status: ok ? "OK" : input.statusCode === 0 ? "failed to connect" : `Invalid HTTP Response: ${input.statusCode}`,
      statusCode: input.statusCode,
      event: input.event,
      action: typeof p.action === "string" ? p.action : null,
      installationId: typeof p.installation?.id === "number" ? p.installation.id : null,
      repositoryId: typeof p.repository?.id === "number" ? p.repository.id : null,
      payload: input.payload,
    };
    this.hookDeliveries.push(d);
    return d;
  }

  /** Advances the deterministic clock by one second and returns the new time (ISO 8601, no millis). */
  tick(): string {
    this.clock += 1000;
    return this.now();
  }

  now(): string {
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  newSha(seed: string): string {
    return createHash("sha1").update(`${++this.shaCounter}:${seed}`).digest("hex");
  }

  // ───────────── accounts ─────────────

  addUser(login: string, opts: { type?: AccountType; id?: number; name?: string; email?: string } = {}): UserState {
    const existing = this.users.get(lower(login));
    if (existing) {
      Object.assign(existing, {
        ...(opts.type ? { type: opts.type } : {}),
        ...(opts.id ? { id: opts.id } : {}),
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.email ? { email: opts.email } : {}),
      });
      return existing;
    }
    const id = opts.id ?? this.nextId();
    const type: AccountType = opts.type ?? (login.endsWith("[bot]") ? "Bot" : "User");
    const user: UserState = {
      login,
      id,
      type,
      name: opts.name ?? login.replace(/\[bot\]$/, ""),
      // GitHub's noreply address format for accounts that keep their email private.
      email: opts.email ?? `${id}+${login}@users.noreply.github.com`,
    };
    this.users.set(lower(login), user);
    return user;
  }

  user(login: string): UserState | undefined {
    return this.users.get(lower(login));
  }

  /** The user, created with defaults when unknown. */
  ensureUser(login: string): UserState {
    return this.user(login) ?? this.addUser(login);
  }

  userByEmail(email: string): UserState | undefined {
    const e = lower(email);
    for (const u of this.users.values()) if (lower(u.email) === e) return u;
    return undefined;
  }

  addOrg(login: string): OrgState {
    const existing = this.orgs.get(lower(login));
    if (existing) return existing;
    const user = this.addUser(login, { type: "Organization" });
    const org: OrgState = { login, id: user.id, teams: new Map(), members: new Set() };
    this.orgs.set(lower(login), org);
    return org;
  }

  org(login: string): OrgState | undefined {
    return this.orgs.get(lower(login));
  }

  /** `addTeam("acme/platform", ["alice"])` — creates the org and the users as needed. */
  addTeam(orgSlash: string, members: string[] = [], opts: { name?: string; maintainers?: string[]; repos?: string[] } = {}): TeamState {
    const [orgLogin, slug] = splitSlash(orgSlash, "org/team-slug");
    const org = this.addOrg(orgLogin);
    let team = org.teams.get(lower(slug));
    if (!team) {
      team = { id: this.nextId(), org: org.login, slug, name: opts.name ?? slug, members: [], maintainers: [] };
      org.teams.set(lower(slug), team);
    }
    for (const m of [...members, ...(opts.maintainers ?? [])]) this.addTeamMember(orgSlash, m);
    for (const m of opts.maintainers ?? []) if (!team.maintainers.some((x) => lower(x) === lower(m))) team.maintainers.push(m);
    if (opts.repos) team.repos = new Set(opts.repos.map(lower));
    return team;
  }

  /** Whether the team can see the repository (its access, see `TeamState.repos`). */
  teamHasRepo(team: TeamState, fullName: string): boolean {
    if (!team.repos) return lower(fullName.split("/")[0] ?? "") === lower(team.org);
    return team.repos.has(lower(fullName));
  }

  addTeamMember(orgSlash: string, login: string): void {
    const [orgLogin, slug] = splitSlash(orgSlash, "org/team-slug");
    const team = this.org(orgLogin)?.teams.get(lower(slug)) ?? this.addTeam(orgSlash);
    this.ensureUser(login);
    if (!team.members.some((m) => lower(m) === lower(login))) team.members.push(login);
    this.org(orgLogin)?.members.add(lower(login));
  }

  removeTeamMember(orgSlash: string, login: string): void {
    const [orgLogin, slug] = splitSlash(orgSlash, "org/team-slug");
    const team = this.org(orgLogin)?.teams.get(lower(slug));
    if (team) team.members = team.members.filter((m) => lower(m) !== lower(login));
  }

  /** The content of the blob `oid` in any commit of the repository (GitHub's object store), if any. */
  blobByOid(fullName: string, oid: string): string | undefined {
    for (const c of this.repo(fullName).commits.values()) for (const text of c.tree.values()) if (blobSha(text) === oid) return text;
    return undefined;
  }

  team(orgLogin: string, slug: string): TeamState | undefined {
    return this.org(orgLogin)?.teams.get(lower(slug));
  }

  /** The app's installation on an account (one per owner, created on first use). */
  installationFor(owner: string): Installation {
    let inst = this.installations.get(lower(owner));
    if (!inst) {
      inst = { id: this.nextId(), appId: this.appId, account: owner };
      this.installations.set(lower(owner), inst);
    }
    return inst;
  }

  /** The repositories of an owner, in creation order. */
  reposOf(owner: string): RepoState[] {
    return [...this.repos.values()].filter((r) => lower(r.owner) === lower(owner));
  }

  /** Restrict the owner's installation to these repositories (names or full names). */
  selectRepositories(owner: string, names: string[]): void {
    const inst = this.installationFor(owner);
    inst.repositorySelection = "selected";
    inst.repositories = new Set(names.map((n) => lower(n.includes("/") ? n : `${owner}/${n}`)));
  }

  /** Whether a token of the installation `installationId` (account `account`) reaches `repo`. */
  installationReaches(installationId: number, account: string, repo: RepoState): boolean {
    if (lower(account) !== lower(repo.owner)) return false;
    const inst = this.installationById(installationId);
    if (inst?.repositorySelection !== "selected") return true;
    return inst.repositories?.has(lower(repo.fullName)) ?? false;
  }

  installationById(id: number): Installation | undefined {
    for (const i of this.installations.values()) if (i.id === id) return i;
    return undefined;
  }

  // ───────────── repositories and commits ─────────────

  addRepo(
    fullName: string,
    opts: {
      defaultBranch?: string;
      files?: Record<string, string>;
      private?: boolean;
      collaborators?: Record<string, Permission>;
      ownerType?: "User" | "Organization";
    } = {},
  ): RepoState {
    const [owner, name] = splitSlash(fullName, "owner/name");
    if (this.repos.has(lower(fullName))) throw new Error(`fake-github: repository ${fullName} already exists`);
    if (opts.ownerType === "User") this.ensureUser(owner);
    else if (!this.user(owner)) this.addOrg(owner);
    this.installationFor(owner);
    const defaultBranch = opts.defaultBranch ?? "main";
    const repo: RepoState = {
      id: this.nextId(),
      owner,
      name,
      fullName: `${owner}/${name}`,
      private: opts.private ?? true,
      defaultBranch,
      branches: new Map(),
      commits: new Map(),
      labels: new Map(),
      collaborators: new Map(),
      pulls: new Map(),
      nextIssueNumber: 1,
      mergeQueue: new Map(),
      mergeGroups: [],
      createdAt: this.now(),
    };
    this.repos.set(lower(fullName), repo);
    // The owner administers a user-owned repository.
    if (opts.ownerType === "User") repo.collaborators.set(lower(owner), "admin");
    for (const [login, perm] of Object.entries(opts.collaborators ?? {})) this.setPermission(fullName, login, perm);
    const root = this.makeCommit(repo, [], new Map(Object.entries(opts.files ?? {})), new Map(), {
      message: "Initial commit",
      author: { name: "Repo Admin", email: "admin@example.com" },
    });
    repo.branches.set(defaultBranch, root.sha);
    return repo;
  }

  repo(fullName: string): RepoState {
    const r = this.repos.get(lower(fullName));
    if (!r) throw new Error(`fake-github: no repository ${fullName} in the world (add it with world.addRepo)`);
    return r;
  }

  findRepo(owner: string, name: string): RepoState | undefined {
    return this.repos.get(lower(`${owner}/${name}`));
  }

  setPermission(fullName: string, login: string, permission: Permission): void {
    this.ensureUser(login);
    this.repo(fullName).collaborators.set(lower(login), permission);
  }

  /**
   * The user's role on the repository, as GitHub computes it here: an explicit collaborator role,
   * else "none" (the fake does not model org base permissions).
   */
  permissionOf(fullName: string, login: string): Permission {
    return this.repo(fullName).collaborators.get(lower(login)) ?? "none";
  }

  identity(input: IdentityInput | undefined, fallbackLogin: string): Identity {
    if (input === undefined || typeof input === "string") {
      const u = this.ensureUser(input ?? fallbackLogin);
      return { name: u.name, email: u.email, login: u.login };
    }
    const byEmail = input.login ? this.ensureUser(input.login) : this.userByEmail(input.email);
    return { name: input.name, email: input.email, login: byEmail?.login ?? null };
  }

  private makeCommit(
    repo: RepoState,
    parents: string[],
    tree: Map<string, string>,
    renames: Map<string, string>,
    input: { message: string; author: IdentityInput; committer?: IdentityInput; coAuthors?: IdentityInput[] },
  ): CommitState {
    const at = this.tick();
    const author = this.identity(input.author, "octocat");
    const coAuthors = (input.coAuthors ?? []).map((c) => this.identity(c, "octocat"));
    let message = input.message;
    if (coAuthors.length > 0) {
      message = `${message.replace(/\n+$/, "")}\n\n${coAuthors.map((c) => `Co-authored-by: ${c.name} <${c.email}>`).join("\n")}`;
    }
    // Parse every Co-authored-by trailer in the message, like GitHub does for Commit.authors.
    const trailerAuthors = parseCoAuthorTrailers(message).map((c) => {
      const u = this.userByEmail(c.email);
      return { name: c.name, email: c.email, login: u?.login ?? null };
    });
    const commit: CommitState = {
      sha: this.newSha(`${repo.fullName}:${message}`),
      message,
      author,
      committer: input.committer ? this.identity(input.committer, "octocat") : { ...author },
      authoredAt: at,
      committedAt: at,
      parents,
      tree,
      renames,
      coAuthors: trailerAuthors,
    };
    repo.commits.set(commit.sha, commit);
    return commit;
  }

  /** Creates a commit on top of `parentSha` applying the input's file changes (does not move any branch). */
  commitOn(fullName: string, parentSha: string, input: CommitInput, defaultAuthor = "octocat"): CommitState {
    const repo = this.repo(fullName);
    const parent = repo.commits.get(parentSha);
    if (!parent) throw new Error(`fake-github: no commit ${parentSha} in ${fullName}`);
    const tree = new Map(parent.tree);
    const renames = new Map<string, string>();
    for (const [from, to] of Object.entries(input.renames ?? {})) {
      const text = tree.get(from);
      if (text === undefined) throw new Error(`fake-github: cannot rename ${from}: not in ${fullName}@${parentSha.slice(0, 7)}`);
      tree.delete(from);
      tree.set(to, text);
      renames.set(to, from);
    }
    for (const [path, text] of Object.entries(input.files ?? {})) {
      if (text === null) tree.delete(path);
      else tree.set(path, text);
    }
    return this.makeCommit(repo, [parentSha], tree, renames, {
      message: input.message ?? "Update files",
      author: input.author ?? defaultAuthor,
      ...(input.committer !== undefined ? { committer: input.committer } : {}),
      ...(input.coAuthors !== undefined ? { coAuthors: input.coAuthors } : {}),
    });
  }

  /** Pushes a commit to a branch (created from the default branch when missing). */
  pushCommit(fullName: string, branch: string, input: CommitInput = {}): CommitState {
    const repo = this.repo(fullName);
    const parentSha = repo.branches.get(branch) ?? this.branchSha(fullName, repo.defaultBranch);
    const commit = this.commitOn(fullName, parentSha, input);
    repo.branches.set(branch, commit.sha);
    return commit;
  }

  branchSha(fullName: string, branch: string): string {
    const sha = this.repo(fullName).branches.get(branch);
    if (!sha) throw new Error(`fake-github: no branch ${branch} in ${fullName}`);
    return sha;
  }

  commit(fullName: string, sha: string): CommitState | undefined {
    return this.repo(fullName).commits.get(sha);
  }

  /** Resolves a branch name, a full or abbreviated sha, or HEAD to a commit. */
  resolveRef(fullName: string, ref: string): CommitState | undefined {
    const repo = this.repo(fullName);
    const r = ref.replace(/^refs\/heads\//, "");
    if (r === "HEAD") return repo.commits.get(repo.branches.get(repo.defaultBranch) ?? "");
    const branch = repo.branches.get(r);
    if (branch) return repo.commits.get(branch);
    if (/^[0-9a-f]{4,40}$/.test(r)) {
      for (const c of repo.commits.values()) if (c.sha.startsWith(r)) return c;
    }
    return undefined;
  }

  /** Sets (or deletes, with null) one file on a branch, as a new commit. */
  setFile(fullName: string, branch: string, path: string, text: string | null, message?: string): CommitState {
    return this.pushCommit(fullName, branch, { message: message ?? `Update ${path}`, files: { [path]: text } });
  }

  // ───────────── pull requests ─────────────

  addPull(fullName: string, input: PullInput = {}): PullState {
    const repo = this.repo(fullName);
    const number = input.number ?? repo.nextIssueNumber;
    if (repo.pulls.has(number)) throw new Error(`fake-github: ${fullName}#${number} already exists`);
    repo.nextIssueNumber = Math.max(repo.nextIssueNumber, number + 1);
    const author = this.ensureUser(input.author ?? "octocat").login;
    const base = input.base ?? repo.defaultBranch;
    const baseSha = this.branchSha(fullName, base);
    const headRef = input.head ?? `feature-${number}`;
    const commitInputs: CommitInput[] =
      input.commits ??
      [{ message: input.title ?? `Change ${number}`, files: input.files ?? { [`src/change-${number}.ts`]: `export const change = ${number};\n` } }];
    if (commitInputs.length === 0) throw new Error("fake-github: a pull request needs at least one commit");
    let parent = baseSha;
    const shas: string[] = [];
    for (const ci of commitInputs) {
      const c = this.commitOn(fullName, parent, ci, author);
      shas.push(c.sha);
      parent = c.sha;
    }
    const headRepo = input.headRepo ?? repo.fullName;
    if (headRepo === repo.fullName) repo.branches.set(headRef, parent);
    const at = this.tick();
    const pull: PullState = {
      id: this.nextId(),
      number,
      repo: repo.fullName,
      author,
      title: input.title ?? `Change ${number}`,
      body: input.body ?? "",
      state: input.state ?? "open",
      merged: false,
      draft: input.draft ?? false,
      headRef,
      headSha: parent,
      headRepo,
      baseRef: base,
      baseSha,
      labels: [],
      labelEvents: [],
      commits: shas,
      reviews: [],
      requestedReviewers: [],
      requestedTeams: [],
      createdAt: at,
      updatedAt: at,
    };
    repo.pulls.set(number, pull);
    // Labels given at creation are put on by the PR's author, as when opening a PR with labels.
    for (const l of input.labels ?? []) this.labelPull(fullName, number, l, author);
    return pull;
  }

  pull(fullName: string, number: number): PullState {
    const p = this.repo(fullName).pulls.get(number);
    if (!p) throw new Error(`fake-github: no pull request ${fullName}#${number}`);
    return p;
  }

  /** Pushes a commit to the PR's head branch; the PR's head sha moves (a `synchronize`). */
  pushToPull(fullName: string, number: number, input: CommitInput = {}): CommitState {
    const pull = this.pull(fullName, number);
    const c = this.commitOn(fullName, pull.headSha, input, pull.author);
    pull.commits.push(c.sha);
    pull.headSha = c.sha;
    pull.updatedAt = this.now();
    const repo = this.repo(fullName);
    if (pull.headRepo === repo.fullName) repo.branches.set(pull.headRef, c.sha);
    return c;
  }

  /**
   * "Update branch": a merge commit on the PR's head whose parents are the current head and the base
   * branch's tip (or `otherParent`), authored by `author` (who clicked; GitHub commits it as
   * `GitHub <noreply@github.com>`). Its tree is the base tip with the PR's changes; `files` edits it on
   * top (a conflict resolution, or a change slipped into the merge). The PR's base SHA moves to the tip.
   */
  updateBranchMerge(fullName: string, number: number, opts: { author?: IdentityInput; files?: Record<string, string | null>; otherParent?: string; message?: string } = {}): CommitState {
    const repo = this.repo(fullName);
    const pull = this.pull(fullName, number);
    const head = repo.commits.get(pull.headSha);
    const oldBase = repo.commits.get(pull.baseSha);
    const otherSha = opts.otherParent ?? this.branchSha(fullName, pull.baseRef);
    const other = repo.commits.get(otherSha);
    if (!head || !oldBase || !other) throw new Error(`fake-github: cannot merge into ${fullName}#${number}`);
    const tree = new Map(other.tree);
    for (const [path, text] of head.tree) if (oldBase.tree.get(path) !== text) tree.set(path, text);
    for (const path of oldBase.tree.keys()) if (!head.tree.has(path)) tree.delete(path);
    for (const [path, text] of Object.entries(opts.files ?? {})) {
      if (text === null) tree.delete(path);
      else tree.set(path, text);
    }
    const c = this.makeCommit(repo, [head.sha, other.sha], tree, new Map(), {
      message: opts.message ?? `Merge branch '${pull.baseRef}' into ${pull.headRef}`,
      author: opts.author ?? pull.author,
      committer: { name: "GitHub", email: "noreply@github.com" },
    });
    // Commits only the merge brought from a side branch (not in the base) become the PR's too.
    if (opts.otherParent) for (let cur: CommitState | undefined = other; cur && !this.isAncestor(repo, cur.sha, pull.baseRef); cur = repo.commits.get(cur.parents[0] ?? "")) pull.commits.push(cur.sha);
    pull.commits.push(c.sha);
    pull.headSha = c.sha;
    pull.baseSha = this.branchSha(fullName, pull.baseRef);
    pull.updatedAt = this.now();
    if (pull.headRepo === repo.fullName) repo.branches.set(pull.headRef, c.sha);
    return c;
  }

  private isAncestor(repo: RepoState, sha: string, branch: string): boolean {
    for (let cur = repo.commits.get(repo.branches.get(branch) ?? ""); cur; cur = repo.commits.get(cur.parents[0] ?? "")) if (cur.sha === sha) return true;
    return false;
  }

  /**
   * Force-pushes the PR's head branch: its commits are REPLACED by `commits` on top of the base (a
   * `synchronize` whose old head is no longer in the PR). Returns the new head commit.
   */
  forcePushPull(fullName: string, number: number, commits: CommitInput[]): CommitState {
    const pull = this.pull(fullName, number);
    if (commits.length === 0) throw new Error("fake-github: a force-push needs at least one commit");
    let head: CommitState | undefined;
    const shas: string[] = [];
    for (const ci of commits) {
      head = this.commitOn(fullName, head?.sha ?? pull.baseSha, ci, pull.author);
      shas.push(head.sha);
    }
    pull.commits = shas;
    pull.headSha = head!.sha;
    pull.updatedAt = this.tick();
    const repo = this.repo(fullName);
    if (pull.headRepo === repo.fullName) repo.branches.set(pull.headRef, head!.sha);
    return head!;
  }

  /** Closes a PR (merged or not). Merging moves the base branch to the head commit (a fast-forward). */
  closePull(fullName: string, number: number, opts: { merged?: boolean } = {}): PullState {
    const pull = this.pull(fullName, number);
    pull.state = "closed";
    pull.merged = opts.merged ?? false;
    pull.updatedAt = this.tick();
    if (pull.merged) this.repo(fullName).branches.set(pull.baseRef, pull.headSha);
    return pull;
  }

  reopenPull(fullName: string, number: number): PullState {
    const pull = this.pull(fullName, number);
    if (pull.merged) throw new Error(`fake-github: ${fullName}#${number} is merged and cannot be reopened`);
    pull.state = "open";
    pull.updatedAt = this.tick();
    return pull;
  }

  /**
   * Retargets a PR to another base branch (a `pull_request.edited` with `changes.base`). The PR's
   * commits stay; its base sha becomes the new branch's head, as GitHub recomputes the merge base.
   */
  retargetPull(fullName: string, number: number, base: string): { from: { ref: string; sha: string } } {
    const pull = this.pull(fullName, number);
    const from = { ref: pull.baseRef, sha: pull.baseSha };
    pull.baseRef = base;
    pull.baseSha = this.branchSha(fullName, base);
    pull.updatedAt = this.tick();
    return { from };
  }

  /** Edits title/body/draft (for `edited`, `ready_for_review`, `converted_to_draft` events). */
  editPull(fullName: string, number: number, changes: { title?: string; body?: string; draft?: boolean }): PullState {
    const pull = this.pull(fullName, number);
    Object.assign(pull, changes);
    pull.updatedAt = this.tick();
    return pull;
  }

  review(
    fullName: string,
    number: number,
    login: string,
    state: ReviewStateName,
    opts: { commit?: string; body?: string } = {},
  ): ReviewState {
    const pull = this.pull(fullName, number);
    this.ensureUser(login);
    const r: ReviewState = {
      id: this.nextId(),
      user: this.ensureUser(login).login,
      state,
      commitId: opts.commit ?? pull.headSha,
      submittedAt: this.tick(),
      body: opts.body ?? "",
    };
    pull.reviews.push(r);
    return r;
  }

  /** Dismisses a review the way GitHub does: the review's state becomes DISMISSED. */
  dismissReview(fullName: string, number: number, reviewId: number): ReviewState {
    const r = this.pull(fullName, number).reviews.find((x) => x.id === reviewId);
    if (!r) throw new Error(`fake-github: no review ${reviewId} on ${fullName}#${number}`);
    r.state = "DISMISSED";
    return r;
  }

  /**
   * Files changed by the PR: the diff between the base commit's tree and the head commit's tree,
   * with renames followed through the PR's commits. Sorted by path, as GitHub lists them.
   */
  pullFiles(fullName: string, number: number): PullFileState[] {
    const pull = this.pull(fullName, number);
    const repo = this.repo(fullName);
    const base = repo.commits.get(pull.baseSha);
    const head = repo.commits.get(pull.headSha);
    if (!base || !head) return [];
    return this.diffTrees(base, head, pull.commits.map((s) => repo.commits.get(s)).filter((c): c is CommitState => !!c));
  }

  /** Commits are immutable, so a diff is computed once per (base, head, commits in between). */
  private readonly diffCache = new WeakMap<CommitState, Map<string, PullFileState[]>>();

  diffTrees(base: CommitState, head: CommitState, between: CommitState[]): PullFileState[] {
    const key = `${base.sha}:${between.map((c) => c.sha).join(",")}`;
    const perHead = this.diffCache.get(head) ?? new Map<string, PullFileState[]>();
    this.diffCache.set(head, perHead);
    const hit = perHead.get(key);
    if (hit) return hit.map((f) => ({ ...f }));
    const files = this.computeDiff(base, head, between);
    perHead.set(key, files);
    return files.map((f) => ({ ...f }));
  }

  private computeDiff(base: CommitState, head: CommitState, between: CommitState[]): PullFileState[] {
    // new path → original path in base, following chains of renames.
    const origin = new Map<string, string>();
    for (const c of between) {
      for (const [to, from] of c.renames) {
        origin.set(to, origin.get(from) ?? from);
        origin.delete(from);
      }
    }
    const files: PullFileState[] = [];
    const consumed = new Set<string>();
    for (const [path, text] of head.tree) {
      const before = base.tree.get(path);
      if (before === undefined) {
        const from = origin.get(path);
        if (from !== undefined && base.tree.has(from) && !head.tree.has(from)) {
          consumed.add(from);
          const d = lineDelta(base.tree.get(from) ?? "", text);
          files.push({ filename: path, status: "renamed", previousFilename: from, ...d, sha: blobSha(text) });
        } else {
          files.push({ filename: path, status: "added", previousFilename: null, additions: countLines(text), deletions: 0, sha: blobSha(text) });
        }
      } else if (before !== text) {
        files.push({ filename: path, status: "modified", previousFilename: null, ...lineDelta(before, text), sha: blobSha(text) });
      }
    }
    for (const [path, text] of base.tree) {
      if (!head.tree.has(path) && !consumed.has(path)) {
        files.push({ filename: path, status: "removed", previousFilename: null, additions: 0, deletions: countLines(text), sha: null });
      }
    }
    files.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
    return files;
  }

  /** Open PRs (and merged ones) whose commits include `sha`. */
  pullsWithCommit(fullName: string, sha: string): PullState[] {
    return [...this.repo(fullName).pulls.values()].filter((p) => p.commits.includes(sha) || p.headSha === sha);
  }

  // ───────────── labels ─────────────

  addLabel(fullName: string, name: string, opts: { color?: string; description?: string | null } = {}): LabelState {
    const repo = this.repo(fullName);
    const existing = repo.labels.get(lower(name));
    if (existing) return existing;
    const label: LabelState = {
      id: this.nextId(),
      name,
      color: opts.color ?? "ededed",
      description: opts.description ?? null,
      isDefault: false,
    };
    repo.labels.set(lower(name), label);
    return label;
  }

  label(fullName: string, name: string): LabelState | undefined {
    return this.repo(fullName).labels.get(lower(name));
  }

  /**
   * Puts a label on a PR (creating the repository label when missing, as GitHub does) and records a
   * LabeledEvent by `actor` (default: the PR's author; the REST handlers pass the calling app's bot).
   * A label already on the PR changes nothing and makes no event, as on GitHub.
   */
  labelPull(fullName: string, number: number, name: string, actor?: string): void {
    const label = this.addLabel(fullName, name);
    const pull = this.pull(fullName, number);
    if (pull.labels.some((l) => lower(l) === lower(label.name))) return;
    pull.labels.push(label.name);
    const by = this.ensureUser(actor ?? pull.author).login;
    pull.labelEvents.push({ id: this.nextId(), type: "labeled", label: label.name, actor: by, createdAt: this.tick() });
  }

  /** Takes a label off a PR, recording an UnlabeledEvent by `actor` (default: the PR's author). */
  unlabelPull(fullName: string, number: number, name: string, actor?: string): boolean {
    const pull = this.pull(fullName, number);
    const removed = pull.labels.find((l) => lower(l) === lower(name));
    if (removed === undefined) return false;
    pull.labels = pull.labels.filter((l) => lower(l) !== lower(name));
    const by = this.ensureUser(actor ?? pull.author).login;
    pull.labelEvents.push({ id: this.nextId(), type: "unlabeled", label: removed, actor: by, createdAt: this.tick() });
    return true;
  }

  /** The latest label event of a PR for a label (case-insensitive), of a type or either. */
  lastLabelEvent(fullName: string, number: number, name: string, type?: "labeled" | "unlabeled"): LabelEventState | undefined {
    const events = this.pull(fullName, number).labelEvents;
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      if (lower(e.label) === lower(name) && (type === undefined || e.type === type)) return e;
    }
    return undefined;
  }

  /** The bot account of an app (`<slug>[bot]`, type Bot): the actor of what the app writes. */
  appBot(appId: number = this.appId): UserState {
    const slug = appId === this.appId ? this.appSlug : `app-${appId}`;
    return this.user(`${slug}[bot]`) ?? this.addUser(`${slug}[bot]`, { type: "Bot" });
  }

  labelsOn(fullName: string, number: number): string[] {
    return [...this.pull(fullName, number).labels];
  }

  // ───────────── checks ─────────────

  checkSuiteFor(fullName: string, headSha: string, appId: number): CheckSuiteState {
    const repo = this.repo(fullName);
    let suite = this.checkSuites.find((s) => s.repo === repo.fullName && s.headSha === headSha && s.appId === appId);
    if (!suite) {
      let headBranch: string | null = null;
      for (const [b, sha] of repo.branches) if (sha === headSha) headBranch = b;
      suite = { id: this.nextId(), appId, repo: repo.fullName, headSha, headBranch };
      this.checkSuites.push(suite);
    }
    return suite;
  }

  /** Adds a check run directly (e.g. one made by another app), bypassing the API. */
  addCheckRun(
    fullName: string,
    input: {
      appId?: number;
      headSha: string;
      name: string;
      status?: CheckStatus;
      conclusion?: CheckConclusion | null;
      output?: Partial<CheckRunOutput>;
      actions?: CheckRunAction[];
      externalId?: string | null;
      detailsUrl?: string | null;
    },
  ): CheckRunState {
    const repo = this.repo(fullName);
    const appId = input.appId ?? this.appId;
    const at = this.tick();
    const conclusion = input.conclusion ?? null;
    const status: CheckStatus = conclusion ? "completed" : (input.status ?? "queued");
    const run: CheckRunState = {
      id: this.nextId(),
      appId,
      repo: repo.fullName,
      headSha: input.headSha,
      name: input.name,
      status,
      conclusion,
      startedAt: at,
      completedAt: status === "completed" ? at : null,
      output: {
        title: input.output?.title ?? null,
        summary: input.output?.summary ?? null,
        text: input.output?.text ?? null,
        annotations: input.output?.annotations ?? [],
      },
      actions: input.actions ?? [],
      detailsUrl: input.detailsUrl ?? null,
      externalId: input.externalId ?? null,
      checkSuiteId: this.checkSuiteFor(fullName, input.headSha, appId).id,
      history: [{ op: "create", at, body: { ...input } }],
    };
    this.checkRunsById.set(run.id, run);
    return run;
  }

  /** Check runs on a commit, oldest first (optionally of one name). */
  checkRuns(fullName: string, sha: string, name?: string): CheckRunState[] {
    const repo = this.repo(fullName);
    return [...this.checkRunsById.values()].filter(
      (r) => r.repo === repo.fullName && r.headSha === sha && (name === undefined || r.name === name),
    );
  }

  checkRun(id: number): CheckRunState | undefined {
    return this.checkRunsById.get(id);
  }

  // ───────────── merge queue ─────────────

  /**
   * Puts PRs in the merge queue of a base branch and creates the merge group commit GitHub would
   * test: the base head plus each PR's changes, on `gh-readonly-queue/<base>/pr-<n>-<sha>`.
   */
  enqueue(fullName: string, numbers: number[], opts: { branch?: string } = {}): MergeGroupState {
    const repo = this.repo(fullName);
    const baseRef = opts.branch ?? repo.defaultBranch;
    const queue = repo.mergeQueue.get(baseRef) ?? [];
    for (const n of numbers) if (!queue.includes(n)) queue.push(n);
    repo.mergeQueue.set(baseRef, queue);
    const baseSha = this.branchSha(fullName, baseRef);
    let sha = baseSha;
    for (const n of numbers) {
      const pull = this.pull(fullName, n);
      const head = repo.commits.get(pull.headSha);
      const base = repo.commits.get(pull.baseSha);
      const files: Record<string, string | null> = {};
      if (head && base) {
        for (const f of this.diffTrees(base, head, pull.commits.map((s) => repo.commits.get(s)).filter((c): c is CommitState => !!c))) {
          files[f.filename] = f.status === "removed" ? null : (head.tree.get(f.filename) ?? null);
          if (f.previousFilename) files[f.previousFilename] = null;
        }
      }
      sha = this.commitOn(fullName, sha, { message: `Merge pull request #${n}`, author: "github-merge-queue[bot]", files }).sha;
    }
    const last = numbers[numbers.length - 1] ?? 0;
    const group: MergeGroupState = {
      repo: repo.fullName,
      headSha: sha,
      headRef: `refs/heads/gh-readonly-queue/${baseRef}/pr-${last}-${baseSha}`,
      baseSha,
      baseRef: `refs/heads/${baseRef}`,
      pulls: [...numbers],
    };
    repo.branches.set(group.headRef.replace(/^refs\/heads\//, ""), sha);
    repo.mergeGroups.push(group);
    return group;
  }

  /** Removes PRs from a merge queue (merged or kicked out). */
  dequeue(fullName: string, numbers: number[], opts: { branch?: string } = {}): void {
    const repo = this.repo(fullName);
    const b = opts.branch ?? repo.defaultBranch;
    repo.mergeQueue.set(b, (repo.mergeQueue.get(b) ?? []).filter((n) => !numbers.includes(n)));
  }
}

export function splitSlash(s: string, what: string): [string, string] {
  const i = s.indexOf("/");
  if (i <= 0 || i === s.length - 1 || s.includes("/", i + 1)) {
    throw new Error(`fake-github: expected "${what}", got "${s}"`);
  }
  return [s.slice(0, i), s.slice(i + 1)];
}

/** `Co-authored-by: Name <email>` trailers of the message's last paragraph (git's trailer rules). */
export function parseCoAuthorTrailers(message: string): { name: string; email: string }[] {
  // Line scans, not patterns: issue 8's attack line (`co-authored-by:` + 4,000 spaces) made the
  // patterns this replaces (/\s+$/, /^co-authored-by:\s*(.*?)\s*<([^>]+)>\s*$/i) backtrack here too.
  const lines = message.trimEnd().split("\n");
  let start = lines.length;
  while (start > 0 && lines[start - 1]!.trim() !== "") start--;
  if (start === 0) return [];
  const out: { name: string; email: string }[] = [];
  for (const raw of lines.slice(start)) {
    const line = raw.trim();
    if (line.slice(0, 15).toLowerCase() !== "co-authored-by:" || !line.endsWith(">")) continue;
    const value = line.slice(15);
    const open = value.indexOf("<");
    const email = open === -1 ? "" : value.slice(open + 1, -1);
    if (email === "" || email.includes(">")) continue;
    out.push({ name: value.slice(0, open).trim(), email });
  }
  return out;
}

export function permissionAtLeast(have: Permission, need: Permission): boolean {
  return PERMISSION_ORDER.indexOf(have) >= PERMISSION_ORDER.indexOf(need);
}
