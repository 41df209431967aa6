/**
 * The guard analysis of an agent-authored PR (issue 11): workflow privilege escalations and
 * dependency additions, from the base and head texts the adapter read (`PullFacts.contents`).
 */
import { analyzeManifestChange, isAnalysedManifest } from "./dependencies/index.js";
import { DEFAULT_DEPENDENCY_ACTION, DEFAULT_WORKFLOW_ESCALATION } from "./policy/defaults.js";
import type { ChangedFile, FileContent, GuardOutcome, Policy } from "./types.js";
import { analyzeWorkflowChange, isAnalysedWorkflowFile } from "./workflows/escalations.js";

/** Changed files whose base and head texts the analysis needs (removed files add nothing). */
export function filesNeedingContent(files: readonly ChangedFile[]): ChangedFile[] {
  return files.filter((f) => f.status !== "removed" && (isAnalysedWorkflowFile(f.path) || isAnalysedManifest(f.path)));
}

/** The analysis over the contents, and the needed files the contents lack (to fail closed on). */
export function analyzeGuard(policy: Policy, files: readonly ChangedFile[], contents: readonly FileContent[]): { outcome: GuardOutcome; missing: string[] } {
  const outcome: GuardOutcome = {
    escalation: policy.workflows?.escalation ?? DEFAULT_WORKFLOW_ESCALATION,
    findings: [],
    dependencyAction: policy.dependencies?.action ?? DEFAULT_DEPENDENCY_ACTION,
    dependencies: [],
    errors: [],
  };
  const byPath = new Map(contents.map((c) => [c.path, c]));
  const missing: string[] = [];
  for (const f of filesNeedingContent(files)) {
    const c = byPath.get(f.path);
    if (!c) {
      missing.push(f.path);
      continue;
    }
    if (isAnalysedWorkflowFile(f.path)) {
      const a = analyzeWorkflowChange(c);
      outcome.findings.push(...a.findings);
      outcome.errors.push(...a.errors);
    }
    if (isAnalysedManifest(f.path)) {
      const a = analyzeManifestChange(c);
      outcome.dependencies.push(...a.changes);
      outcome.errors.push(...a.errors);
    }
  }
  return { outcome, missing };
}
