/** `_extends` (Probot's syntax): which file a policy layers itself over. */
import { EXTENDS_PATTERN } from "./schema.js";

/** Where an `_extends` value points (Probot's syntax); null when it is not valid. */
export function parseExtends(
  value: string,
  from: { owner: string; path: string },
): { owner: string; repo: string; path: string } | null {
  if (!new RegExp(EXTENDS_PATTERN, "u").test(value)) return null;
  const [repoPart, path] = value.includes(":") ? [value.slice(0, value.indexOf(":")), value.slice(value.indexOf(":") + 1)] : [value, from.path];
  const slash = repoPart.indexOf("/");
  return slash >= 0
    ? { owner: repoPart.slice(0, slash), repo: repoPart.slice(slash + 1), path }
    : { owner: from.owner, repo: repoPart, path };
}
