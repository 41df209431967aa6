/**
 * Base and head texts of the changed workflows, action metadata files and manifests of an agent PR
 * (issue 11 §2, §3): ONE GraphQL request, aliased `object(expression: "<sha>:<path>")` Blob reads, only
 * when such a file changed (SPEC §8: "the workflow and dependency analysis at most one more read").
 *
 * The base is the base branch's tip commit the PR names (`baseRefOid`); renamed files are read at
 * their old name there. Expressions use commit ids, not branch names, so a push during the
 * evaluation cannot mix two versions (and a tag named like a branch cannot stand in for it).
 *
 * Fail closed: a blob that is missing where it must exist, binary, truncated by GitHub, or a failed
 * request makes the file `unverified` (the decision is then never `success`).
 */
import type { ChangedFile, FileContent } from "../engine/types.js";
import { describeError, type GitHub } from "./client.js";
import type { RepoRef } from "./refs.js";

/** More files than this in one PR are not analysed (one request must stay a reasonable size). */
export const MAX_CONTENT_FILES = 100;

interface GqlBlob {
  __typename: string;
  text?: string | null;
  isTruncated?: boolean;
}

/** The query for `n` files: variables $b0/$h0 … (base and head expressions). */
export function contentsQuery(n: number): string {
  const vars: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < n; i++) {
    vars.push(`$b${i}: String!`, `$h${i}: String!`);
    fields.push(`b${i}: object(expression: $b${i}) { ...AgentGateBlob }`, `h${i}: object(expression: $h${i}) { ...AgentGateBlob }`);
  }
  return `query AgentGateContents($owner: String!, $name: String!, ${vars.join(", ")}) {
  repository(owner: $owner, name: $name) {
    ${fields.join("\n    ")}
  }
}
fragment AgentGateBlob on GitObject { __typename ... on Blob { text isTruncated } }`;
}

export interface ContentsRead {
  contents: FileContent[];
  unverified: string[];
}

export async function readContents(gh: GitHub, repo: RepoRef, baseSha: string, headSha: string, files: readonly ChangedFile[]): Promise<ContentsRead> {
  if (files.length === 0) return { contents: [], unverified: [] };
  if (files.length > MAX_CONTENT_FILES) {
    return {
      contents: [],
      unverified: [`The pull request changes ${files.length} workflow, action or manifest files; agent-gate analyses at most ${MAX_CONTENT_FILES} per pull request, so their privilege and dependency changes could not be checked. Split the pull request.`],
    };
  }
  const variables: Record<string, string | number> = { owner: repo.owner, name: repo.repo };
  files.forEach((f, i) => {
    variables[`b${i}`] = `${baseSha}:${f.previousPath ?? f.path}`;
    variables[`h${i}`] = `${headSha}:${f.path}`;
  });
  let result: { repository: Record<string, GqlBlob | null> | null };
  try {
    result = await gh.graphql<typeof result>(contentsQuery(files.length), variables);
  } catch (error) {
    return {
      contents: [],
      unverified: [`Could not read the changed workflow and manifest files (${describeError(error)}), so their privilege and dependency changes could not be checked. Re-run the agent-gate check once GitHub answers again.`],
    };
  }
  const repoData = result.repository;
  const contents: FileContent[] = [];
  const unverified: string[] = [];
  files.forEach((f, i) => {
    const text = (blob: GqlBlob | null | undefined, which: string): string | null | undefined => {
      if (blob === null || blob === undefined) return null;
      if (blob.__typename !== "Blob") {
        unverified.push(`${f.path} at the ${which} is not a file (${blob.__typename}), so it could not be analysed.`);
        return undefined;
      }
      if (blob.isTruncated || typeof blob.text !== "string") {
        unverified.push(`${f.path} at the ${which} is ${blob.isTruncated ? "too large for GitHub to return in full" : "binary"}, so its privilege and dependency changes could not be checked.`);
        return undefined;
      }
      return blob.text;
    };
    if (!repoData) {
      unverified.push(`The repository could not be read for ${f.path}.`);
      return;
    }
    const base = text(repoData[`b${i}`], "base");
    const head = text(repoData[`h${i}`], "head");
    if (base === undefined || head === undefined) return;
    if (head === null) {
      // The file list says it exists at the head: a missing blob means the read is not the PR's head.
      unverified.push(`${f.path} was not found at the head commit ${headSha.slice(0, 7)}, so it could not be analysed. Re-run the check.`);
      return;
    }
    contents.push({ path: f.path, base, head });
  });
  return { contents, unverified };
}
