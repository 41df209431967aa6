/**
 * The manual signal (SPEC §2 signal 5): a human put the agent label on the PR (the adapter passes
 * the label only when its latest `labeled` event was by a User).
 */
import type { DetectionConfig, PullFacts } from "../types.js";
import type { Compiled } from "./compile.js";
import { MANUAL_AGENT, type Collector } from "./evidence.js";

export function detectManual(compiled: Compiled, config: DetectionConfig, facts: PullFacts, all: Collector, checked: string[]): void {
  if (!compiled.signals.has("manual") || compiled.manualLabel === null) return;
  checked.push(`labels (${config.manualLabel})`);
  const label = facts.labels.find((l) => l.toLowerCase() === compiled.manualLabel);
  const by = label === undefined ? undefined : facts.labelActors?.find((a) => a.label.toLowerCase() === compiled.manualLabel)?.login;
  if (label !== undefined) all.agent({ id: MANUAL_AGENT, name: "manual label" }, "manual", by ? `label, added by @${by}` : "label", label);
}
