/**
 * The engine's public API: pure functions over plain data (types.ts). The GitHub App and the CLI
 * import from here; nothing in the engine does I/O.
 */
export * from "./types.js";
export * from "./names.js";
export * from "./catalogue.js";
export * from "./trailers.js";
export * from "./detect.js";
export * from "./policy/defaults.js";
export * from "./policy/schema.js";
export * from "./policy/load.js";
export * from "./policy/yaml.js";
export * from "./policy/validate.js";
export * from "./policy/hash.js";
export * from "./policy/extends.js";
export { describePointer } from "./policy/pointers.js";
export { suggest } from "./policy/wording.js";
export * from "./decide/match.js";
export * from "./decide/decide.js";
export * from "./decide/detection-config.js";
export * from "./decide/strictest.js";
export * from "./decide/words.js";
export { dependencyRequirement, effectiveRequirement, escalationRequirement, requirementsForFiles } from "./decide/requirements.js";
export * from "./ai-reviewers.js";
export * from "./decide/review-requests.js";
export * from "./render/check.js";
export { CHECK_OUTPUT_MAX, CHECK_TITLE_MAX, utf8Length } from "./render/bounded-doc.js";
export { code, md, sanitize } from "./render/markdown.js";
export { groupEvidence, groupFilesByRule } from "./render/groups.js";
export { EVIDENCE_OPEN_ROWS, renderSummary, type RenderCheckOptions, type RenderSurface } from "./render/summary.js";
export { renderDetails } from "./render/details.js";
export * from "./render/text.js";
export * from "./render/json.js";
export { ruleName } from "./decide/rule-name.js";
