// SQL for exports: the record of each export (with its verification), and the row of a run that
// was imported from an exported bundle.
import type { RunConfig } from '../../shared/config'
import type { RunMetrics } from '../../shared/domain'
import type { Db } from './db'

/** One recorded export. */
export interface ExportRecord {
  id: string
  runId: string
  createdAt: string
  outDir: string
  formats: string[]
  ok: boolean
  /** The verification result (or the failure) as recorded. */
  verification: Record<string, unknown>
}

/** A completed run reconstructed from a bundle. */
export interface ImportedRun {
  id: string
  name: string
  createdAt: string
  config: RunConfig
  metrics: RunMetrics | null
  runDir: string
  notes: string
}

/** Repository over the exports table (and imported runs); one per open database. */
export function createExportsRepo(db: Db) {
  const st = {
    insert: db.prepare(`INSERT INTO exports (id, run_id, created_at, out_dir, formats_json, ok, verification_json) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    byDir: db.prepare(`SELECT count(*) AS n FROM exports WHERE out_dir = ? AND ok = 1`),
    ofRun: db.prepare(`SELECT id, run_id, created_at, out_dir, formats_json, ok, verification_json FROM exports WHERE run_id = ? ORDER BY created_at DESC, id DESC`),
    insertRun: db.prepare(`
      INSERT INTO runs (id, name, status, created_at, started_at, finished_at, dataset_id, dataset_version_id, config_json,
        backend, parent_run_id, parent_kind, metrics_json, notes, tags_json, starred, run_dir, accuracy, macro_f1)
      VALUES (@id, @name, 'completed', @createdAt, @createdAt, @createdAt, NULL, NULL, @configJson,
        NULL, NULL, 'import', @metricsJson, @notes, '["imported"]', 0, @runDir, @accuracy, @macroF1)`),
  }
  return {
    /** Record an export and its verification. */
    insert(e: ExportRecord): void {
      st.insert.run(e.id, e.runId, e.createdAt, e.outDir, JSON.stringify(e.formats), e.ok ? 1 : 0, JSON.stringify(e.verification))
    },
    /** Whether a verified export was written to exactly this folder. */
    isExportDir(dir: string): boolean {
      return (st.byDir.get(dir) as { n: number }).n > 0
    },
    /** Exports of a run, newest first. */
    ofRun(runId: string): ExportRecord[] {
      const rows = st.ofRun.all(runId) as { id: string; run_id: string; created_at: string; out_dir: string; formats_json: string; ok: number; verification_json: string }[]
      return rows.map((r) => ({
        id: r.id,
        runId: r.run_id,
        createdAt: r.created_at,
        outDir: r.out_dir,
        formats: JSON.parse(r.formats_json) as string[],
        ok: r.ok === 1,
        verification: JSON.parse(r.verification_json) as Record<string, unknown>,
      }))
    },
    /** Insert the completed run an imported bundle becomes (parent kind 'import'). */
    insertImportedRun(r: ImportedRun): void {
      st.insertRun.run({
        id: r.id,
        name: r.name,
        createdAt: r.createdAt,
        configJson: JSON.stringify(r.config),
        metricsJson: r.metrics ? JSON.stringify(r.metrics) : null,
        notes: r.notes,
        runDir: r.runDir,
        accuracy: r.metrics?.accuracy ?? null,
        macroF1: r.metrics?.macroF1 ?? null,
      })
    },
  }
}

/** The exports repository's type. */
export type ExportsRepo = ReturnType<typeof createExportsRepo>
