// The hot path of a training run in main: metric points batched into few transactions, and live
// events throttled so a fast trainer cannot flood the UI. History lives in SQLite (runs.metrics);
// the `run` event channel carries the live tail.
import type { MetricPoint, Run, RunEvent } from '../../shared/domain'
import type { RunsRepo } from '../store/runs-repo'

/** Buffers metric points and progress of any number of runs and writes them in one transaction. */
export class MetricWriter {
  private pending: { runId: string; point: MetricPoint }[] = []
  private progress = new Map<string, Run['progress']>()

  constructor(
    private readonly repo: RunsRepo,
    /** Write as soon as this many points wait, whatever the timer says. */
    private readonly maxBatch = 2000,
  ) {}

  add(runId: string, point: MetricPoint): void {
    this.pending.push({ runId, point })
    if (this.pending.length >= this.maxBatch) this.flush()
  }

  setProgress(runId: string, progress: Run['progress']): void {
    this.progress.set(runId, progress)
  }

  /** Points waiting to be written. */
  get size(): number {
    return this.pending.length
  }

  /** Write everything pending in one transaction. */
  flush(): void {
    if (!this.pending.length && !this.progress.size) return
    const batch = this.pending
    const progress = this.progress
    this.pending = []
    this.progress = new Map()
    this.repo.transaction(() => {
      this.repo.addMetrics(batch)
      for (const [runId, p] of progress) this.repo.setProgress(runId, p)
    })
  }
}

type ProgressEvent = Extract<RunEvent, { type: 'progress' }>

interface RunThrottle {
  last: number
  progress: ProgressEvent | null
  trainPoint: MetricPoint | null
  timer: NodeJS.Timeout | null
}

/**
 * At most one progress event and one per-step metric event per run every `minMs` (10/s by default);
 * the newest values win. Validation points are rare and always go out at once.
 */
export class EventThrottle {
  private runs = new Map<string, RunThrottle>()

  constructor(
    private readonly emit: (e: RunEvent) => void,
    private readonly minMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  progress(e: ProgressEvent): void {
    this.state(e.runId).progress = e
    this.tick(e.runId)
  }

  metric(runId: string, point: MetricPoint): void {
    if (point.split !== 'train') {
      this.emit({ type: 'metric', runId, point })
      return
    }
    this.state(runId).trainPoint = point
    this.tick(runId)
  }

  /** Send what is pending for a run now and forget it (the run stopped). */
  flush(runId: string): void {
    const s = this.runs.get(runId)
    if (!s) return
    if (s.timer) clearTimeout(s.timer)
    this.send(runId, s)
    this.runs.delete(runId)
  }

  private state(runId: string): RunThrottle {
    let s = this.runs.get(runId)
    if (!s) {
      s = { last: -Infinity, progress: null, trainPoint: null, timer: null }
      this.runs.set(runId, s)
    }
    return s
  }

  private tick(runId: string): void {
    const s = this.runs.get(runId)!
    const wait = s.last + this.minMs - this.now()
    if (wait <= 0) {
      this.send(runId, s)
    } else if (!s.timer) {
      s.timer = setTimeout(() => {
        s.timer = null
        this.send(runId, s)
      }, wait)
      s.timer.unref?.()
    }
  }

  private send(runId: string, s: RunThrottle): void {
    if (!s.progress && !s.trainPoint) return
    s.last = this.now()
    const { progress, trainPoint } = s
    s.progress = null
    s.trainPoint = null
    if (trainPoint) this.emit({ type: 'metric', runId, point: trainPoint })
    if (progress) this.emit(progress)
  }
}
