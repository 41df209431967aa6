/** The detection configuration no policy can narrow. */
import { DEFAULT_AGENT_LABEL } from "../names.js";
import { SIGNAL_KINDS } from "../types.js";
import type { DetectionConfig } from "../types.js";

/**
 * The built-in catalogue with every signal, independent of any policy file. Used where the policy
 * cannot be trusted or read (SPEC §4 rule 0's repair exception) and to refuse agent accounts as
 * approvers even when a policy narrows detection.
 */
export const BUILTIN_DETECTION_CONFIG: Readonly<DetectionConfig> = Object.freeze({
  builtin: true,
  signals: [...SIGNAL_KINDS],
  define: [],
  ignore: [],
  manualLabel: DEFAULT_AGENT_LABEL,
});
