/**
 * How a policy rule is named to people, in one place (issue 13): the check summary, the text and
 * JSON-adjacent outputs, the audit log and the decision's reasons all call this, so a rule is never
 * "rule 3" in one and "rule 2" in another.
 */

/** The `rule` of a file outcome or requirement: an index under `paths:`, null for the default, or the policy-file guard. */
export type RuleRef = number | null | "policy-file";

/**
 * "rule 3" is the third entry under `paths:` (1-based for people; JSON keeps the 0-based index);
 * `unruled` names the default (no rule matched), "default" unless the caller's context says more.
 */
export function ruleName(rule: RuleRef, unruled = "default"): string {
  if (rule === null) return unruled;
  if (rule === "policy-file") return "policy-file guard";
  return `rule ${rule + 1}`;
}

/** The same name starting with a capital, for the start of a line ("Rule 3", "Default"). */
export function ruleNameCapitalized(rule: RuleRef, unruled = "default"): string {
  const name = ruleName(rule, unruled);
  return name.charAt(0).toUpperCase() + name.slice(1);
}
