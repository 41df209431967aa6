/**
 * `agent-gate validate [FILE]`: the same validation the app applies to `.github/agent-policy.yml`
 * (JSON Schema + YAML positions), for editors, pre-commit hooks and the PR that changes the policy.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { POLICY_PATH } from "../engine/names.js";
import { formatPolicyError, loadPolicy } from "../engine/policy/load.js";
import type { PolicyError } from "../engine/types.js";
import { CliError } from "./check.js";
import { GitError, openRepository } from "./git.js";

export type ValidateResult = { ok: true; file: string; hash: string } | { ok: false; file: string; errors: PolicyError[] };

/**
 * Without FILE, the policy in the working tree of the repository around `cwd` (its top level, so
 * that running from a subdirectory finds it), else `cwd/.github/agent-policy.yml`.
 */
async function defaultFile(cwd: string, env: Record<string, string | undefined>): Promise<{ abs: string; shown: string }> {
  let root = cwd;
  try {
    const repo = await openRepository(cwd, env);
    if (repo.workTree) root = repo.workTree;
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
  }
  const abs = path.join(root, POLICY_PATH);
  return { abs, shown: path.relative(cwd, abs) || abs };
}

export async function runValidate(
  file: string | undefined,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<ValidateResult> {
  const { abs, shown } = file === undefined ? await defaultFile(cwd, env) : { abs: path.resolve(cwd, file), shown: file };
  let text: string;
  try {
    text = await readFile(abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? String(e));
    throw new CliError(`cannot read policy file ${shown}: ${why}`);
  }
  const loaded = loadPolicy(text, shown);
  return loaded.ok ? { ok: true, file: shown, hash: loaded.hash } : { ok: false, file: shown, errors: loaded.errors };
}

export function formatValidateErrors(errors: PolicyError[]): string {
  return errors.map((e) => formatPolicyError(e)).join("\n") + "\n";
}
