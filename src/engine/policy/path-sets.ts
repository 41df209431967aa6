/**
 * Built-in named path sets (issue 11 §1, SPEC §3): `@control-plane`, `@ci`, `@dependencies`, usable
 * in a rule's `match` like any glob (also as `!@ci`). Data, not code paths: each member is a
 * minimatch glob (`dot: true`) with the vendor documentation it comes from, and docs/policy.md lists
 * them all (generated from this table by scripts/gen-policy-docs.js).
 *
 * Members that an agent or tool reads in any directory (AGENTS.md, CLAUDE.md, package.json …) are
 * written `**` + `/name`, which also matches the repository root.
 */
import { POLICY_PATH } from "../names.js";

export type PathSetName = "@control-plane" | "@ci" | "@dependencies";

export interface PathSetMember {
  /** A minimatch glob, matched with `dot: true`. */
  pattern: string;
  /** What the file is, in a few words. */
  what: string;
  /** Where the file's meaning is documented (the vendor's page). */
  source: string;
}

export interface PathSet {
  name: PathSetName;
  /** One line: what the set holds. */
  title: string;
  /** Why a change to it matters (shown in the check summary next to each file of the set). */
  why: string;
  members: readonly PathSetMember[];
}

const GH_COPILOT = "https://docs.github.com/en/copilot/how-tos/configure-custom-instructions/add-repository-instructions";
const CLAUDE_MEMORY = "https://code.claude.com/docs/en/memory";
const CODEOWNERS = "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#codeowners-file-location";
const WORKFLOW_SYNTAX = "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions";
const ACTION_METADATA = "https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions";

const m = (pattern: string, what: string, source: string): PathSetMember => ({ pattern, what, source });

export const PATH_SETS: readonly PathSet[] = [
  {
    name: "@control-plane",
    title: "agent instructions, agent tool configuration, git hooks, code ownership and this policy",
    why: "it configures what coding agents are told and which tools they may run: an agent that edits it widens its own powers",
    members: [
      m("**/AGENTS.md", "AGENTS.md instructions (Codex, Copilot, Cursor, Jules … read it in every directory)", "https://agents.md/"),
      m("**/CLAUDE.md", "Claude Code project memory", CLAUDE_MEMORY),
      m("**/CLAUDE.local.md", "Claude Code local project memory", CLAUDE_MEMORY),
      m("**/.claude/**", "Claude Code settings, hooks, commands, agents and skills", "https://code.claude.com/docs/en/settings"),
      m("**/.mcp.json", "Claude Code project MCP servers", "https://code.claude.com/docs/en/mcp"),
      m(".vscode/mcp.json", "VS Code / Copilot MCP servers", "https://code.visualstudio.com/docs/copilot/customization/mcp-servers"),
      m(".vscode/settings.json", "VS Code workspace settings (can auto-approve agent tools and terminal commands)", "https://code.visualstudio.com/docs/copilot/chat/chat-tools"),
      m("**/.cursor/**", "Cursor rules and MCP servers", "https://docs.cursor.com/context/rules"),
      m("**/.cursorrules", "Cursor rules (legacy file)", "https://docs.cursor.com/context/rules"),
      m("**/.windsurfrules", "Windsurf rules (legacy file)", "https://docs.windsurf.com/windsurf/cascade/memories"),
      m("**/.windsurf/**", "Windsurf rules and workflows", "https://docs.windsurf.com/windsurf/cascade/memories"),
      m("**/.clinerules", "Cline rules (file)", "https://docs.cline.bot/features/cline-rules"),
      m("**/.clinerules/**", "Cline rules (directory)", "https://docs.cline.bot/features/cline-rules"),
      m("**/.roo/**", "Roo Code rules", "https://docs.roocode.com/features/custom-instructions"),
      m("**/.roorules", "Roo Code rules (file)", "https://docs.roocode.com/features/custom-instructions"),
      m(".roomodes", "Roo Code custom modes", "https://docs.roocode.com/features/custom-modes"),
      m("**/GEMINI.md", "Gemini CLI context file", "https://github.com/google-gemini/gemini-cli/blob/main/docs/cli/gemini-md.md"),
      m("**/.gemini/**", "Gemini CLI / Gemini Code Assist settings", "https://github.com/google-gemini/gemini-cli/blob/main/docs/get-started/configuration.md"),
      m(".github/copilot-instructions.md", "Copilot repository-wide instructions", GH_COPILOT),
      m("**/.github/instructions/**", "Copilot path-specific instructions (*.instructions.md)", GH_COPILOT),
      m(".github/prompts/**", "Copilot prompt files (*.prompt.md)", "https://code.visualstudio.com/docs/copilot/customization/prompt-files"),
      m(".github/chatmodes/**", "Copilot custom chat modes", "https://code.visualstudio.com/docs/copilot/customization/custom-chat-modes"),
      m(".github/agents/**", "Copilot custom agents (*.agent.md)", "https://docs.github.com/en/copilot/how-tos/use-copilot-agents/coding-agent/create-custom-agents"),
      m(".github/skills/**", "Copilot agent skills", "https://docs.github.com/en/copilot/concepts/agents/about-agent-skills"),
      m(".github/hooks/**", "Copilot coding agent hooks", "https://docs.github.com/en/copilot/how-tos/use-copilot-agents/coding-agent/use-hooks"),
      m(".github/workflows/copilot-setup-steps.{yml,yaml}", "the Copilot coding agent's setup workflow (runs before the agent, with its secrets)", "https://docs.github.com/en/copilot/how-tos/use-copilot-agents/coding-agent/customize-the-agent-environment"),
      m("**/.amazonq/**", "Amazon Q Developer project rules and MCP configuration", "https://docs.aws.amazon.com/amazonq/latest/qdeveloper-ug/context-project-rules.html"),
      m(".openhands/**", "OpenHands repository microagents and setup script", "https://docs.all-hands.dev/usage/prompting/microagents-repo"),
      m("**/.aider.conf.yml", "Aider configuration", "https://aider.chat/docs/config/aider_conf.html"),
      m(".junie/**", "JetBrains Junie guidelines", "https://www.jetbrains.com/help/junie/customize-guidelines.html"),
      m(".husky/**", "Husky git hooks", "https://typicode.github.io/husky/"),
      m("**/.pre-commit-config.yaml", "pre-commit hooks", "https://pre-commit.com/#plugins"),
      m("{lefthook,.lefthook}.{yml,yaml,json,toml}", "Lefthook git hooks", "https://lefthook.dev/configuration/"),
      m(".gitmodules", "git submodules (which code is pulled in, from where)", "https://git-scm.com/docs/gitmodules"),
      m("CODEOWNERS", "code owners (repository root)", CODEOWNERS),
      m(".github/CODEOWNERS", "code owners (.github)", CODEOWNERS),
      m("docs/CODEOWNERS", "code owners (docs)", CODEOWNERS),
      m(POLICY_PATH, "this agent-gate policy", "SPEC §3 (docs/policy.md)"),
    ],
  },
  {
    name: "@ci",
    title: "workflows, composite actions and other CI definitions",
    why: "CI runs with repository secrets and a write-capable token: a CI change can hand them to whatever runs next",
    members: [
      m(".github/workflows/**", "GitHub Actions workflows", WORKFLOW_SYNTAX),
      m("**/action.{yml,yaml}", "GitHub Actions action metadata (composite, JavaScript or Docker actions)", ACTION_METADATA),
      m(".github/actions/**", "local actions (the usual place for composite actions)", ACTION_METADATA),
      m(".gitlab-ci.yml", "GitLab CI/CD pipeline", "https://docs.gitlab.com/ci/yaml/"),
      m(".circleci/**", "CircleCI configuration", "https://circleci.com/docs/configuration-reference/"),
      m("**/azure-pipelines.{yml,yaml}", "Azure Pipelines", "https://learn.microsoft.com/en-us/azure/devops/pipelines/yaml-schema/"),
      m(".azure-pipelines/**", "Azure Pipelines (directory)", "https://learn.microsoft.com/en-us/azure/devops/pipelines/yaml-schema/"),
      m("**/Jenkinsfile", "Jenkins pipeline", "https://www.jenkins.io/doc/book/pipeline/jenkinsfile/"),
      m(".buildkite/**", "Buildkite pipeline", "https://buildkite.com/docs/pipelines/configure/defining-steps"),
      m(".travis.yml", "Travis CI", "https://docs.travis-ci.com/user/customizing-the-build/"),
      m("bitbucket-pipelines.yml", "Bitbucket Pipelines", "https://support.atlassian.com/bitbucket-cloud/docs/bitbucket-pipelines-configuration-reference/"),
      m(".drone.yml", "Drone CI", "https://docs.drone.io/pipeline/overview/"),
      m("{.woodpecker.yml,.woodpecker.yaml,.woodpecker/**}", "Woodpecker CI", "https://woodpecker-ci.org/docs/usage/workflow-syntax"),
      m("{appveyor.yml,.appveyor.yml}", "AppVeyor", "https://www.appveyor.com/docs/appveyor-yml/"),
    ],
  },
  {
    name: "@dependencies",
    title: "dependency manifests and lock files",
    why: "it decides which third-party code is installed and run: a new dependency is the supply-chain door (and agents invent package names)",
    members: [
      m("**/package.json", "npm / pnpm / yarn manifest", "https://docs.npmjs.com/cli/configuring-npm/package-json"),
      m("**/{package-lock.json,npm-shrinkwrap.json}", "npm lock file", "https://docs.npmjs.com/cli/configuring-npm/package-lock-json"),
      m("**/{pnpm-lock.yaml,pnpm-workspace.yaml}", "pnpm lock file and workspace (catalogs)", "https://pnpm.io/pnpm-workspace_yaml"),
      m("**/yarn.lock", "Yarn lock file", "https://classic.yarnpkg.com/en/docs/yarn-lock"),
      m("**/{.npmrc,.yarnrc,.yarnrc.yml}", "npm / Yarn registry configuration (where packages come from)", "https://docs.npmjs.com/cli/configuring-npm/npmrc"),
      m("**/requirements*.txt", "pip requirements", "https://pip.pypa.io/en/stable/reference/requirements-file-format/"),
      m("**/requirements/*.txt", "pip requirements (directory)", "https://pip.pypa.io/en/stable/reference/requirements-file-format/"),
      m("**/constraints*.txt", "pip constraints", "https://pip.pypa.io/en/stable/user_guide/#constraints-files"),
      m("**/pyproject.toml", "Python project (PEP 621, Poetry, uv)", "https://packaging.python.org/en/latest/specifications/pyproject-toml/"),
      m("**/{poetry.lock,uv.lock,pdm.lock}", "Poetry / uv / PDM lock file", "https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile"),
      m("**/{Pipfile,Pipfile.lock}", "Pipenv manifest and lock file", "https://pipenv.pypa.io/en/latest/pipfile.html"),
      m("**/{setup.py,setup.cfg}", "setuptools metadata", "https://setuptools.pypa.io/en/latest/userguide/dependency_management.html"),
      m("**/{go.mod,go.sum,go.work}", "Go modules", "https://go.dev/ref/mod#go-mod-file"),
      m("**/{Cargo.toml,Cargo.lock}", "Cargo manifest and lock file", "https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html"),
      m("**/pom.xml", "Maven POM", "https://maven.apache.org/pom.html#Dependencies"),
      m("**/{build.gradle,build.gradle.kts,settings.gradle,settings.gradle.kts,gradle.lockfile}", "Gradle build and lock file", "https://docs.gradle.org/current/userguide/declaring_dependencies.html"),
      m("**/libs.versions.toml", "Gradle version catalog", "https://docs.gradle.org/current/userguide/version_catalogs.html"),
      m("**/{Gemfile,Gemfile.lock,gems.rb,gems.locked}", "Bundler manifest and lock file", "https://bundler.io/guides/gemfile.html"),
      m("**/*.gemspec", "RubyGems specification", "https://guides.rubygems.org/specification-reference/"),
      m("**/{composer.json,composer.lock}", "Composer manifest and lock file", "https://getcomposer.org/doc/04-schema.md"),
      m("**/*.{csproj,fsproj,vbproj}", "NuGet PackageReference (MSBuild project)", "https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files"),
      m("**/{packages.config,Directory.Packages.props,packages.lock.json}", "NuGet packages.config, central package versions, lock file", "https://learn.microsoft.com/en-us/nuget/consume-packages/central-package-management"),
      m("**/{nuget.config,NuGet.Config}", "NuGet sources (where packages come from)", "https://learn.microsoft.com/en-us/nuget/reference/nuget-config-file"),
    ],
  },
];

export const PATH_SET_NAMES: readonly PathSetName[] = PATH_SETS.map((s) => s.name);

const BY_NAME = new Map<string, PathSet>(PATH_SETS.map((s) => [s.name, s]));

export function pathSet(name: string): PathSet | undefined {
  return BY_NAME.get(name);
}

/** Whether a `match` entry names a set (`@ci`, `!@ci`), known or not. */
export function isSetReference(pattern: string): boolean {
  return (pattern.startsWith("!") ? pattern.slice(1) : pattern).startsWith("@");
}

/**
 * A `match` list with every set reference replaced by its member globs (`!@ci` by `!member` each).
 * Unknown names stay as written (the policy validator refuses them, so only a hand-built policy
 * could carry one; as a literal glob it matches a file of that name only).
 */
export function expandPathSets(patterns: readonly string[]): { pattern: string; set: PathSetName | null }[] {
  const out: { pattern: string; set: PathSetName | null }[] = [];
  for (const p of patterns) {
    const negated = p.startsWith("!");
    const set = pathSet(negated ? p.slice(1) : p);
    if (!set) {
      out.push({ pattern: p, set: null });
      continue;
    }
    for (const member of set.members) out.push({ pattern: negated ? `!${member.pattern}` : member.pattern, set: set.name });
  }
  return out;
}
