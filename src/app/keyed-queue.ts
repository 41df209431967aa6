/**
 * Serialises work per key (repository + head SHA) inside the process and coalesces bursts: while a job
 * for a key runs, every new request of the same KIND for that key joins ONE waiting follow-up job,
 * which starts after the jobs ahead of it and therefore sees everything that happened before it was
 * queued. Redelivered or concurrent events thus cost at most two evaluations, and never write the
 * same SHA concurrently (SPEC §5: converge to one check per SHA).
 *
 * Kinds keep different work on one SHA apart (a PR evaluation, a merge group, a direct push): they
 * still run one at a time on the key, but one never stands in for another — a PR evaluation folded
 * into a push report would simply be lost.
 *
 * Bounded: per key at most one running job plus one waiting job per kind; a key's entry is dropped
 * as soon as its last job settles. A failing job rejects only its own callers; the next job runs.
 * Only this process is serialised: replicas can race (docs/app.md, "Several replicas").
 */
interface Lane {
  /** Settles (never rejects) when the last job queued on the key has settled. */
  tail: Promise<void>;
  /** The job not yet started, per kind: later requests of that kind join it. */
  waiting: Map<string, Promise<void>>;
  /** Jobs queued or running on the key. */
  jobs: number;
}

function invoke(job: () => Promise<void>): Promise<void> {
  try {
    return job();
  } catch (error) {
    // A job that throws before returning its promise fails like one that rejects.
    return Promise.reject(error as Error);
  }
}

const ignore = (): void => undefined;

export class KeyedQueue {
  readonly #lanes = new Map<string, Lane>();

  run(key: string, job: () => Promise<void>, kind = ""): Promise<void> {
    const existing = this.#lanes.get(key);
    const waiting = existing?.waiting.get(kind);
    if (waiting) return waiting;
    const lane: Lane = existing ?? { tail: Promise.resolve(), waiting: new Map(), jobs: 0 };
    if (!existing) this.#lanes.set(key, lane);
    let p: Promise<void>;
    if (lane.jobs === 0) p = invoke(job);
    else {
      p = lane.tail.then(() => {
        lane.waiting.delete(kind);
        return invoke(job);
      });
      lane.waiting.set(kind, p);
    }
    lane.jobs++;
    lane.tail = p.then(ignore, ignore).then(() => {
      if (--lane.jobs === 0 && this.#lanes.get(key) === lane) this.#lanes.delete(key);
    });
    return p;
  }

  /** Keys with work queued or running (for tests and metrics). */
  get size(): number {
    return this.#lanes.size;
  }
}
