/**
 * The JSON Schema of `.github/agent-policy.yml`, version 1 (SPEC §3).
 *
 * This module is the source of truth: `loadPolicy` validates with it, and `scripts/gen-schema.js`
 * writes it to `schema/agent-policy.schema.json`, which ships in the package so that editors can
 * use it (`# yaml-language-server: $schema=…`). A test fails when the two differ.
 *
 * Draft-07 because it is the draft editors' YAML/JSON language servers support best, and ajv 8's
 * default draft. Every object has `additionalProperties: false`: SPEC §3 says a typo must never
 * silently weaken a policy. Every property has a `description`: docs/policy.md is generated from
 * them, and the `default` annotations come from `policy/defaults.ts`, the values the loader applies.
 */
import { ASSISTED_MODES, PERMISSIONS, SIGNAL_KINDS, UNKNOWN_BOTS_MODES } from "../types.js";
import { PATH_SETS, PATH_SET_NAMES } from "./path-sets.js";
import { MAX_GLOBSTARS, MAX_GLOB_LENGTH } from "./patterns.js";
import { AGENT_LABEL_PREFIX, ASSISTED_LABEL, DEFAULT_AGENT_LABEL, POLICY_PATH } from "../names.js";
import {
  DEFAULT_ACTION,
  DEFAULT_ASSISTED,
  DEFAULT_UNKNOWN_BOTS,
  DEFAULT_BUILTIN_AGENTS,
  DEFAULT_DEPENDENCY_ACTION,
  DEFAULT_ENABLED,
  DEFAULT_WORKFLOW_ESCALATION,
  DEFAULT_PER_AGENT_LABELS,
  DEFAULT_REQUIREMENT,
  DEFAULT_REVIEW_FLOW,
  DEFAULT_SIGNALS,
  POLICY_VERSION,
} from "./defaults.js";

/** An agent id becomes the label suffix `agent:<id>`, so it is kept to label-safe characters. */
export const AGENT_ID_PATTERN = "^[a-z0-9][a-z0-9-]*$";
/** GitHub team reference: organization login, a slash, team slug. */
export const TEAM_PATTERN = "^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$";
/** A GitHub user login: letters, digits and single hyphens (no "@", no "[bot]": approvers are humans). */
export const LOGIN_PATTERN = "^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*$";
/**
 * Probot's `_extends` syntax (`repo`, `owner/repo`, `owner/repo:path.yml`), the same expression
 * as @probot/octokit-plugin-config's EXTENDS_REGEX (which is case-insensitive; letters spelled out here).
 */
export const EXTENDS_PATTERN =
  "^(?:[A-Za-z\\d](?:[A-Za-z\\d]|-(?=[A-Za-z\\d])){0,38}/)?[-_.\\w]+(?::[-_./\\w]+\\.ya?ml)?$";
/** GitHub rejects label names longer than 50 characters. */
export const LABEL_MAX_LENGTH = 50;

type JsonSchema = Readonly<Record<string, unknown>>;

const PATH_ACTIONS = ["block", "approve", "allow"] as const;

const stringList = (description: string, item: JsonSchema, extra: JsonSchema = {}): JsonSchema => ({
  description,
  type: "array",
  items: item,
  ...extra,
});

/**
 * How globs are matched, said once for every glob key. Paths, branch names and e-mails are chosen by
 * whoever opens the pull request, so a glob must never cost more than (pattern × input) time.
 */
const GLOB_MATCHING =
  "Matching never backtracks: in path rules, literals, `*`, `?` and `**` are matched by the app's own segment matcher; classes " +
  "(`[a-z]`, `[!x]`, `[[:alpha:]]`), extglobs (`+(a|b)`, `!(x)`, …) and every detection glob by minimatch 11's non-recursive " +
  "matcher (a Thompson NFA per path segment), so time grows with pattern length × input length, whatever the pattern. " +
  `Extglobs are therefore accepted. At most ${MAX_GLOBSTARS} \`**\` per pattern: past 200 minimatch stops looking and answers ` +
  '"no match", which would silently disable a rule.';

/** Path patterns only: the first character is the policy's, not minimatch's. */
const LEADING_CHARACTER = "A pattern that starts with `@` names a path set and one that starts with `!` excludes, so `@(…)` and `!(…)` work only after the first character.";

const glob: JsonSchema = {
  type: "string",
  minLength: 1,
  maxLength: MAX_GLOB_LENGTH,
  description:
    "A minimatch glob (matched with `dot: true`); a leading `!` excludes; a leading `/` anchors at the repository root " +
    "(as in CODEOWNERS — every pattern is anchored there, so `/action.yml` and `action.yml` are the same). " +
    "Patterns that could never match a path are errors: empty, `./x`, `../x`, backslashes, `//`, a trailing `/`. " +
    `${GLOB_MATCHING} ${LEADING_CHARACTER}`,
};

/**
 * The approval requirement. At the top level every key has a default; inside a path rule the same
 * keys override the top-level requirement one by one, so they carry no default of their own.
 */
function requirementSchema(topLevel: boolean): JsonSchema {
  const inherit = (key: string) =>
    topLevel ? "" : ` Defaults to the top-level \`approval.${key}\`.`;
  const dflt = (value: unknown) => (topLevel ? { default: value } : {});
  return {
    type: "object",
    additionalProperties: false,
    description: topLevel
      ? "The default requirement for agent-authored pull requests: who must approve, and how many of them. " +
        "Applies to every changed file whose rule is `approve` (and to files no rule matches when `default` is `approve`)."
      : "A stricter (or different) requirement for the files this rule matches. Keys given here replace the " +
        "top-level `approval` keys one by one; keys left out keep the top-level value. Only allowed with `action: approve`.",
    properties: {
      count: {
        type: "integer",
        minimum: 1,
        description:
          "How many distinct qualifying humans must approve at the pull request's current head commit." + inherit("count"),
        ...dflt(DEFAULT_REQUIREMENT.count),
      },
      min_permission: {
        type: "string",
        enum: [...PERMISSIONS],
        description:
          "The lowest repository permission an approver must have: `read`, `triage`, `write`, `maintain` or `admin` " +
          "(each includes the ones before it)." + inherit("min_permission"),
        ...dflt(DEFAULT_REQUIREMENT.min_permission),
      },
      teams: stringList(
        "When not empty, an approver must be a member of at least one of these teams, written `org/team-slug`. " +
          "With both `teams` and `users` set, being in either is enough." + inherit("teams"),
        {
          type: "string",
          pattern: TEAM_PATTERN,
          description: "A team as `org/team-slug`, e.g. `acme/platform`.",
        },
        { uniqueItems: true, ...dflt([...DEFAULT_REQUIREMENT.teams]) },
      ),
      users: stringList(
        "When not empty, an approver must be one of these GitHub logins (or in one of `teams`)." + inherit("users"),
        {
          type: "string",
          pattern: LOGIN_PATTERN,
          maxLength: 39,
          description: "A GitHub user login, without `@`.",
        },
        { uniqueItems: true, ...dflt([...DEFAULT_REQUIREMENT.users]) },
      ),
      exclude_contributors: {
        type: "boolean",
        description:
          "When true, the pull request's opener and every author, committer or co-author of its commits cannot " +
          "approve it: the people who produced the change do not review it." + inherit("exclude_contributors"),
        ...dflt(DEFAULT_REQUIREMENT.exclude_contributors),
      },
      dismiss_on_push: {
        type: "boolean",
        description:
          "When true, only approvals given at the current head commit count: a push after an approval needs a new " +
          "approval." + inherit("dismiss_on_push"),
        ...dflt(DEFAULT_REQUIREMENT.dismiss_on_push),
      },
      ...(topLevel ? REVIEW_FLOW_PROPERTIES : {}),
    },
  };
}

/**
 * Policy-wide keys of the top-level `approval` (not of a rule's: they steer how the app asks for and
 * keeps approvals, not who qualifies). The loader puts them in `Policy.reviewFlow`.
 */
const REVIEW_FLOW_PROPERTIES: JsonSchema = {
  request_reviews: {
    type: "boolean",
    description:
      "When true, a pull request whose check is `action_required` gets a review request (REST `requested_reviewers`) " +
      "for the `teams` and `users` of each unmet requirement, once per head commit: never from the PR's contributors, " +
      "bots or agent identities, never on a blocked pull request, and nobody when the requirement names neither teams " +
      "nor users. Only teams of the repository's own organization can be requested.",
    default: DEFAULT_REVIEW_FLOW.request_reviews,
  },
  keep_on_update_merge: {
    type: "boolean",
    description:
      "When true, approvals (reviews and Approve clicks) given at a head commit still count after an \"Update branch\" " +
      "merge: a new head that is a merge commit whose parents are that head and the current tip of the base branch, " +
      "and that changes none of the pull request's files (for every file the PR changes, the new head has the same " +
      "content as the approved head; nothing else differs from the base tip). Never when the merge resolves a " +
      "conflict, slips in a change, or is made by an agent identity. The summary and the audit log name the commit " +
      "the approvals came from.",
    default: DEFAULT_REVIEW_FLOW.keep_on_update_merge,
  },
};

/** An agent definition needs at least one of these, else it could never be detected. */
export const SIGNATURE_KEYS = ["logins", "emails", "branches", "markers"] as const;

const agentDefinition: JsonSchema = {
  type: "object",
  additionalProperties: false,
  description:
    "An agent of this organisation. A pull request is agent-authored when any of its signatures is seen. " +
    "At least one of `logins`, `emails`, `branches` or `markers` is required.",
  required: ["id"],
  properties: {
    id: {
      type: "string",
      pattern: AGENT_ID_PATTERN,
      maxLength: LABEL_MAX_LENGTH - AGENT_LABEL_PREFIX.length,
      description:
        "Identifier of the agent, used as the label suffix `agent:<id>`: lowercase letters, digits and hyphens.",
    },
    name: {
      type: "string",
      minLength: 1,
      description: "Display name shown in the check summary. Defaults to `id`.",
    },
    logins: stringList(
      "GitHub logins of the agent's accounts (pull request author, commit author or committer). Exact, case-insensitive.",
      { type: "string", minLength: 1, description: "A GitHub login, e.g. `acme-agent[bot]`." },
    ),
    emails: stringList(
      "Git emails of the agent, as commit author, committer or `Co-authored-by:` trailer. Globs allowed, case-insensitive.",
      { type: "string", minLength: 1, maxLength: MAX_GLOB_LENGTH, description: "An email address or a glob, e.g. `*@agents.acme.example`. A leading `!` or `#` is part of the address (no negation, no comment). " + GLOB_MATCHING },
    ),
    branches: stringList("Head branch globs the agent pushes to, e.g. `acme-ai/**`.", {
      ...glob,
      description:
        "A head branch name or minimatch glob, without `refs/heads/`. Globs that could never match a branch name are errors: " +
        "empty, a leading or trailing `/`, `//`, `.` or `..` segments, backslashes. This list has no exclusions: a leading `!` is an " +
        "error (minimatch would read `!x` as every branch but x, so every human branch would be the agent's). " +
        GLOB_MATCHING,
    }),
    markers: stringList(
      "Text the agent leaves in a pull request body or a commit message, e.g. `Generated by ACME Agent`. Matched as a substring.",
      { type: "string", minLength: 1, description: "A marker text." },
    ),
  },
  // `properties: { x: true }` restates the key so that ajv's strictRequired accepts the `required`.
  anyOf: SIGNATURE_KEYS.map((key) => ({ required: [key], properties: { [key]: true } })),
};

const pathRule: JsonSchema = {
  type: "object",
  additionalProperties: false,
  description:
    "A rule for changed files. For each changed file (both names of a rename) the first rule whose `match` " +
    "(and `targets`, if given) applies decides the file's action.",
  required: ["match", "action"],
  properties: {
    match: stringList(
      "Globs of changed file paths this rule applies to (minimatch with `dot: true`; `!pattern` excludes). " +
        `A built-in named set stands for all its members: ${PATH_SET_NAMES.map((n) => `\`${n}\``).join(", ")} ` +
        "(also excluded with `!`, e.g. `!@ci`); every member is listed under \"Named path sets\" below.",
      glob,
      { minItems: 1 },
    ),
    targets: stringList(
      "When given, the rule applies only to pull requests into these base branches (globs on the branch name, " +
        "e.g. `release/**`). Left out: every base branch.",
      { ...glob, description: "A base branch name or glob, without `refs/heads/`." },
      { minItems: 1 },
    ),
    action: {
      type: "string",
      enum: [...PATH_ACTIONS],
      description:
        "`block`: agent pull requests touching these files cannot merge, whatever the approvals. " +
        "`approve`: they need approval (the top-level `approval`, or this rule's own). " +
        `\`allow\`: no approval needed. The policy file itself (\`${POLICY_PATH}\`) always needs at least \`approve\`.`,
    },
    reason: {
      type: "string",
      minLength: 1,
      description: "Why the rule exists; shown in the check summary next to the files it matched.",
    },
    approval: requirementSchema(false),
  },
  // SPEC §3: a rule's own `approval` only makes sense on an `approve` rule. Written with
  // `dependencies` (draft-07) so the loader can recognise the failure and name the rule's action.
  // (A missing `action` is already reported by `required`.)
  dependencies: {
    approval: {
      properties: { action: { const: "approve" } },
    },
  },
};

/** The JSON Schema of the policy file, version 1. */
export const POLICY_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "agent-gate policy",
  description:
    `The agent-gate policy, \`${POLICY_PATH}\` on the repository's default branch (or in the organisation's \`.github\` ` +
    "repository): which coding agents are recognised, how their pull requests are labelled, and which approvals " +
    "their changes need before they can merge.",
  type: "object",
  additionalProperties: false,
  required: ["version"],
  // The built-in named sets usable in `paths[].match` (src/engine/policy/path-sets.ts), each member with its
  // source: for editors and for the "Named path sets" section of docs/policy.md (generated from here).
  definitions: {
    "path-sets": {
      description: "The built-in named path sets: write the name (e.g. `@ci`) in a rule's `match`; it stands for every member glob.",
      properties: Object.fromEntries(
        PATH_SETS.map((set) => [
          set.name,
          {
            description: `${set.title}. Why it matters: ${set.why}.`,
            anyOf: set.members.map((m) => ({ const: m.pattern, description: `${m.what}. Source: ${m.source}` })),
          },
        ]),
      ),
    },
  },
  properties: {
    version: {
      const: POLICY_VERSION,
      description:
        "Format version of this file. Must be `1`, in every file (including files pulled in with `_extends`).",
    },
    _extends: {
      type: "string",
      pattern: EXTENDS_PATTERN,
      description:
        "Pull in a shared policy (Probot's convention): `repo` (a repository of the same owner), `owner/repo`, or " +
        "`owner/repo:path/to/file.yml`; without a path, the same path as this file. Top-level keys of this file " +
        "replace the extended file's keys whole: a list is replaced, never concatenated, and an object such as " +
        "`approval` or `agents` is replaced entirely, not merged key by key.",
    },
    enabled: {
      type: "boolean",
      default: DEFAULT_ENABLED,
      description:
        "When false, agent-gate does not gate this repository: the check concludes `neutral` (\"disabled by policy\").",
    },
    agents: {
      type: "object",
      additionalProperties: false,
      description: "Which coding agents are recognised, and by which signals.",
      properties: {
        builtin: {
          type: "boolean",
          default: DEFAULT_BUILTIN_AGENTS,
          description:
            "Use agent-gate's built-in catalogue of coding agents (GitHub Copilot, OpenAI Codex, Claude Code, Devin, " +
            "Cursor, Jules, Amazon Q, Aider, OpenHands, Sweep, Gemini …).",
        },
        signals: stringList(
          "Which kinds of signal make a pull request agent-authored: `identity` (author, committer or opener is an " +
            "agent account or email), `trailer` (a `Co-authored-by:` trailer names an agent), `branch` (the head " +
            "branch has an agent's prefix), `marker` (an agent's footer in the body or a commit message), `manual` " +
            "(a human applied the agent label), `unknown-bot` (a GitHub App bot that is neither a catalogued agent nor " +
            "trusted automation authored or committed code; see `unknown_bots`).",
          { type: "string", enum: [...SIGNAL_KINDS], description: "A signal kind." },
          { uniqueItems: true, default: [...DEFAULT_SIGNALS] },
        ),
        define: stringList("Extra agents of this organisation, recognised in addition to the catalogue.", agentDefinition, {
          default: [],
        }),
        ignore: stringList(
          "Logins that are never treated as agents, even when the catalogue or `define` lists them.",
          { type: "string", minLength: 1, description: "A GitHub login, e.g. `some-helper[bot]`." },
          { uniqueItems: true, default: [] },
        ),
        trusted: stringList(
          "Automation accounts that write code and are not coding agents, in addition to agent-gate's built-in list " +
            "(dependabot, renovate, github-actions, pre-commit-ci, release and backport bots … — see docs/agents.md). " +
            "A bot listed here is never an `unknown-bot`. It does not override the catalogue: use `ignore` for that.",
          {
            description: "A GitHub login (e.g. `acme-release[bot]`) or a numeric account id.",
            anyOf: [
              { type: "string", minLength: 1, description: "A GitHub login, e.g. `acme-release[bot]`." },
              { type: "integer", minimum: 1, description: "A numeric GitHub account id (survives a rename)." },
            ],
          },
          { uniqueItems: true, default: [] },
        ),
        unknown_bots: {
          type: "string",
          enum: [...UNKNOWN_BOTS_MODES],
          default: DEFAULT_UNKNOWN_BOTS,
          description:
            "What a GitHub App bot account (type Bot, or a `<id>+<login>[bot]@users.noreply.github.com` e-mail) that " +
            "authors or commits code in the pull request, and is neither a catalogued agent nor trusted automation, is: " +
            "`agent` (the `unknown-bot` signal: gated like an agent — fail closed), `report` (shown and labelled " +
            `\`${ASSISTED_LABEL}\` like assisted commits, not gating), \`ignore\` (not shown). A bot that only comments ` +
            "or reviews never counts.",
        },
        assisted: {
          type: "string",
          enum: [...ASSISTED_MODES],
          default: DEFAULT_ASSISTED,
          description:
            "What commits that apply an AI reviewer's suggestions (Copilot code review and Autofix, gemini-code-assist, " +
            "CodeRabbit, Greptile, Sourcery …, written by the AI and applied by a human) do: `report` (shown in the " +
            `summary and labelled \`${ASSISTED_LABEL}\`, not gating), \`gate\` (gated like agent-authored work), ` +
            "`ignore` (not shown). A commit authored by such a bot is agent work whatever this says.",
        },
      },
    },
    labels: {
      type: "object",
      additionalProperties: false,
      description: "Labels agent-gate puts on agent-authored pull requests.",
      properties: {
        agent: {
          description:
            "The label for agent-authored pull requests, created with a colour and description when missing. A human " +
            "applying it marks a pull request as agent-authored (the `manual` signal). `false`: no label.",
          default: DEFAULT_AGENT_LABEL,
          anyOf: [
            { type: "string", minLength: 1, maxLength: LABEL_MAX_LENGTH, description: "A label name." },
            { const: false, description: "No label." },
          ],
        },
        per_agent: {
          type: "boolean",
          default: DEFAULT_PER_AGENT_LABELS,
          description: "Also label the pull request `agent:<id>` for each agent detected.",
        },
      },
    },
    approval: requirementSchema(true),
    workflows: {
      type: "object",
      additionalProperties: false,
      description:
        "Workflow privilege analysis: when an agent-authored pull request changes a GitHub Actions workflow or action " +
        "metadata file, agent-gate compares its base and head versions and reports every escalation (wider `permissions`, " +
        "new `pull_request_target` / `workflow_run` / `issue_comment` triggers, `secrets: inherit` or newly referenced " +
        "secrets, `${{ github.event.* }}` in `run:` scripts, third-party actions not pinned to a full commit SHA, " +
        "self-hosted runners) as check-run annotations on the offending lines.",
      properties: {
        escalation: {
          type: "string",
          enum: ["block", "approve", "report"],
          default: DEFAULT_WORKFLOW_ESCALATION,
          description:
            "`block`: an agent change that widens CI privileges cannot merge. `approve`: it also needs the requirement of " +
            "the rule that matches the file and at least one approver with `maintain` permission. `report`: annotations " +
            "and summary only.",
        },
      },
    },
    dependencies: {
      type: "object",
      additionalProperties: false,
      description:
        "Dependency additions: packages (and version ranges) that an agent-authored pull request adds or changes in a " +
        "recognised manifest or lock file (npm, pnpm, Yarn, pip, Poetry, uv, Pipenv, Go, Cargo, Maven, Gradle, Bundler, " +
        "Composer, NuGet) are listed per ecosystem. Edits that touch only scripts or metadata add nothing. A changed " +
        "manifest that cannot be parsed fails the check.",
      properties: {
        action: {
          type: "string",
          enum: ["report", "approve", "block"],
          default: DEFAULT_DEPENDENCY_ACTION,
          description:
            "`report`: list them in the summary only. `approve`: the pull request also needs `dependencies.approval` " +
            "(or the top-level `approval`). `block`: agent pull requests that add or change dependencies cannot merge.",
        },
        approval: {
          ...requirementSchema(false),
          description:
            "The requirement for dependency changes (only with `action: approve`). Keys given here replace the top-level " +
            "`approval` keys one by one.",
        },
      },
    },
    paths: stringList(
      "Rules for changed files, in order: for each file the first rule that matches decides. Files no rule " +
        "matches get `default`.",
      pathRule,
      { default: [] },
    ),
    default: {
      type: "string",
      enum: [...PATH_ACTIONS],
      default: DEFAULT_ACTION,
      description: "The action for changed files that no rule in `paths` matches: `approve`, `allow` or `block`.",
    },
  },
} as const satisfies JsonSchema;
