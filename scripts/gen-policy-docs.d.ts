/** Types of scripts/gen-policy-docs.js (plain ESM JavaScript), for test/docs.test.ts. */
export type JsonSchemaNode = Record<string, unknown>;
export interface SchemaKey {
  path: string;
  node: JsonSchemaNode;
  parent: JsonSchemaNode;
  name: string;
}
export const BEGIN_MARKER: string;
export const END_MARKER: string;
export const SCHEMA_FILE: string;
export const DOC_FILE: string;
export function collectKeys(schema: JsonSchemaNode): SchemaKey[];
export function renderReference(schema: JsonSchemaNode): string;
export function renderPolicyDoc(currentDoc: string, schema: JsonSchemaNode): string;
export function readSchema(file?: string): JsonSchemaNode;
