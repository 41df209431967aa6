/**
 * JSON pointers into a parsed policy document (`/paths/0/approval/count`): how the position index,
 * the validator and the error wording name a value. RFC 6901 escaping (`~0`, `~1`).
 */
import { quote } from "../escape.js";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

export function parentPointer(pointer: string): string {
  return pointer.slice(0, pointer.lastIndexOf("/"));
}

export function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  if (pointer === "") return v;
  for (const token of pointer.slice(1).split("/").map(unescapePointer)) {
    if (Array.isArray(v)) v = v[Number(token)];
    else if (isPlainObject(v)) v = v[token];
    else return undefined;
  }
  return v;
}

/** "/paths/0/approval/count" → "paths[0].approval.count"; "" → "top level". */
export function describePointer(pointer: string): string {
  if (pointer === "") return "top level";
  let out = "";
  for (const token of pointer.slice(1).split("/").map(unescapePointer)) {
    if (/^\d+$/.test(token)) out += `[${token}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(token)) out += out === "" ? token : `.${token}`;
    else out += `[${quote(token)}]`;
  }
  return out;
}
