/**
 * Parsed policies by (file names + texts), least recently used first out: explicit state, owned by
 * whoever reads policies (the app's AppState, one per CLI command) and passed to the reader.
 *
 * The engine caches each policy's compiled path matchers and detection config in WeakMaps keyed by
 * the Policy OBJECT (src/engine/decide/match.ts, detect.ts), so handing it a freshly parsed object per event
 * would re-parse the YAML, re-validate it and recompile everything on every webhook (≈ 1 ms for
 * examples/monorepo-teams.yml before compiling). Loading is a pure function of the texts and file
 * names, so the same inputs may share one result; the blobs themselves are still read on every
 * evaluation (no GitHub answer is cached, nor any decision).
 */
import { createHash } from "node:crypto";
import { loadPolicyLayers, validatePolicyText, type LoadResult } from "../engine/policy/load.js";
import { BUILTIN_DEFAULT_POLICY } from "../engine/policy/defaults.js";
import { policyHash } from "../engine/policy/hash.js";
import { parsePolicyDocument } from "../engine/policy/yaml.js";
import type { PolicyError } from "../engine/types.js";

/** Entries kept per cache (each of the three below). */
export const POLICY_CACHE_MAX = 256;

/** One layer of a policy: its text and the file it was read from (`owner/repo@ref:path`). */
export interface PolicyLayer {
  text: string;
  file: string;
}

function cacheKey(parts: readonly string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(String(p.length)).update(":").update(p);
  return h.digest("base64");
}

/** Cached results are shared by every later event: frozen, so a mutation anywhere throws instead of leaking. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function memo<T>(cache: Map<string, T>, max: number, parts: readonly string[], compute: () => T): T {
  const key = cacheKey(parts);
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key); // re-insert: Map order is the LRU order
    cache.set(key, hit);
    return hit;
  }
  const value = deepFreeze(compute());
  if (cache.size >= max) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
  return value;
}

export class PolicyCache {
  private readonly loaded = new Map<string, LoadResult>();
  private readonly extendsValues = new Map<string, string | null>();
  private readonly headChecks = new Map<string, PolicyError[]>();
  private builtin: string | null = null;

  constructor(private readonly max = POLICY_CACHE_MAX) {}

  /** `loadPolicyLayers`, one shared (frozen) result per distinct input. Throws what the loader throws. */
  load(layers: readonly PolicyLayer[]): LoadResult {
    return memo(this.loaded, this.max, layers.flatMap((l) => [l.file, l.text]), () => loadPolicyLayers(layers));
  }

  /** The `_extends` value of a policy text, or null (none, or a parse error reported by the load). */
  extendsOf(text: string, file: string): string | null {
    return memo(this.extendsValues, this.max, [file, text], () => {
      try {
        const parsed = parsePolicyDocument(text, file);
        return parsed.ok ? (parsed.doc.extends ?? null) : null;
      } catch {
        return null; // the load meets the same fault and reports it as an invalid policy
      }
    });
  }

  /** The errors of the PR head's copy of the policy (`validatePolicyText`), per file and text. Throws what it throws. */
  validate(text: string, file: string): PolicyError[] {
    return memo(this.headChecks, this.max, [file, text], () => validatePolicyText(text, file));
  }

  /** The built-in default policy's hash, computed once. */
  builtinHash(): string {
    return (this.builtin ??= policyHash(BUILTIN_DEFAULT_POLICY));
  }

  /** Entries held, per cache (for tests of the bound). */
  get size(): { loaded: number; extends: number; headChecks: number } {
    return { loaded: this.loaded.size, extends: this.extendsValues.size, headChecks: this.headChecks.size };
  }
}
