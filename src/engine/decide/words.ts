/** How a decision names things for people, shared by its titles, reasons and the rendered check. */
import type { Requirement } from "../types.js";

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** "a human with write access", "humans in acme/platform with maintain access", … (for titles). */
export function describeApprover(req: Requirement, n = 1): string {
  const who = n === 1 ? "a human" : "humans";
  const scopes: string[] = [];
  if (req.teams.length > 0) scopes.push(req.teams.join(" or "));
  if (req.users.length > 0) scopes.push(req.users.map((u) => "@" + u).join(" or "));
  const scope = scopes.length > 0 ? ` (${scopes.join(" or ")})` : "";
  return `${who}${scope} with ${req.min_permission} access`;
}

/** "a", "a and b", "a, b and c", "a, b, c and 1 other", "a, b, c and 2 others". */
export function joinList(items: string[], max = Infinity): string {
  if (items.length <= 1) return items.join("");
  if (items.length > max) {
    const rest = items.length - max;
    return `${items.slice(0, max).join(", ")} and ${rest.toLocaleString("en-US")} ${rest === 1 ? "other" : "others"}`;
  }
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
