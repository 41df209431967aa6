/**
 * The CLI's exit codes (documented in `agent-gate --help` and docs/cli.md). They mirror the check
 * run conclusions so that a CI step or a git hook can act on them without parsing output.
 */
import type { Conclusion } from "../engine/types.js";

export const EXIT_OK = 0;
/** The agent work needs a qualifying human's approval (`action_required`); offline nobody has approved. */
export const EXIT_APPROVAL_NEEDED = 1;
/** A changed path is blocked for agents (`failure`): no approval can clear it. */
export const EXIT_BLOCKED = 2;
/** Usage error, invalid or unreadable policy, or git error (unknown ref, not a repository …). */
export const EXIT_ERROR = 3;

export function exitCodeFor(conclusion: Conclusion): number {
  switch (conclusion) {
    case "success":
    case "neutral":
      return EXIT_OK;
    case "action_required":
      return EXIT_APPROVAL_NEEDED;
    case "failure":
      return EXIT_BLOCKED;
  }
}

export const EXIT_CODES_HELP = `Exit codes:
  0  success: no coding agent, or the agent work is allowed (also: disabled by policy)
  1  approval needed: a qualifying human must approve (offline, nobody has)
  2  blocked: the agent work touches a path the policy blocks, or cannot be verified
  3  error: usage error, invalid or unreadable policy, git error (unknown ref, not a repository)`;
