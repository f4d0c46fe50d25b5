// The exports service: exports a run's model in a trainer process (tensors never come here), records
// every export with its verification and refuses one that does not reproduce the app's predictions;
// imports a bundle back as a completed run whose model folder is rebuilt in the app's own format.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UserError, type WorkbenchHandlers } from '../../shared/api'
import type { Run } from '../../shared/domain'
import { baselineFile } from '../engine/baseline/beside-run'
import { baselineKind } from '../engine/baseline/kind'
import { saveModelFolder } from '../engine/model-folder'
import { parseBundle, readBundleSource } from '../engine/export/read-bundle'
import type { Db } from '../store/db'
import { createExportsRepo } from '../store/exports-repo'
import { newId } from '../store/ids'
import { resolveExportFile, type ExportFile } from './export-download'
import { runJob, TrainerCrashError, type SpawnTrainer } from './trainer-host'

/** What the export service needs from the rest of the app. */
export interface ExportServiceDeps {
  db: Db
  home: string
  spawn: SpawnTrainer
  runs: { get(input: { id: string }): Promise<Run> | Run }
  /** The dataset service; its `get` (when present) names the dataset in the model card. */
  datasets: unknown
  /** Opens a folder in the system file manager; resolves false when the system has none. */
  openPath?: (path: string) => Promise<boolean>
  /** The system's folder dialog (desktop); absent elsewhere. */
  pickFolder?: () => Promise<string | null>
}

/** How far an imported model may drift from the probabilities stored in its bundle. */
const importTolerance = 1e-4

/** The exports API (create = export + verify, importBundle, openFolder), plus the file lookup web-mode downloads use. */
export type ExportService = WorkbenchHandlers['exports'] & {
  /** A file of a verified export, for download; throws a not-found UserError otherwise. */
  exportFile(dir: string, file: string): ExportFile
}

/** The exports API: create (export + verify) and importBundle. */
export function createExportService(deps: ExportServiceDeps): ExportService {
  const { home, spawn } = deps
  const repo = createExportsRepo(deps.db)
  const version = appVersion()

  async function datasetFacts(run: Run): Promise<Record<string, unknown> | undefined> {
    if (!run.datasetId) return undefined
    const ds = deps.datasets as { get?: (i: { id: string }) => Promise<unknown> | unknown } | null
    type Found = { name?: string; rowCount?: number; contentHash?: string; versionId?: string }
    let found: Found | null
    try {
      found = ((await ds?.get?.({ id: run.datasetId })) ?? null) as Found | null
    } catch {
      found = null // a deleted dataset leaves the run's history; the card just says less
    }
    return {
      id: run.datasetId,
      versionId: run.datasetVersionId,
      name: found?.name ?? null,
      rows: found && found.versionId === run.datasetVersionId ? (found.rowCount ?? null) : null,
      contentHash: found && found.versionId === run.datasetVersionId ? (found.contentHash ?? null) : null,
    }
  }

  return {
    exportFile: (dir, file) => resolveExportFile((d) => repo.isExportDir(d), dir, file),

    async create({ runId, outDir, formats, model = 'run' }) {
      const run = await deps.runs.get({ id: runId })
      const runDir = join(home, 'runs', run.id)
      const modelDir = join(runDir, 'model')
      const baselinePath = join(runDir, baselineFile)
      const otherKind = run.metrics?.baseline && run.metrics.baseline.kind !== baselineKind ? run.metrics.baseline.kind : null
      if (model === 'baseline' && otherKind) {
        throw new UserError(`Only the text baseline (TF-IDF + logistic regression) can be exported as a bundle so far; the classic baseline of "${run.name}" is a ${otherKind} model.`)
      }
      if (model === 'baseline' && !existsSync(baselinePath)) {
        throw new UserError(`The run "${run.name}" has no classic baseline to export: baselines are trained beside text classification runs that finish, and this one has none (${run.status}${run.config.task !== 'classify' ? `, ${run.config.task}` : ''}).`)
      }
      if (model === 'run' && !existsSync(join(modelDir, 'model.json'))) {
        throw new UserError(`The run "${run.name}" has no trained model to export (it is ${run.status}).`)
      }
      const out = outDir ? resolve(outDir) : join(runDir, 'exports', new Date().toISOString().replace(/[:.]/g, '-'))
      const dataPath = join(runDir, 'data.json')
      const card = {
        runId: run.id,
        runName: run.name,
        createdAt: run.createdAt,
        finishedAt: run.finishedAt,
        backend: run.backendDetail ?? run.backend,
        appVersion: version,
        metrics: run.metrics,
        notes: run.notes || undefined,
        dataset: await datasetFacts(run),
      }
      const record = (ok: boolean, verification: Record<string, unknown>) =>
        repo.insert({ id: newId('exp'), runId: run.id, createdAt: new Date().toISOString(), outDir: out, formats, ok, verification })
      let res
      try {
        res = await runJob(spawn, { kind: 'export', modelDir, outDir: out, formats, dataPath: existsSync(dataPath) ? dataPath : null, card, ...(model === 'baseline' ? { baselinePath } : {}) })
      } catch (err) {
        const message = (err as Error).message
        record(false, { ok: false, rows: 0, maxProbDiff: null, labelMismatches: 0, formats: {}, error: message })
        if (err instanceof TrainerCrashError) throw new UserError(`The export failed: ${message}`)
        throw err
      }
      if (res.kind !== 'export') throw new Error('The trainer returned an unexpected result for an export.')
      const verification = res.verification as Awaited<ReturnType<WorkbenchHandlers['exports']['create']>>['verification']
      record(verification.ok, verification)
      if (!verification.ok) {
        const reasons = Object.values(verification.formats ?? {})
          .map((f) => f.message)
          .filter(Boolean)
          .join('; ')
        throw new UserError(`The export was not saved because it does not reproduce the app's predictions: ${reasons || 'verification failed'}.`)
      }
      return { runId: run.id, outDir: out, model, files: res.files, verification }
    },

    async openFolder({ path }) {
      const dir = resolve(path)
      // Only folders this app exported to: the API never opens arbitrary paths.
      if (!repo.isExportDir(dir)) throw new UserError('That folder is not one of this app\'s verified exports.', 'not_found')
      if (!existsSync(dir)) throw new UserError(`The export folder ${dir} no longer exists.`, 'not_found')
      const opened = (await deps.openPath?.(dir)) ?? false
      return opened
        ? { opened, path: dir }
        : { opened, path: dir, message: 'No file manager could be opened here; the folder path is shown instead.' }
    },

    async pickFolder() {
      return { path: deps.pickFolder ? await deps.pickFolder() : null }
    },

    async importBundle({ source, name }) {
      const path = source.kind === 'path' ? resolve(source.path) : uploadPath(home, source.uploadId)
      const bundle = parseBundle(await readBundleSource(path))
      const id = newId('run')
      const runDir = join(home, 'runs', id)
      const modelDir = join(runDir, 'model')
      const { meta } = bundle
      try {
        saveModelFolder(modelDir, { task: meta.task, config: meta.config, spec: meta.spec, labels: meta.labels, tokenizer: bundle.runtime.tokenizer, ...(bundle.runtime.preprocessing.table ? { table: bundle.runtime.preprocessing.table.prep } : {}), training: meta.training }, bundle.weights)
        // Load the rebuilt model in a trainer and check it gives the probabilities stored in the bundle.
        const res = await runJob(spawn, { kind: 'predict', modelDir, texts: bundle.checks.texts, attention: false }).catch((err: Error) => {
          throw new UserError(`The bundle could not be loaded as a model: ${err.message}`)
        })
        if (res.kind !== 'predict') throw new Error('The trainer returned an unexpected result.')
        let diff = 0
        res.predictions.forEach((p, i) => meta.labels.forEach((l, c) => (diff = Math.max(diff, Math.abs(p.probabilities[l] - bundle.checks.probabilities[i][c])))))
        if (!(diff <= importTolerance) || res.predictions.length !== bundle.checks.texts.length) {
          throw new UserError(`The bundle is damaged: its model does not reproduce the predictions stored with it (difference ${diff.toExponential(2)}).`)
        }
      } catch (err) {
        rmSync(runDir, { recursive: true, force: true })
        throw err
      }
      const from = meta.run.id ? ` (run ${meta.run.id}${meta.run.name ? `, "${meta.run.name}"` : ''})` : ''
      repo.insertImportedRun({
        id,
        name: name?.trim() || `${meta.run.name ?? 'Model'} (imported)`,
        createdAt: new Date().toISOString(),
        config: meta.config,
        metrics: meta.training.metrics,
        runDir,
        notes: `Imported from the bundle ${basename(path)}, exported by Attention Workbench ${meta.appVersion}${from}.`,
      })
      return deps.runs.get({ id })
    },
  }
}

/** An uploaded file staged by the datasets service (`uploads/<id>/<file>`). */
function uploadPath(home: string, uploadId: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(uploadId)) throw new UserError(`Upload "${uploadId}" not found.`, 'not_found')
  const dir = join(home, 'uploads', uploadId)
  const files = existsSync(dir) ? readdirSync(dir) : []
  if (files.length !== 1) throw new UserError(`Upload "${uploadId}" not found. Upload the bundle .zip again.`, 'not_found')
  return join(dir, files[0])
}

/** The app's version from the nearest package.json above this module. */
function appVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version: string }
      if (pkg.name === 'attention-workbench') return pkg.version
    } catch {
      // not here; look one folder up
    }
    dir = dirname(dir)
  }
  return '0.0.0'
}
