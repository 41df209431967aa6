export { startFakeGitHub } from "./server.js";
export type { FakeGitHub, FakeGitHubOptions, RequestFilter, RequestKind, RequestRecord, Violation, ViolationKind } from "./server.js";
export { World, blobSha, parseCoAuthorTrailers } from "./state.js";
export type * from "./state.js";
export type { Fault, FaultSpec } from "./faults.js";
