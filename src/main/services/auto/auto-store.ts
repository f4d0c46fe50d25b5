// Auto searches on disk: each search's state (leaderboard, winner, trials' run ids) is written
// atomically to `auto/<id>.json` in the home folder whenever it changes, so the search and its trials
// still show after the app restarts, and the app sees a search the terminal runs. A search left
// "running" by a process that is gone reads as interrupted.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AutoResult } from '../../../shared/auto'
import { writeFileAtomic } from '../../engine/tensor-file'
import { processAlive } from '../../engine/process-alive'

/** What is saved: the state plus the process that drives it. */
interface AutoRecord {
  state: AutoResult
  ownerPid: number
}

/** Saved Auto searches. */
export interface AutoStore {
  save(state: AutoResult): void
  /** A saved search (null when there is none by that id). */
  read(autoId: string): AutoResult | null
  /** Saved searches, newest first; only those on `datasetId` when given. */
  list(datasetId?: string): AutoResult[]
}

const idPattern = /^[A-Za-z0-9_-]{1,100}$/

/** Searches saved under `dir` (created on the first save). */
export function createAutoStore(dir: string, isAlive: (pid: number) => boolean = processAlive): AutoStore {
  const file = (id: string) => join(dir, `${id}.json`)
  const load = (path: string): AutoResult | null => {
    let rec: AutoRecord
    try {
      rec = JSON.parse(readFileSync(path, 'utf8')) as AutoRecord
    } catch {
      return null // missing, or cut short by a crash before atomic writes: nothing to show
    }
    const s = rec?.state
    if (!s || typeof s.autoId !== 'string' || !Array.isArray(s.leaderboard)) return null
    // Nobody drives it any more: the trials it finished stay, the search itself was interrupted.
    if (s.status === 'running' && (rec.ownerPid === process.pid || !isAlive(rec.ownerPid))) return { ...s, status: 'interrupted', currentRunId: null }
    return s
  }
  return {
    save(state) {
      mkdirSync(dir, { recursive: true })
      writeFileAtomic(file(state.autoId), JSON.stringify({ state, ownerPid: process.pid } satisfies AutoRecord))
    },
    read(autoId) {
      return idPattern.test(autoId) ? load(file(autoId)) : null
    },
    list(datasetId) {
      if (!existsSync(dir)) return []
      return readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => load(join(dir, f)))
        .filter((s): s is AutoResult => !!s && (!datasetId || s.datasetId === datasetId))
        .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''))
    },
  }
}
