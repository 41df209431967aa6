/**
 * The fields every handled delivery is keyed on, checked once before any handler runs (issue 8,
 * the webhook fuzzer: test/e2e/webhook-fuzz.test.ts). A signed payload is GitHub's, but a handler must
 * still not act on one whose installation or repository it cannot name: Probot builds the event's
 * Octokit from `installation.id` (without one the requests go out unauthenticated) and every read and
 * write is addressed by `repository.owner.login` / `repository.name` (a missing name became a GraphQL
 * query without its `$name`). Such a delivery is answered and ignored, with a log line; nothing is
 * read or written. Each handler validates the fields of its own event on top of this.
 */

/** GitHub logins: letters, digits, single hyphens, ≤ 39; bots end in "[bot]". Linear: one class, bounded. */
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}(?:\[bot\])?$/;
/** Repository names: letters, digits, `.`, `-`, `_`, ≤ 100. */
const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** Why the delivery cannot be handled, or null when its installation and repository are well-formed. */
export function payloadProblem(payload: unknown, opts: { repository: boolean } = { repository: true }): string | null {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return "the payload is not an object";
  const p = payload as { installation?: unknown; repository?: unknown };
  const installation = p.installation as { id?: unknown } | null | undefined;
  if (typeof installation !== "object" || installation === null || typeof installation.id !== "number" || !Number.isSafeInteger(installation.id) || installation.id <= 0) {
    return "installation.id is missing or not a positive integer";
  }
  if (!opts.repository) return null; // installation events name repositories in lists of their own
  const repository = p.repository as { name?: unknown; owner?: { login?: unknown } | null } | null | undefined;
  if (typeof repository !== "object" || repository === null) return "repository is missing";
  if (typeof repository.name !== "string" || !REPO_NAME.test(repository.name)) return "repository.name is missing or malformed";
  if (typeof repository.owner !== "object" || repository.owner === null || typeof repository.owner.login !== "string" || !LOGIN.test(repository.owner.login)) {
    return "repository.owner.login is missing or malformed";
  }
  return null;
}
