/**
 * GitHub's documented secondary rate limits ("Rate limits for the REST API" → "About secondary rate
 * limits"), per installation: at most 100 concurrent requests; at most 900 points per minute per REST
 * endpoint and 2,000 for GraphQL (GET/HEAD and GraphQL queries cost 1 point, REST writes and GraphQL
 * mutations 5); at most 80 content-generating requests per minute and 500 per hour. Opt-in
 * (`startFakeGitHub({ secondaryRateLimits: true })`): test suites that run many scenarios in one
 * minute would trip them for reasons unrelated to what they test.
 */

interface Window {
  at: number[];
  points: number[];
}

export interface LimitHit {
  message: string;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

export class SecondaryLimits {
  private readonly inFlight = new Map<number, number>();
  private readonly endpoints = new Map<string, Window>();
  private readonly content = new Map<number, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Registers the start of a request; returns the limit it breaks, if any (then it is not counted). */
  begin(installationId: number, endpoint: string, isGraphql: boolean, isWrite: boolean): LimitHit | null {
    const t = this.now();
    const concurrent = this.inFlight.get(installationId) ?? 0;
    if (concurrent >= 100) return { message: "more than 100 concurrent requests" };
    const key = `${installationId} ${endpoint}`;
    const w = this.endpoints.get(key) ?? { at: [], points: [] };
    while (w.at.length > 0 && (w.at[0] ?? 0) <= t - MINUTE) {
      w.at.shift();
      w.points.shift();
    }
    const points = isWrite ? 5 : 1;
    const used = w.points.reduce((a, b) => a + b, 0);
    const cap = isGraphql ? 2000 : 900;
    if (used + points > cap) return { message: `more than ${cap} points per minute on ${endpoint}` };
    const writes = this.content.get(installationId) ?? [];
    while (writes.length > 0 && (writes[0] ?? 0) <= t - HOUR) writes.shift();
    if (isWrite) {
      const lastMinute = writes.filter((x) => x > t - MINUTE).length;
      if (lastMinute >= 80) return { message: "more than 80 content-generating requests per minute" };
      if (writes.length >= 500) return { message: "more than 500 content-generating requests per hour" };
      writes.push(t);
      this.content.set(installationId, writes);
    }
    w.at.push(t);
    w.points.push(points);
    this.endpoints.set(key, w);
    this.inFlight.set(installationId, concurrent + 1);
    return null;
  }

  end(installationId: number): void {
    this.inFlight.set(installationId, Math.max(0, (this.inFlight.get(installationId) ?? 1) - 1));
  }
}
