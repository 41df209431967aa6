/**
 * Serialises work per key (repository + head SHA) inside the process and coalesces bursts: while a job
 * for a key runs, every new request for that key joins ONE queued follow-up job, which starts after
 * the running one and therefore sees everything that happened before it was queued. Redelivered or
 * concurrent events thus cost at most two evaluations, and never write the same SHA concurrently
 * (SPEC §5: converge to one check per SHA).
 */
export class KeyedQueue {
  readonly #running = new Map<string, Promise<void>>();
  readonly #queued = new Map<string, Promise<void>>();

  run(key: string, job: () => Promise<void>): Promise<void> {
    const queued = this.#queued.get(key);
    if (queued) return queued;
    const running = this.#running.get(key);
    if (!running) return this.#start(key, job);
    const next = running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      this.#queued.delete(key);
      return this.#start(key, job);
    });
    this.#queued.set(key, next);
    return next;
  }

  #start(key: string, job: () => Promise<void>): Promise<void> {
    const p = job().finally(() => {
      if (this.#running.get(key) === p) this.#running.delete(key);
    });
    this.#running.set(key, p);
    return p;
  }

  /** Keys with work in flight (for tests and metrics). */
  get size(): number {
    return this.#running.size;
  }
}
