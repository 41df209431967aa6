/**
 * The check run's `output.summary` in Markdown (SPEC §6): verdict first, then agents and evidence,
 * the approval requirements, approvals counted and not counted with the reason, the guard analysis
 * and the files grouped by rule. Pure: a Decision in, a string within GitHub's limit out.
 */
import { describeApprover, joinList, shortSha } from "../decide/words.js";
import { ruleName } from "../decide/rule-name.js";
import { POLICY_PATH } from "../names.js";
import { policyErrorLocation } from "../policy/errors.js";
import type {
  ApprovalOutcome,
  Conclusion,
  Decision,
  DetectedAgent,
  Evidence,
  FileOutcome,
  HeadPolicyCheck,
  PolicyError,
  PolicyPreview,
  PolicySource,
  PullVerdict,
  Requirement,
  RequirementOutcome,
  ReviewRequestNote,
  UpdateMergeFacts,
} from "../types.js";
import { BoundedDoc, CHECK_OUTPUT_MAX, CHECK_TITLE_MAX, formatCount, plural } from "./bounded-doc.js";
import { groupEvidence, groupFilesByRule, type RuleGroup } from "./groups.js";
import { guardSections, guardVerdict, requirementKindName } from "./guard.js";
import { code, fileLabel, md, user } from "./markdown.js";

/**
 * Where the Markdown is shown. `check`: the app's check run (it has the **Approve** button and a
 * Re-run). `advisory`: the GitHub Action's job summary or the CLI's `--format markdown`, which see no
 * reviews and have no button: they say what a reviewer must do under the app instead.
 */
export type RenderSurface = "check" | "advisory";

export interface RenderCheckOptions {
  surface?: RenderSurface;
}

/** Evidence rows shown in the open; more fold into a `<details>` block so the verdict stays in view. */
export const EVIDENCE_OPEN_ROWS = 10;

const ICON: Record<Conclusion, string> = { success: "✅", failure: "❌", action_required: "🔒", neutral: "➖" };

function requirementName(r: RequirementOutcome): string {
  if (r.kind) return `${requirementKindName(r.kind)} requirement`;
  return r.rule === null ? "default requirement (`approval`)" : `${ruleName(r.rule)}'s requirement`;
}

function policyErrorLine(e: PolicyError): string {
  return `- ${code(policyErrorLocation(e))} ${md(e.message, 1000)}`;
}

function describeRequirementMd(req: Requirement, contributors: string[] | undefined): string {
  const parts = [`a human (not a bot or coding agent) with **${req.min_permission}** permission or higher`];
  const scope: string[] = [];
  if (req.teams.length > 0) scope.push(`a member of ${req.teams.map((t) => code(t)).join(" or ")}`);
  if (req.users.length > 0) scope.push(`one of ${req.users.map(user).join(", ")}`);
  if (scope.length > 0) parts.push(scope.join(" or "));
  if (req.exclude_contributors) {
    const who = contributors && contributors.length > 0 ? ` (${joinList(contributors.slice(0, 20).map(user), 19)})` : "";
    parts.push(`not the PR author or an author, committer or co-author of its commits${who}`);
  }
  return parts.join(", ");
}

function stateReRun(surface: RenderSurface): string {
  if (surface === "advisory") return "Run agent-gate again once what it needs can be read (re-run the job, or push a commit).";
  return "Re-run the `agent-gate` check (**Re-run** on the Checks tab, or push a commit) once GitHub is reachable. A pull request over GitHub's listing caps (3,000 files, 250 commits) cannot be verified: split it.";
}

/** The check's `output.summary`: the verdict and everything needed to act on it. */
export function renderSummary(d: Decision, limit = CHECK_OUTPUT_MAX, options: RenderCheckOptions = {}): string {
  return summaryOf(d, limit, groupFilesByRule(d.files), options.surface ?? "check");
}

export function summaryOf(d: Decision, limit: number, groups: RuleGroup[], surface: RenderSurface): string {
  const doc = new BoundedDoc(limit);
  doc.line(`### ${ICON[d.conclusion]} ${md(d.title, CHECK_TITLE_MAX)}`);
  doc.line();
  verdictSection(doc, d, surface);
  if (d.pulls && d.pulls.length > 1) pullsSection(doc, d.pulls);
  if (d.unverified.length > 0) {
    doc.line("#### Could not verify");
    doc.line();
    doc.list(d.unverified.map((u) => `- ${md(u, 1000)}`), "problems", 30);
    doc.line();
    doc.line(stateReRun(surface));
    doc.line();
  }
  if (d.policyErrors.length > 0) {
    doc.line(`#### Policy errors (${formatCount(d.policyErrors.length)})`);
    doc.line();
    doc.list(d.policyErrors.map(policyErrorLine), "errors", 50);
    doc.line();
  }
  headPolicySection(doc, d.headPolicy, d.repairsPolicy);
  if (d.policyPreview && d.headPolicy?.status === "valid") policyPreviewLines(doc, d.policyPreview);
  if (d.agentAuthored || d.detection.evidence.length > 0) agentsSection(doc, d.detection.agents, d.detection.evidence);
  unknownBotsNote(doc, d);
  assistedSection(doc, d);
  if (d.requirements.length > 0) requirementsSection(doc, d);
  if (d.updateMerge && d.agentAuthored) updateMergeLines(doc, d.updateMerge, d.baseRef);
  if (d.approvals.length > 0) approvalsSection(doc, d.approvals);
  for (const section of guardSections(d, { md, code })) {
    doc.line(`#### ${section.heading}`);
    doc.line();
    if (section.intro) {
      doc.line(section.intro);
      doc.line();
    }
    doc.list(section.items, section.noun, section.cap);
    doc.line();
  }
  if (d.files.length > 0) fileSummarySection(doc, d.files, groups, surface);
  policySection(doc, d.policy);
  return doc.toString();
}

function verdictSection(doc: BoundedDoc, d: Decision, surface: RenderSurface): void {
  if (d.policyErrors.length > 0 && !d.repairsPolicy) {
    doc.line(`The policy file (${md(d.policy.source.description)}) is invalid, so every pull request fails until it is fixed: a broken file may hold the agents or rules that would have caught this one. Fix the errors below on the default branch; a pull request that the built-in catalogue does not flag as agent-authored and whose copy of \`${POLICY_PATH}\` is valid passes as a repair.`);
    doc.line();
    return;
  }
  if (d.repairsPolicy) {
    doc.line(`The policy on the default branch is invalid. This pull request changes \`${POLICY_PATH}\` to a valid version and no coding agent was detected by the built-in catalogue, so it may merge to repair the policy.`);
    doc.line();
    return;
  }
  switch (d.conclusion) {
    case "neutral":
      doc.line("The policy sets `enabled: false`: agent-gate does not gate this pull request.");
      break;
    case "success":
      if (!d.agentAuthored) {
        doc.line("No coding agent detected. Checked:");
        doc.line();
        doc.list(d.detection.checked.map((c) => `- ${md(c)}`), "more", 20);
      } else if (d.requirements.length === 0) {
        doc.line(d.files.length === 0 ? "Agent-authored, but it changes no file." : "Agent-authored; every changed file is `allow` under the policy, so no approval is needed.");
      } else {
        doc.line("Agent-authored; every approval requirement is met.");
      }
      break;
    case "failure":
      if (d.blocked.length > 0) {
        doc.line(`Agent-authored, and these files may not be changed by coding agents, whatever the approvals (${plural(d.blocked.length, "file")}):`);
        doc.line();
        doc.list(d.blocked.map((f) => `- ${fileLabel(f)} — ${ruleName(f.rule)}${f.pattern ? ` ${code(f.pattern)}` : ""}${f.reason ? `: ${md(f.reason)}` : ""}`), "blocked files", 50);
      } else if (guardVerdict(d) !== undefined) {
        doc.line(guardVerdict(d));
      } else if (d.headPolicy?.status === "invalid") {
        doc.line(`This pull request changes \`${POLICY_PATH}\` to a version that is invalid: once merged, it would fail every pull request. Fix the errors below.`);
      } else if (d.unverified.length > 0) {
        doc.line(d.agentAuthored
          ? "Agent-authored, and some facts needed for the decision could not be read, so it cannot pass (fail closed)."
          : "No coding agent was detected in what could be read, but not everything could be read, and an unread commit may be an agent's (fail closed).");
      }
      break;
    case "action_required":
      doc.line("**Still needed:**");
      doc.line();
      for (const r of d.requirements.filter((x) => !x.met)) {
        doc.line(`- ${plural(r.missing, "more approval")} for ${plural(r.files.length, "file")} (${requirementName(r)}) from ${describeRequirementMd(r.requirement, d.contributors)}.`);
      }
      doc.line();
      if (surface === "advisory") {
        doc.line(
          `This advisory run sees no reviews, so it cannot tell whether these approvals exist: under the agent-gate GitHub App a qualifying reviewer approves commit ${code(shortSha(d.headSha))} with a pull request review, and only the app counts approvals and enforces merge.`,
        );
      } else {
        doc.line(`Approve with a review on commit ${code(shortSha(d.headSha))}, or with the **Approve** button of this check.`);
      }
      break;
  }
  doc.line();
}

function pullsSection(doc: BoundedDoc, pulls: PullVerdict[]): void {
  doc.line("#### Pull requests with this head commit");
  doc.line("This check carries the strictest verdict of them:");
  doc.line();
  doc.line("| Pull request | Verdict |");
  doc.line("|---|---|");
  doc.list(pulls.map((p) => `| ${p.number !== null ? `#${p.number}` : "—"} | ${ICON[p.conclusion]} ${md(p.title, 200)} |`), "pull requests", 50);
  doc.line();
}

function headPolicySection(doc: BoundedDoc, head: HeadPolicyCheck | undefined, repairs: boolean): void {
  if (!head || repairs) return;
  if (head.status === "invalid") {
    doc.line(`#### This pull request's \`${POLICY_PATH}\` is invalid (${plural(head.errors.length, "error")})`);
    doc.line("It is not applied here (the policy comes from the default branch), but it would break every pull request once merged:");
    doc.line();
    doc.list(head.errors.map(policyErrorLine), "errors", 30);
    doc.line();
  }
}

function agentsSection(doc: BoundedDoc, agents: DetectedAgent[], allEvidence: Evidence[]): void {
  const evidence = groupEvidence(allEvidence);
  doc.line("#### Agents and evidence");
  if (agents.length > 0) doc.line(`Detected: ${agents.map((a) => `${md(a.name, 80)} (${code(a.id, { max: 60 })})`).join(", ")}`);
  doc.line();
  const row = (e: Evidence) => `| ${code(e.agent, { inTable: true, max: 60 })} | ${e.signal} | ${md(e.where, 120)} | ${code(e.value, { inTable: true, max: 160 })} |`;
  const table = (rows: Evidence[], total: number) => {
    doc.line("| Agent | Signal | Where | Value |");
    doc.line("|---|---|---|---|");
    doc.list(rows.map(row), "pieces of evidence", 30, total);
    doc.line();
  };
  table(evidence.slice(0, EVIDENCE_OPEN_ROWS), Math.min(evidence.length, EVIDENCE_OPEN_ROWS));
  if (evidence.length > EVIDENCE_OPEN_ROWS) {
    // A long table would push the requirements and files out of view: the rest folds away. An HTML
    // block ends at a blank line, so the table inside is parsed as Markdown (GFM §4.6, kind 6).
    const rest = evidence.slice(EVIDENCE_OPEN_ROWS);
    doc.line(`<details><summary>${plural(rest.length, "more piece", "more pieces")} of evidence</summary>`);
    doc.line();
    table(rest.slice(0, 30), rest.length);
    doc.line("</details>");
    doc.line();
  }
}

/** SPEC §2 signal 6: which bot accounts were treated as agents (or reported), and how to trust one. */
function unknownBotsNote(doc: BoundedDoc, d: Decision): void {
  const bots = d.detection.unknownBots ?? [];
  if (bots.length === 0) return;
  const logins = [...new Set(bots.map((b) => b.login))];
  const gating = d.detection.evidence.some((e) => e.signal === "unknown-bot");
  doc.line(
    `**Unknown bot${logins.length === 1 ? "" : "s"}:** ${logins.slice(0, 10).map((l) => code(l, { max: 60 })).join(", ")}${logins.length > 10 ? ` +${logins.length - 10} more` : ""} ` +
      `wrote code in this pull request and ${logins.length === 1 ? "is" : "are"} neither a catalogued coding agent nor trusted automation` +
      `${gating ? ", so agent-gate treats " + (logins.length === 1 ? "it" : "them") + " as a coding agent" : " (reported, not gating: `agents.unknown_bots: report`)"}. ` +
      `If it is automation and not an agent, add it to \`agents.trusted\` in \`${POLICY_PATH}\` (a login or its numeric id); \`agents.unknown_bots\` sets what unknown bots do.`,
  );
  doc.line();
}

/** SPEC §2 "assisted": commits applying AI reviewers' suggestions, shown apart from the agents. */
function assistedSection(doc: BoundedDoc, d: Decision): void {
  const evidence = groupEvidence(d.detection.assistedEvidence ?? []);
  if (evidence.length === 0) return;
  const agents = d.detection.assisted ?? [];
  const gating = evidence.some((e) => d.detection.evidence.some((g) => g.agent === e.agent && g.where === e.where && g.value === e.value));
  doc.line(`#### AI-assisted commits (${gating ? "gating: `agents.assisted: gate`" : "reported, not gating"})`);
  doc.line(
    `Suggestions written by ${agents.map((a) => `${md(a.name, 80)} (${code(a.id, { max: 60 })})`).join(", ") || "AI reviewers"} and applied by a human.`,
  );
  doc.line();
  doc.line("| Reviewer | Signal | Where | Value |");
  doc.line("|---|---|---|---|");
  doc.list(
    evidence.map((e) => `| ${code(e.agent, { inTable: true, max: 60 })} | ${e.signal} | ${md(e.where, 120)} | ${code(e.value, { inTable: true, max: 160 })} |`),
    "pieces of evidence",
    20,
  );
  doc.line();
}

function requirementsSection(doc: BoundedDoc, d: Decision): void {
  doc.line("#### Approval requirements");
  doc.line();
  doc.line("| Requirement | Files | Needs | Approved by | Status |");
  doc.line("|---|---|---|---|---|");
  doc.list(
    d.requirements.map((r) => {
      const needs = `${r.requirement.count} × ${md(describeApprover(r.requirement, r.requirement.count), 400)}`;
      const by = r.approvedBy.length > 0 ? r.approvedBy.slice(0, 10).map(user).join(", ") + (r.approvedBy.length > 10 ? ` +${r.approvedBy.length - 10}` : "") : "—";
      const status = r.met ? "✅ met" : `🔒 ${plural(r.missing, "more approval")} needed`;
      return `| ${r.kind ? requirementKindName(r.kind) : ruleName(r.rule)} | ${formatCount(r.files.length)} | ${needs} | ${by} | ${status} |`;
    }),
    "requirements",
    40,
  );
  doc.line();
  if (d.reviewRequest && d.conclusion === "action_required") reviewRequestLines(doc, d.reviewRequest);
}

/** The edited policy's effect on the other open agent PRs (a PR that changes `.github/agent-policy.yml`). */
function policyPreviewLines(doc: BoundedDoc, p: PolicyPreview): void {
  doc.line(`#### Preview of this pull request's \`${POLICY_PATH}\``);
  if (p.unavailable !== undefined) doc.line(`No preview: ${md(p.unavailable, 400)}.`);
  else
    doc.line(
      `The edited policy is valid. On the ${p.looked === p.limit ? `first ${p.limit}` : `${p.looked}`} other open pull requests (most recently updated first${p.looked === p.limit ? "; more were not looked at" : ""}), it would **block** ${plural(p.block, "agent pull request")} (\`success\` → not), **unblock** ${p.unblock} and leave ${p.leave} as they are.`,
    );
  doc.line();
}

/** `approval.keep_on_update_merge`: whether the approvals of the earlier head were carried over, and why not. */
function updateMergeLines(doc: BoundedDoc, u: UpdateMergeFacts, baseRef: string): void {
  const from = code(shortSha(u.from));
  if (u.carried) {
    doc.line(`Approvals given at ${from} were **carried over**: this commit is an "Update branch" merge of it with the tip of ${code(baseRef)} that changes none of the pull request's files (\`approval.keep_on_update_merge\`).`);
  } else {
    doc.line(`Approvals given at ${from} were **not carried over** to this "Update branch" merge: ${md(u.reason ?? "it does not qualify", 600)}.`);
  }
  doc.line();
}

/** Who was asked to review (once per head commit) and, when they come to ≤ 10 people, who may approve. */
function reviewRequestLines(doc: BoundedDoc, r: ReviewRequestNote): void {
  const asked = [...r.users.map(user), ...r.teams.map((t) => `team ${code(t)}`)];
  if (asked.length > 0 && r.failed !== undefined) doc.line(`Review could not be requested from ${joinList(asked, 10)}: ${md(r.failed, 300)}`);
  else if (asked.length > 0) doc.line(`Review requested from ${joinList(asked, 10)} (once for this commit).`);
  const refused = r.refused ? [...r.refused.users.map(user), ...r.refused.teams.map((t) => `team ${code(t)}`)] : [];
  if (refused.length > 0) doc.line(`Review could not be requested from ${joinList(refused, 10)}: not a collaborator of this repository (GitHub requests reviews only from people and teams with access to it).`);
  if (r.people !== null && r.people.length > 0) doc.line(`Who may approve: ${joinList(r.people.map(user), 10)}.`);
  doc.line();
}

function approvalsSection(doc: BoundedDoc, approvals: ApprovalOutcome[]): void {
  const counted = approvals.filter((a) => a.counted);
  const notCounted = approvals.filter((a) => !a.counted || a.reason);
  doc.line("#### Approvals");
  doc.line();
  // Each label is its own paragraph after a blank line: "Not counted:" written right under the
  // counted list would be a lazy continuation of its last item (CommonMark §5.2).
  if (counted.length > 0) {
    doc.line("Counted:");
    doc.line();
    doc.list(counted.map((a) => `- ✅ ${user(a.login)} (${a.source === "button" ? "Approve button" : "review"})${a.reason ? ` — partly: ${md(a.reason, 400)}` : ""}`), "approvals", 40);
    doc.line();
  }
  const notAtAll = notCounted.filter((a) => !a.counted);
  if (notAtAll.length > 0) {
    doc.line("Not counted:");
    doc.line();
    doc.list(notAtAll.map((a) => `- ✖ ${user(a.login)} (${a.source === "button" ? "Approve button" : "review"}) — ${md(a.reason ?? "not counted", 400)}`), "approvals", 40);
    doc.line();
  }
}

function fileSummarySection(doc: BoundedDoc, files: FileOutcome[], groups: RuleGroup[], surface: RenderSurface): void {
  doc.line(`#### Files by rule (${plural(files.length, "file")})`);
  doc.line();
  doc.line("| Rule | Action | Patterns | Files |");
  doc.line("|---|---|---|---|");
  doc.list(
    groups.map((g) => {
      const pats = g.patterns.length > 0 ? g.patterns.slice(0, 5).map((p) => code(p, { inTable: true, max: 100 })).join(" ") + (g.patterns.length > 5 ? " …" : "") : "—";
      const first = g.files.slice(0, 3).map((f) => code(f.path, { inTable: true, max: 100 })).join(", ") + (g.files.length > 3 ? ", …" : "");
      return `| ${ruleName(g.rule)} | ${g.action} | ${pats} | ${formatCount(g.files.length)}: ${first} |`;
    }),
    "rules",
    40,
  );
  doc.line();
  doc.line(surface === "advisory" ? "Every file with its rule is listed below." : "Every file with its rule is listed in the check's details.");
  doc.line();
}

function policySection(doc: BoundedDoc, policy: { source: PolicySource; hash: string | null }): void {
  doc.line(`Policy: ${md(policy.source.description, 500)} (${policy.source.kind})${policy.hash ? ` · sha256 ${code(policy.hash)}` : ""}`);
}
