// SQL for bases: imported checkpoints and completed pretraining runs, and which runs started from each.
import type { Base } from '../../shared/domain'
import type { Db } from './db'

/** What a base row holds beyond the columns: architecture sizes, languages and licence. */
export interface BaseInfo {
  dModel: number
  nLayers: number
  nHeads: number
  languages: string[]
  license: string | null
}

/** A new base row. */
export interface NewBase {
  id: string
  name: string
  createdAt: string
  source: Base['source']
  sourcePath: string | null
  runId: string | null
  family: string
  params: number
  vocabSize: number
  maxLength: number
  info: BaseInfo
}

interface Row {
  id: string
  name: string
  created_at: string
  source: Base['source']
  source_path: string | null
  run_id: string | null
  family: string
  params: number
  vocab_size: number
  max_length: number
  info_json: string
  runs_using: number
}

const SELECT = `SELECT b.*, (SELECT count(*) FROM runs r WHERE r.base_id = b.id) AS runs_using FROM bases b`

function toBase(r: Row): Base {
  const info = JSON.parse(r.info_json) as BaseInfo
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    family: r.family,
    source: r.source,
    sourcePath: r.source_path,
    runId: r.run_id,
    params: r.params,
    vocabSize: r.vocab_size,
    maxLength: r.max_length,
    dModel: info.dModel,
    nLayers: info.nLayers,
    nHeads: info.nHeads,
    languages: info.languages ?? [],
    license: info.license ?? null,
    runsUsing: r.runs_using,
  }
}

/** Repository over the bases table; one per open database. */
export function createBasesRepo(db: Db) {
  const st = {
    insert: db.prepare(`
      INSERT INTO bases (id, name, created_at, source, source_path, run_id, family, params, vocab_size, max_length, info_json)
      VALUES (@id, @name, @createdAt, @source, @sourcePath, @runId, @family, @params, @vocabSize, @maxLength, @infoJson)`),
    get: db.prepare(`${SELECT} WHERE b.id = ?`),
    byRun: db.prepare(`${SELECT} WHERE b.run_id = ?`),
    list: db.prepare(`${SELECT} ORDER BY b.created_at DESC, b.id DESC`),
    delete: db.prepare(`DELETE FROM bases WHERE id = ?`),
    runsUsing: db.prepare(`SELECT count(*) AS n FROM runs WHERE base_id = ?`),
    setRunBase: db.prepare(`UPDATE runs SET base_id = ? WHERE id = ?`),
  }
  return {
    insert(b: NewBase): Base {
      st.insert.run({ ...b, infoJson: JSON.stringify(b.info) })
      return this.get(b.id)!
    },
    get(id: string): Base | null {
      const r = st.get.get(id) as Row | undefined
      return r ? toBase(r) : null
    },
    byRun(runId: string): Base | null {
      const r = st.byRun.get(runId) as Row | undefined
      return r ? toBase(r) : null
    },
    list(): Base[] {
      return (st.list.all() as Row[]).map(toBase)
    },
    runsUsing(id: string): number {
      return (st.runsUsing.get(id) as { n: number }).n
    },
    /** Deletes the row unless a run started from it (checked in the same transaction); true when deleted. */
    deleteUnused(id: string): boolean {
      return db.transaction(() => {
        if ((st.runsUsing.get(id) as { n: number }).n > 0) return false
        return st.delete.run(id).changes > 0
      })()
    },
    /** Records that a run started from a base (lineage base -> run). */
    setRunBase(runId: string, baseId: string | null): void {
      st.setRunBase.run(baseId, runId)
    },
  }
}

export type BasesRepo = ReturnType<typeof createBasesRepo>
