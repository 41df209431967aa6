import { describe, expect, it } from "vitest";
import { parseIdentity, parseNoreplyEmail, parseTrailers } from "../src/engine/trailers.js";

/**
 * Expected values were checked against `git interpret-trailers --parse --no-divider` (git 2.39.5):
 * the parser must agree with git, which is what SPEC §2 asks for.
 */
const cases: { name: string; message: string; trailers: [string, string][] }[] = [
  { name: "last paragraph of trailers", message: "Fix\n\nBody\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n", trailers: [["Co-Authored-By", "Claude <noreply@anthropic.com>"]] },
  { name: "key case is kept as written", message: "Fix\n\nCO-AUTHORED-BY: X <x@y>", trailers: [["CO-AUTHORED-BY", "X <x@y>"]] },
  { name: "trailer in the middle of a body", message: "Fix\n\nBody\nCo-authored-by: Claude <noreply@anthropic.com>\nmore prose\n", trailers: [] },
  { name: "trailer paragraph that is not the last", message: "Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\nMore text.\n", trailers: [] },
  { name: "title paragraph never holds trailers", message: "Fix\nCo-authored-by: Claude <noreply@anthropic.com>\n", trailers: [] },
  { name: "a subject that looks like a trailer", message: "Fix: thing\n", trailers: [] },
  { name: "empty message", message: "", trailers: [] },
  { name: "git-generated prefix with exactly 25% trailers", message: "Fix\n\nprose one\nprose two\nprose three\nSigned-off-by: A <a@x>\n", trailers: [["Signed-off-by", "A <a@x>"]] },
  { name: "git-generated prefix below 25% trailers", message: "Fix\n\nprose one\nprose two\nprose three\nprose four\nSigned-off-by: A <a@x>\n", trailers: [] },
  {
    name: "continuation lines fold into the previous value",
    message: "Fix\n\nKey: value\n  continued here\n\tand tab\nOther: v\n",
    trailers: [["Key", "value continued here and tab"], ["Other", "v"]],
  },
  { name: "keys with spaces are prose (Devin's session line)", message: "Fix\n\nLink to Devin session: https://app.devin.ai/sessions/abc\nRequested by: @user\n", trailers: [] },
  { name: "a lone URL is a trailer to git (key 'https')", message: "Fix\n\nhttps://chatgpt.com/codex/tasks/task_e_123\n", trailers: [["https", "//chatgpt.com/codex/tasks/task_e_123"]] },
  {
    name: "------ is no divider, and makes the Codex footer paragraph prose",
    message: "Fix\n\n## Summary\n- x\n\n------\nhttps://chatgpt.com/codex/tasks/task_e_123\n",
    trailers: [],
  },
  { name: "comment lines are skipped", message: "Fix\n\n# comment\nKey: v\n", trailers: [["Key", "v"]] },
  {
    name: "whitespace before the colon, trailing whitespace and trailing blank lines",
    message: "Fix\n\nKey : spaced   \nCO-AUTHORED-BY: X <x@y>   \n\n\n",
    trailers: [["Key", "spaced"], ["CO-AUTHORED-BY", "X <x@y>"]],
  },
  { name: "indented prose counts against the 25%", message: "Fix\n\nprose\n  indented prose\nSigned-off-by: A <a@x>\n", trailers: [["Signed-off-by", "A <a@x>"]] },
  {
    name: "cherry-pick line and prose inside a recognised block",
    message: "Fix\n\n(cherry picked from commit abc)\nSigned-off-by: A <a@x>\nnot a trailer\n",
    trailers: [["Signed-off-by", "A <a@x>"]],
  },
  { name: "a leading-whitespace line with no trailer above is prose", message: "Fix\n\n  leading ws: v\nKey: v\n", trailers: [] },
  { name: "a whitespace-led line after a trailer continues it", message: "Fix\n\nKey: v\n  leading ws: v\n", trailers: [["Key", "v leading ws: v"]] },
  { name: "--- is not a divider in a commit message", message: "Fix\n\n---\nKey: v\n", trailers: [] },
  { name: "empty value", message: "Fix\n\nKey:\n", trailers: [["Key", ""]] },
  { name: "underscore is not a key character", message: "Fix\n\nK_ey: v\n", trailers: [] },
  {
    name: "CRLF line ends",
    message: "Fix\r\n\r\nBody\r\n\r\nCo-Authored-By: Claude <noreply@anthropic.com>\r\nMade-with: Cursor\r\n",
    trailers: [["Co-Authored-By", "Claude <noreply@anthropic.com>"], ["Made-with", "Cursor"]],
  },
  {
    name: "Copilot squash: bullet paragraphs then trailers",
    message:
      "Add feature (#81)\n\n* Initial plan\n\n* Add feature\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>\nCo-authored-by: octocat <583231+octocat@users.noreply.github.com>",
    trailers: [
      ["Co-authored-by", "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>"],
      ["Co-authored-by", "octocat <583231+octocat@users.noreply.github.com>"],
    ],
  },
];

describe("parseTrailers", () => {
  it.each(cases)("$name", ({ message, trailers }) => {
    expect(parseTrailers(message).map((t) => [t.key, t.value])).toEqual(trailers);
  });
});

describe("parseIdentity", () => {
  it.each([
    ["Claude <noreply@anthropic.com>", { name: "Claude", email: "noreply@anthropic.com" }],
    ["Claude Opus 4.6 (1M context) <noreply@anthropic.com>", { name: "Claude Opus 4.6 (1M context)", email: "noreply@anthropic.com" }],
    ["aider (gemini/gemini-2.5-pro) <aider@aider.chat>", { name: "aider (gemini/gemini-2.5-pro)", email: "aider@aider.chat" }],
    ["OpenHands-GPT-5 openhands@all-hands.dev", { name: "OpenHands-GPT-5", email: "openhands@all-hands.dev" }],
    ["openhands@all-hands.dev", { name: "", email: "openhands@all-hands.dev" }],
    ["  Jane Doe   <jane@example.com>  ", { name: "Jane Doe", email: "jane@example.com" }],
    ["<noreply@anthropic.com>", { name: "", email: "noreply@anthropic.com" }],
  ])("%s", (value, expected) => {
    expect(parseIdentity(value)).toEqual(expected);
  });

  it.each(["Gemini", "Jane Doe <>", "", "Copilot App"])("no address in %j", (value) => {
    expect(parseIdentity(value)).toBeNull();
  });
});

describe("parseNoreplyEmail", () => {
  it.each([
    ["198982749+Copilot@users.noreply.github.com", { id: 198982749, login: "Copilot" }],
    ["41898282+claude[bot]@users.noreply.github.com", { id: 41898282, login: "claude[bot]" }],
    ["41898282+github-actions[bot]@users.noreply.github.com", { id: 41898282, login: "github-actions[bot]" }],
    ["gemini-cli[bot]@users.noreply.github.com", { id: null, login: "gemini-cli[bot]" }],
    ["161369871+google-labs-jules[bot]@USERS.NOREPLY.GITHUB.COM", { id: 161369871, login: "google-labs-jules[bot]" }],
  ])("%s", (email, expected) => {
    expect(parseNoreplyEmail(email)).toEqual(expected);
  });

  it.each(["noreply@github.com", "noreply@anthropic.com", "x@users.noreply.github.com.evil.example", "a+b@example.com"])("not a GitHub noreply: %s", (email) => {
    expect(parseNoreplyEmail(email)).toBeNull();
  });
});
