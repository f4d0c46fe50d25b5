// Progress on stderr: a redrawn bar on a terminal, plain lines (one per tenth of the work) when
// stderr is a pipe or a file, so logs and CI output stay readable.
import type { WorkbenchApi } from '../../shared/api'
import { pct } from './format'
import { writeTo } from './output'

/** Reports one task's progress; `done` ends the bar's line. */
export interface Progress {
  update(fraction: number, text: string): void
  line(text: string): void
  done(): void
}

/** A progress reporter for a terminal (`tty`) or for a pipe. */
export function createProgress(tty: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  let open = false
  let lastDraw = 0
  let lastTenth = -1
  return {
    update(fraction, text) {
      const f = Math.min(1, Math.max(0, fraction))
      if (tty) {
        const now = Date.now()
        if (now - lastDraw < 200 && f < 1) return
        lastDraw = now
        const bar = '#'.repeat(Math.round(f * 30)).padEnd(30, '.')
        void writeTo(stream, `\r[${bar}] ${(f * 100).toFixed(0)}% ${text}   `)
        open = true
        return
      }
      const tenth = Math.floor(f * 10)
      if (tenth <= lastTenth) return
      lastTenth = tenth
      void writeTo(stream, `${(f * 100).toFixed(0)}% ${text}\n`)
    },
    line(text) {
      void writeTo(stream, (open ? '\n' : '') + text + '\n')
      open = false
    },
    done() {
      if (open) void writeTo(stream, '\n')
      open = false
    },
  }
}

/** Follow a training run's events on stderr; returns the unsubscribe function. */
export function followRun(api: WorkbenchApi, runId: string, progress: Progress): () => void {
  return api.subscribe('run', (e) => {
    if (e.runId !== runId) return
    if (e.type === 'progress') {
      const eta = e.etaSec !== null ? ` ETA ${Math.round(e.etaSec)}s` : ''
      progress.update(e.totalSteps ? e.step / e.totalSteps : 0, `epoch ${e.epoch} loss ${e.loss.toFixed(4)} ${Math.round(e.tokensPerSec)} tok/s${eta}`)
    } else if (e.type === 'metric' && e.point.split === 'validation') {
      progress.line(`epoch ${e.point.epoch}: validation loss ${e.point.loss.toFixed(4)}, accuracy ${pct(e.point.accuracy)}`)
    } else if (e.type === 'log') {
      progress.line(`${e.level}: ${e.message}`)
    }
  })
}
