// A run's folder under the home: `runs/<id>/` holds data.json (the rows it trains on), checkpoints/
// and model/. Created before the run's row, so a queued run always has its data.
import { copyFileSync, linkSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobData } from '../../shared/trainer-protocol'
import { writeFileAtomic } from '../engine/tensor-file'

/** Where run `id` keeps its files. */
export function runDirOf(home: string, id: string): string {
  return join(home, 'runs', id)
}

/**
 * Creates a run's folder with its data.json: written atomically from `data`, or hard-linked (copied
 * where links are refused) from another run's file when a sweep's runs share the same rows.
 */
export function createRunFolder(home: string, id: string, dataFile: { data?: JobData; linkFrom?: string }): string {
  const dir = runDirOf(home, id)
  mkdirSync(dir, { recursive: true })
  const dataPath = join(dir, 'data.json')
  if (dataFile.linkFrom) {
    try {
      linkSync(dataFile.linkFrom, dataPath)
    } catch {
      copyFileSync(dataFile.linkFrom, dataPath)
    }
  } else writeFileAtomic(dataPath, JSON.stringify(dataFile.data))
  return dir
}
