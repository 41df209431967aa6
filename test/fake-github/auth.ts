/**
 * GitHub App authentication as GitHub checks it: an RS256 JWT signed with the app's private key for
 * the app endpoints, installation access tokens for everything else.
 * https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
 */
import { createPublicKey, generateKeyPairSync, randomBytes, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";

let cachedKeys: { privateKey: string; publicKey: KeyObject } | null = null;

/** One RSA 2048 key pair per process: generation takes ~100 ms, tests start many fakes. */
export function appKeys(): { privateKey: string; publicKey: KeyObject } {
  if (!cachedKeys) {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    cachedKeys = { privateKey, publicKey: createPublicKey(privateKey) };
  }
  return cachedKeys;
}

export type JwtCheck = { ok: true; appId: number } | { ok: false; message: string };

/** Verifies a GitHub App JWT: RS256 signature by the app's key, `iss` = app id, sane `iat`/`exp`. */
export function verifyAppJwt(token: string, appId: number, publicKey: KeyObject, nowSeconds = Math.floor(Date.now() / 1000)): JwtCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, message: "A JSON web token could not be decoded" };
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let payload: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as typeof header;
    payload = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as typeof payload;
  } catch {
    return { ok: false, message: "A JSON web token could not be decoded" };
  }
  if (header.alg !== "RS256") return { ok: false, message: `JWT alg must be RS256, got ${String(header.alg)}` };
  const valid = verify("RSA-SHA256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, "base64url"));
  if (!valid) return { ok: false, message: "A JSON web token could not be decoded (signature does not verify with the app's public key)" };
  if (String(payload.iss) !== String(appId)) return { ok: false, message: `'Issuer' claim ('iss') must be the app id ${appId}, got ${String(payload.iss)}` };
  const iat = Number(payload.iat);
  const exp = Number(payload.exp);
  if (!Number.isFinite(iat) || !Number.isFinite(exp)) return { ok: false, message: "'iat' and 'exp' claims must be numbers" };
  if (exp <= nowSeconds) return { ok: false, message: "'Expiration time' claim ('exp') is too far in the past" };
  // GitHub refuses tokens valid for more than 10 minutes, and iat in the future (60 s clock drift allowed).
  if (exp - iat > 600) return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future" };
  if (iat > nowSeconds + 60) return { ok: false, message: "'Issued at' claim ('iat') must be an Integer representing a time in the past" };
  return { ok: true, appId };
}

export interface TokenInfo {
  token: string;
  installationId: number;
  appId: number;
  /** Login of the installation's account: a token only reaches that owner's repositories. */
  account: string;
  expiresAt: number;
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenInfo>();

  mint(installationId: number, appId: number, account: string, ttlMs = 3600_000): TokenInfo {
    const info: TokenInfo = {
      token: `ghs_${randomBytes(18).toString("base64url")}`,
      installationId,
      appId,
      account,
      expiresAt: Date.now() + ttlMs,
    };
    this.tokens.set(info.token, info);
    return info;
  }

  lookup(token: string): TokenInfo | undefined {
    const t = this.tokens.get(token);
    if (!t || t.expiresAt <= Date.now()) return undefined;
    return t;
  }
}

/** Splits an Authorization header into scheme and credential. */
export function parseAuthorization(header: string | undefined): { scheme: string; credential: string } | null {
  if (!header) return null;
  const m = /^(\w+)\s+(.+)$/.exec(header.trim());
  if (!m) return null;
  return { scheme: (m[1] ?? "").toLowerCase(), credential: m[2] ?? "" };
}
