/** Types of scripts/gen-example-check.js (plain ESM JavaScript), for test/docs.test.ts. */
import type { ApprovalFacts, Decision, PullFacts } from "../src/engine/types.js";
export const DOC_FILE: string;
export const POLICY_EXAMPLE: string;
export function exampleFacts(): PullFacts;
export function exampleApprovals(): ApprovalFacts[];
export function exampleDecision(policyText?: string): Decision;
export function renderExampleCheckDoc(decision?: Decision): string;
