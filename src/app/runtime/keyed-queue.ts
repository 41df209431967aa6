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
 * Only this process is serialised by the queue itself. Across replicas, the optional `guard` (the Redis
 * lock of ./sha-lock.ts, with REDIS_URL) wraps every job: the queue keeps at most one job per key and
 * process at the lock, the lock orders the processes (docs/app.md, "Serialisation and several replicas").
 *
 * A job may return a follow-up, run after the job has left the key (lane freed, lock released) but
 * before its callers resolve: an evaluation that finds its PR moved to another SHA continues in that
 * SHA's lane without holding this one's lock while it waits for the other (no lock held while waiting).
 */
export type FollowUp = () => Promise<void>;
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- most jobs return nothing; `void` is what their `async` functions are typed
export type JobResult = void | FollowUp;
export type Job = () => Promise<JobResult>;
/** Runs a job while holding the key across processes (e.g. ShaLock.run). */
export type Guard = <T>(key: string, job: () => Promise<T>) => Promise<T>;

interface Lane {
  /** Settles (never rejects) when the last job queued on the key has settled. */
  tail: Promise<void>;
  /** The job not yet started, per kind: later requests of that kind join it. */
  waiting: Map<string, Promise<void>>;
  /** Jobs queued or running on the key. */
  jobs: number;
}

function invoke(job: Job): Promise<JobResult> {
  try {
    return job();
  } catch (error) {
    // A job that throws before returning its promise fails like one that rejects.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- forwards what the job threw, unchanged, as a job that rejects would
    return Promise.reject(error);
  }
}

const ignore = (): void => undefined;

export class KeyedQueue {
  readonly #lanes = new Map<string, Lane>();
  readonly #guard: Guard | undefined;

  constructor(guard?: Guard) {
    this.#guard = guard;
  }

  #exec(key: string, job: Job): Promise<JobResult> {
    const guard = this.#guard;
    return guard ? invoke(() => guard(key, () => invoke(job))) : invoke(job);
  }

  run(key: string, job: Job, kind = ""): Promise<void> {
    const existing = this.#lanes.get(key);
    const waiting = existing?.waiting.get(kind);
    if (waiting) return waiting;
    const lane: Lane = existing ?? { tail: Promise.resolve(), waiting: new Map(), jobs: 0 };
    if (!existing) this.#lanes.set(key, lane);
    let ran: Promise<JobResult>;
    if (lane.jobs === 0) ran = this.#exec(key, job);
    else {
      ran = lane.tail.then(() => {
        lane.waiting.delete(kind);
        return this.#exec(key, job);
      });
    }
    const p = ran.then((next) => (typeof next === "function" ? next() : undefined));
    if (lane.jobs > 0) lane.waiting.set(kind, p);
    lane.jobs++;
    lane.tail = ran.then(ignore, ignore).then(() => {
      if (--lane.jobs === 0 && this.#lanes.get(key) === lane) this.#lanes.delete(key);
    });
    return p;
  }

  /** Keys with work queued or running (for tests and metrics). */
  get size(): number {
    return this.#lanes.size;
  }
}
