/** Types of scripts/gen-agents-docs.js (plain ESM JavaScript), for test/docs.test.ts. */
import type { CatalogueAgentEntry, NonAgentAutomation } from "../src/engine/catalogue.js";
export const BEGIN_MARKER: string;
export const END_MARKER: string;
export const DOC_FILE: string;
export function renderReference(catalogue: readonly CatalogueAgentEntry[], trusted: readonly NonAgentAutomation[]): string;
export function renderAgentsDoc(currentDoc: string, catalogue: readonly CatalogueAgentEntry[], trusted: readonly NonAgentAutomation[]): string;
