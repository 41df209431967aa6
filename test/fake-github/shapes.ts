/**
 * REST JSON shapes of the world's objects. Builders set the fields agent-gate (or any careful
 * client) reads, with realistic values; the server completes the remaining required fields from the
 * operation's response schema and validates the whole answer against it.
 */
import type {
  CheckRunState,
  CommitState,
  Identity,
  Installation,
  LabelState,
  PullFileState,
  PullState,
  RepoState,
  ReviewState,
  TeamState,
  UserState,
  World,
} from "./state.js";
import { blobSha, permissionAtLeast } from "./state.js";

type Json = Record<string, unknown>;

export function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(String(id)).toString("base64url")}`;
}

export class Shapes {
  constructor(
    readonly world: World,
    /** e.g. http://127.0.0.1:1234/api/v3 */
    readonly api: string,
    /** e.g. http://127.0.0.1:1234 */
    readonly web: string,
  ) {}

  user(u: UserState): Json {
    return {
      login: u.login,
      id: u.id,
      node_id: nodeId(u.type === "Bot" ? "BOT" : u.type === "Organization" ? "O" : "U", u.id),
      avatar_url: `${this.web}/avatars/u/${u.id}`,
      gravatar_id: "",
      url: `${this.api}/users/${encodeURIComponent(u.login)}`,
      html_url: `${this.web}/${encodeURIComponent(u.login)}`,
      type: u.type,
      site_admin: false,
      ...(u.type === "Organization" ? {} : { name: u.name }),
    };
  }

  /** A team as "Pull request reviewers" lists it (OpenAPI `team`). */
  team(t: TeamState): Json {
    const url = `${this.api}/organizations/${t.org}/team/${t.id}`;
    return {
      id: t.id,
      node_id: nodeId("T", t.id),
      url,
      html_url: `${this.web}/orgs/${t.org}/teams/${t.slug}`,
      name: t.name,
      slug: t.slug,
      description: null,
      privacy: "closed",
      notification_setting: "notifications_enabled",
      permission: "pull",
      members_url: `${url}/members{/member}`,
      repositories_url: `${url}/repos`,
      parent: null,
    };
  }

  userByLogin(login: string): Json {
    return this.user(this.world.ensureUser(login));
  }

  /** GitHub's app bot account, e.g. `agent-gate[bot]`. */
  appOwner(): Json {
    return this.userByLogin(this.appOwnerLogin());
  }

  appOwnerLogin(): string {
    const first = this.world.installations.values().next().value;
    return first?.account ?? "octo-apps";
  }

  app(appId: number): Json {
    const slug = appId === this.world.appId ? this.world.appSlug : `app-${appId}`;
    return {
      id: appId,
      slug,
      node_id: nodeId("A", appId),
      client_id: `Iv1.${appId.toString(16).padStart(16, "0")}`,
      owner: this.appOwner(),
      name: slug,
      description: "fake-github app",
      external_url: `${this.web}/apps/${slug}`,
      html_url: `${this.web}/apps/${slug}`,
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
      permissions: { checks: "write", contents: "read", pull_requests: "write", issues: "write", members: "read", metadata: "read" },
      events: ["pull_request", "pull_request_review", "check_run", "check_suite", "merge_group", "push"],
      installations_count: this.world.installations.size,
    };
  }

  installation(i: Installation): Json {
    const account = this.world.ensureUser(i.account);
    return {
      id: i.id,
      account: this.user(account),
      app_id: i.appId,
      app_slug: i.appId === this.world.appId ? this.world.appSlug : `app-${i.appId}`,
      target_id: account.id,
      target_type: account.type === "Organization" ? "Organization" : "User",
      repository_selection: "all",
      access_tokens_url: `${this.api}/app/installations/${i.id}/access_tokens`,
      repositories_url: `${this.api}/installation/repositories`,
      html_url: `${this.web}/organizations/${account.login}/settings/installations/${i.id}`,
      permissions: { checks: "write", contents: "read", pull_requests: "write", issues: "write", members: "read", metadata: "read" },
      events: ["pull_request", "pull_request_review", "check_run", "check_suite", "merge_group", "push"],
      single_file_name: null,
      suspended_by: null,
      suspended_at: null,
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
    };
  }

  repo(r: RepoState): Json {
    const base = `${this.api}/repos/${r.fullName}`;
    const openPulls = [...r.pulls.values()].filter((p) => p.state === "open").length;
    return {
      id: r.id,
      node_id: nodeId("R", r.id),
      name: r.name,
      full_name: r.fullName,
      private: r.private,
      owner: this.userByLogin(r.owner),
      html_url: `${this.web}/${r.fullName}`,
      description: null,
      fork: false,
      url: base,
      homepage: null,
      language: null,
      default_branch: r.defaultBranch,
      visibility: r.private ? "private" : "public",
      archived: false,
      disabled: false,
      mirror_url: null,
      license: null,
      open_issues: openPulls,
      open_issues_count: openPulls,
      created_at: r.createdAt,
      updated_at: r.createdAt,
      pushed_at: this.world.now(),
      clone_url: `${this.web}/${r.fullName}.git`,
      git_url: `git://127.0.0.1/${r.fullName}.git`,
      ssh_url: `git@127.0.0.1:${r.fullName}.git`,
      svn_url: `${this.web}/${r.fullName}`,
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_discussions: false,
      allow_merge_commit: true,
      allow_squash_merge: true,
      allow_rebase_merge: true,
    };
  }

  label(r: RepoState, l: LabelState): Json {
    return {
      id: l.id,
      node_id: nodeId("LA", l.id),
      url: `${this.api}/repos/${r.fullName}/labels/${encodeURIComponent(l.name)}`,
      name: l.name,
      color: l.color,
      description: l.description,
      default: l.isDefault,
    };
  }

  private ref(r: RepoState, ref: string, sha: string, repoName: string): Json {
    const repo = this.world.repos.get(repoName.toLowerCase()) ?? r;
    return {
      label: `${repo.owner}:${ref}`,
      ref,
      sha,
      user: this.userByLogin(repo.owner),
      repo: this.repo(repo),
    };
  }

  pull(r: RepoState, p: PullState, full = true): Json {
    const url = `${this.api}/repos/${r.fullName}/pulls/${p.number}`;
    const html = `${this.web}/${r.fullName}/pull/${p.number}`;
    const files = full ? this.world.pullFiles(r.fullName, p.number) : [];
    const shape: Json = {
      url,
      id: p.id,
      node_id: nodeId("PR", p.id),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${this.api}/repos/${r.fullName}/issues/${p.number}`,
      commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`,
      review_comment_url: `${this.api}/repos/${r.fullName}/pulls/comments{/number}`,
      comments_url: `${this.api}/repos/${r.fullName}/issues/${p.number}/comments`,
      statuses_url: `${this.api}/repos/${r.fullName}/statuses/${p.headSha}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: this.userByLogin(p.author),
      body: p.body === "" ? null : p.body,
      labels: p.labels.map((n) => this.world.label(r.fullName, n)).filter((l): l is LabelState => !!l).map((l) => this.label(r, l)),
      milestone: null,
      active_lock_reason: null,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: p.state === "closed" ? p.updatedAt : null,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: p.requestedReviewers.map((l) => this.userByLogin(l)),
      requested_teams: p.requestedTeams.flatMap((slug) => {
        const t = this.world.team(r.owner, slug);
        return t ? [this.team(t)] : [];
      }),
      head: this.ref(r, p.headRef, p.headSha, p.headRepo),
      base: this.ref(r, p.baseRef, p.baseSha, r.fullName),
      _links: {
        self: { href: url },
        html: { href: html },
        issue: { href: `${this.api}/repos/${r.fullName}/issues/${p.number}` },
        comments: { href: `${this.api}/repos/${r.fullName}/issues/${p.number}/comments` },
        review_comments: { href: `${url}/comments` },
        review_comment: { href: `${this.api}/repos/${r.fullName}/pulls/comments{/number}` },
        commits: { href: `${url}/commits` },
        statuses: { href: `${this.api}/repos/${r.fullName}/statuses/${p.headSha}` },
      },
      author_association: this.association(r, p.author),
      auto_merge: null,
      draft: p.draft,
    };
    if (full) {
      Object.assign(shape, {
        merged: p.merged,
        mergeable: null,
        rebaseable: null,
        mergeable_state: "unknown",
        merged_by: null,
        comments: 0,
        review_comments: 0,
        maintainer_can_modify: false,
        commits: p.commits.length,
        additions: files.reduce((n, f) => n + f.additions, 0),
        deletions: files.reduce((n, f) => n + f.deletions, 0),
        changed_files: files.length,
      });
    }
    return shape;
  }

  /** GitHub's author_association, from the fake's model of ownership, collaborators and org members. */
  association(r: RepoState, login: string): string {
    if (login.toLowerCase() === r.owner.toLowerCase()) return "OWNER";
    if (permissionAtLeast(this.world.permissionOf(r.fullName, login), "read")) return "COLLABORATOR";
    if (this.world.org(r.owner)?.members.has(login.toLowerCase())) return "MEMBER";
    const authored = [...r.pulls.values()].some((p) => p.author.toLowerCase() === login.toLowerCase());
    return authored ? "CONTRIBUTOR" : "NONE";
  }

  gitIdentity(i: Identity, date: string): Json {
    return { name: i.name, email: i.email, date };
  }

  commit(r: RepoState, c: CommitState): Json {
    const url = `${this.api}/repos/${r.fullName}/commits/${c.sha}`;
    const authorUser = c.author.login ? this.world.user(c.author.login) : undefined;
    const committerUser = c.committer.login ? this.world.user(c.committer.login) : undefined;
    return {
      url,
      sha: c.sha,
      node_id: nodeId("C", c.sha),
      html_url: `${this.web}/${r.fullName}/commit/${c.sha}`,
      comments_url: `${url}/comments`,
      commit: {
        url: `${this.api}/repos/${r.fullName}/git/commits/${c.sha}`,
        author: this.gitIdentity(c.author, c.authoredAt),
        committer: this.gitIdentity(c.committer, c.committedAt),
        message: c.message,
        comment_count: 0,
        tree: { sha: this.treeSha(c), url: `${this.api}/repos/${r.fullName}/git/trees/${this.treeSha(c)}` },
      },
      author: authorUser ? this.user(authorUser) : null,
      committer: committerUser ? this.user(committerUser) : null,
      parents: c.parents.map((sha) => ({ sha, url: `${this.api}/repos/${r.fullName}/commits/${sha}`, html_url: `${this.web}/${r.fullName}/commit/${sha}` })),
    };
  }

  treeSha(c: CommitState): string {
    return blobSha([...c.tree.entries()].map(([p, t]) => `${p}\0${blobSha(t)}`).join("\n"));
  }

  file(r: RepoState, headSha: string, f: PullFileState): Json {
    return {
      sha: f.sha ?? "0000000000000000000000000000000000000000",
      filename: f.filename,
      status: f.status,
      additions: f.additions,
      deletions: f.deletions,
      changes: f.additions + f.deletions,
      blob_url: `${this.web}/${r.fullName}/blob/${headSha}/${f.filename}`,
      raw_url: `${this.web}/${r.fullName}/raw/${headSha}/${f.filename}`,
      contents_url: `${this.api}/repos/${r.fullName}/contents/${f.filename}?ref=${headSha}`,
      ...(f.previousFilename ? { previous_filename: f.previousFilename } : {}),
    };
  }

  review(r: RepoState, p: PullState, rv: ReviewState): Json {
    return {
      id: rv.id,
      node_id: nodeId("PRR", rv.id),
      user: this.userByLogin(rv.user),
      body: rv.body,
      state: rv.state,
      html_url: `${this.web}/${r.fullName}/pull/${p.number}#pullrequestreview-${rv.id}`,
      pull_request_url: `${this.api}/repos/${r.fullName}/pulls/${p.number}`,
      _links: {
        html: { href: `${this.web}/${r.fullName}/pull/${p.number}#pullrequestreview-${rv.id}` },
        pull_request: { href: `${this.api}/repos/${r.fullName}/pulls/${p.number}` },
      },
      submitted_at: rv.submittedAt,
      commit_id: rv.commitId,
      author_association: this.association(r, rv.user),
    };
  }

  checkRun(r: RepoState, run: CheckRunState): Json {
    const url = `${this.api}/repos/${r.fullName}/check-runs/${run.id}`;
    const pulls = this.world
      .pullsWithCommit(r.fullName, run.headSha)
      .filter((p) => p.state === "open" && p.headSha === run.headSha)
      .map((p) => ({
        id: p.id,
        number: p.number,
        url: `${this.api}/repos/${r.fullName}/pulls/${p.number}`,
        head: { ref: p.headRef, sha: p.headSha, repo: { id: r.id, url: `${this.api}/repos/${r.fullName}`, name: r.name } },
        base: { ref: p.baseRef, sha: p.baseSha, repo: { id: r.id, url: `${this.api}/repos/${r.fullName}`, name: r.name } },
      }));
    return {
      id: run.id,
      head_sha: run.headSha,
      node_id: nodeId("CR", run.id),
      // GitHub stores an unset external_id as "" (see the check_run webhook examples).
      external_id: run.externalId ?? "",
      url,
      html_url: `${this.web}/${r.fullName}/runs/${run.id}`,
      // "If the integrator does not provide this, then the homepage of the GitHub app is used." (REST docs)
      details_url: run.detailsUrl ?? this.app(run.appId).external_url,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.startedAt,
      completed_at: run.completedAt,
      output: {
        title: run.output.title,
        summary: run.output.summary,
        text: run.output.text,
        annotations_count: run.output.annotations.length,
        annotations_url: `${url}/annotations`,
      },
      name: run.name,
      check_suite: { id: run.checkSuiteId },
      app: this.app(run.appId),
      pull_requests: pulls,
    };
  }

  blob(r: RepoState, c: CommitState, path: string, text: string, ref: string): Json {
    const sha = blobSha(text);
    const q = `?ref=${encodeURIComponent(ref)}`;
    return {
      type: "file",
      encoding: "base64",
      size: Buffer.byteLength(text),
      name: path.split("/").pop() ?? path,
      path,
      content: Buffer.from(text, "utf8").toString("base64").replace(/(.{60})/g, "$1\n"),
      sha,
      url: `${this.api}/repos/${r.fullName}/contents/${path}${q}`,
      git_url: `${this.api}/repos/${r.fullName}/git/blobs/${sha}`,
      html_url: `${this.web}/${r.fullName}/blob/${c.sha}/${path}`,
      download_url: `${this.web}/${r.fullName}/raw/${c.sha}/${path}`,
      _links: {
        self: `${this.api}/repos/${r.fullName}/contents/${path}${q}`,
        git: `${this.api}/repos/${r.fullName}/git/blobs/${sha}`,
        html: `${this.web}/${r.fullName}/blob/${c.sha}/${path}`,
      },
    };
  }

  dirEntry(r: RepoState, c: CommitState, path: string, type: "file" | "dir", size: number, sha: string): Json {
    return {
      type,
      size,
      name: path.split("/").pop() ?? path,
      path,
      sha,
      url: `${this.api}/repos/${r.fullName}/contents/${path}?ref=${c.sha}`,
      git_url: `${this.api}/repos/${r.fullName}/git/${type === "dir" ? "trees" : "blobs"}/${sha}`,
      html_url: `${this.web}/${r.fullName}/${type === "dir" ? "tree" : "blob"}/${c.sha}/${path}`,
      download_url: type === "file" ? `${this.web}/${r.fullName}/raw/${c.sha}/${path}` : null,
      _links: {
        self: `${this.api}/repos/${r.fullName}/contents/${path}?ref=${c.sha}`,
        git: `${this.api}/repos/${r.fullName}/git/${type === "dir" ? "trees" : "blobs"}/${sha}`,
        html: `${this.web}/${r.fullName}/${type === "dir" ? "tree" : "blob"}/${c.sha}/${path}`,
      },
    };
  }
}
