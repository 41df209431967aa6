/**
 * How a policy error is written for people, in one place (issue 13): the CLI's `validate`, the
 * check summary and the text output all locate an error the same way, `file:line:column`, and an
 * error that is not tied to a position (line 0: an unreadable file, a failed `_extends`) is located
 * by its file alone, never as `file:0:0`.
 */
import { escapeText } from "../escape.js";
import type { PolicyError } from "../types.js";

/** `file:line:column`, or `file` alone when there is no position (line 0). Not escaped: the caller escapes for its medium. */
export function errorLocation(file: string, line: number, column: number): string {
  return line > 0 ? `${file}:${line}:${column}` : file;
}

/** Where a policy error is (see errorLocation). */
export function policyErrorLocation(e: PolicyError): string {
  return errorLocation(e.file, e.line, e.column);
}

/** `file:line:column: message`, the format compilers use (editors and CI annotations link it); escaped plain text. */
export function formatPolicyError(e: PolicyError): string {
  return `${escapeText(errorLocation(e.file, e.line, e.column))}: ${escapeText(e.message)}`;
}

/**
 * Every error leaves the loader escaped (src/engine/escape.ts): its message quotes the file's text
 * and its file name comes from `_extends`, and each must stay one line without control or bidi
 * characters wherever it is shown (terminal, check summary, log line).
 */
export function safeError(e: PolicyError): PolicyError {
  return { ...e, file: escapeText(e.file), message: escapeText(e.message) };
}
