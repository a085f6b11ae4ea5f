/**
 * Group commit: work queued in the same turn of the event loop runs as one SQLite transaction, each job in its own
 * savepoint, so many concurrent requests share one fsync instead of paying one each. Jobs run one after another,
 * synchronously, so each sees the writes of the jobs before it (a reservation made by one counts for the next).
 * A job that throws is rolled back alone; if the commit itself fails, every job of the batch fails and `onRollback`
 * lets the caller drop what it cached from them. Results are handed out only after the commit.
 */
import type { Db } from '../store/db.js'

interface Job {
  fn: () => unknown
  resolve: (v: unknown) => void
  reject: (e: unknown) => void
}

export class GroupCommit {
  private jobs: Job[] = []
  private scheduled = false

  constructor(
    private readonly db: Db,
    private readonly onRollback: () => void,
  ) {}

  /** Runs `fn` inside the next batch's transaction; resolves with its result once that transaction has committed. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ fn, resolve: resolve as (v: unknown) => void, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush(): void {
    this.scheduled = false
    const jobs = this.jobs.splice(0)
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = []
    try {
      this.db
        .transaction(() => {
          for (const j of jobs) {
            try {
              outcomes.push({ ok: true, value: this.db.transaction(j.fn)() })
            } catch (error) {
              outcomes.push({ ok: false, error })
            }
          }
        })
        .immediate()
    } catch (error) {
      this.onRollback()
      for (const j of jobs) j.reject(error)
      return
    }
    jobs.forEach((j, i) => {
      const o = outcomes[i]
      if (o?.ok === true) j.resolve(o.value)
      else j.reject(o?.ok === false ? o.error : new Error('group commit: job without outcome'))
    })
  }
}
