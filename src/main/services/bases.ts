// Bases: import a Hugging Face checkpoint folder (checked completely before anything is written, so a
// refusal leaves the store as it was), list and show them, encode a text through one, imported or
// pretrained here (in a trainer process: tensors never enter main), delete them unless runs started
// from them, and record each completed pretraining run as a base.
import { existsSync, rmSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { UserError, type WorkbenchHandlers } from '../../shared/api'
import type { Base, BaseEncoding, BaseEvent, Run } from '../../shared/domain'
import { planImport, writeBase } from '../engine/bases/import-base'
import { createBasesRepo } from '../store/bases-repo'
import { createRunsRepo } from '../store/runs-repo'
import type { Db } from '../store/db'
import { newId } from '../store/ids'
import { countParameters } from '../../shared/run-cost'
import { runJob, type SpawnTrainer } from './trainer-host'

/** What the bases service needs. */
export interface BaseServiceDeps {
  db: Db
  home: string
  spawn: SpawnTrainer
  emit: (e: BaseEvent) => void
  /** Memory to size imports against (defaults to this machine's). */
  memoryBytes?: number
}

type Handlers = WorkbenchHandlers['bases']

/** The `bases` API (synchronous where no trainer is involved) plus the hooks other services use. */
export interface BaseService {
  list(): Base[]
  get(input: Parameters<Handlers['get']>[0]): Base
  import(input: Parameters<Handlers['import']>[0]): Promise<Base>
  encode(input: Parameters<Handlers['encode']>[0]): Promise<BaseEncoding>
  delete(input: Parameters<Handlers['delete']>[0]): { deleted: boolean }
  /** A completed pretraining run becomes a base (called where runs complete; no-op for other runs). */
  recordPretrainRun(run: Run): void
  /** The folder of an imported base, for fine-tuning from it. */
  baseDir(id: string): string
}

/** Errors from reading a checkpoint that describe the folder, not a bug: shown as they are. */
function asUserError(err: unknown): unknown {
  const e = err as { name?: string; message?: string }
  if (e?.name === 'CheckpointError' || e?.name === 'TokenizerError') return new UserError(e.message ?? String(err))
  return err
}

/** Creates the bases service over the app's database and home folder. */
export function createBaseService(deps: BaseServiceDeps): BaseService {
  const repo = createBasesRepo(deps.db)
  const runs = createRunsRepo(deps.db)
  const dirOf = (id: string) => join(deps.home, 'bases', id)
  const mustGet = (id: string): Base => {
    const b = repo.get(id)
    if (!b) throw new UserError(`Base "${id}" not found.`, 'not_found')
    return b
  }

  // Where a base's body lives: an imported base's folder, or its pretraining run's saved model.
  const bodyDir = (base: Base): string => {
    if (base.runId) {
      const run = runs.record(base.runId)
      const dir = run ? join(run.runDir, 'model') : null
      if (!dir || !existsSync(join(dir, 'model.json'))) throw new UserError(`The pretraining run of base "${base.name}" has no saved model any more.`)
      return dir
    }
    const dir = dirOf(base.id)
    if (!existsSync(join(dir, 'base.json'))) throw new UserError(`The files of base "${base.name}" are missing from the data folder; import it again.`)
    return dir
  }

  return {
    list: () => repo.list(),
    get: ({ id }) => mustGet(id),

    async import({ source, name }) {
      const path = resolve(source.path)
      let plan
      try {
        plan = planImport(path, { memoryBytes: deps.memoryBytes })
      } catch (err) {
        const e = asUserError(err)
        deps.emit({ type: 'error', path, message: (e as Error).message })
        throw e
      }
      const id = newId('base')
      const dir = dirOf(id)
      try {
        await writeBase(plan, dir, (done, total) => deps.emit({ type: 'progress', path, done, total }))
        const { arch } = plan
        const base = repo.insert({
          id,
          name: name ?? basename(path),
          createdAt: new Date().toISOString(),
          source: 'import',
          sourcePath: path,
          runId: null,
          family: arch.family,
          params: plan.params,
          vocabSize: arch.vocabSize,
          maxLength: arch.maxLength,
          info: { dModel: arch.dModel, nLayers: arch.nLayers, nHeads: arch.nHeads, languages: plan.card.languages, license: plan.card.license },
        })
        deps.emit({ type: 'done', path, baseId: id })
        return base
      } catch (err) {
        rmSync(dir, { recursive: true, force: true })
        const e = asUserError(err)
        deps.emit({ type: 'error', path, message: (e as Error).message })
        throw e
      }
    },

    async encode({ id, text }): Promise<BaseEncoding> {
      const res = await runJob(deps.spawn, { kind: 'encode', baseDir: bodyDir(mustGet(id)), texts: [text] })
      if (res.kind !== 'encode' || !res.encodings[0]) throw new Error('The trainer returned an unexpected result.')
      return res.encodings[0]
    },

    delete({ id }) {
      const base = mustGet(id)
      if (!repo.deleteUnused(id)) {
        const n = repo.runsUsing(id)
        throw new UserError(`Base "${base.name}" cannot be deleted: ${n} run${n === 1 ? '' : 's'} started from it. Delete those runs first.`, 'conflict')
      }
      if (base.source === 'import') rmSync(dirOf(id), { recursive: true, force: true })
      return { deleted: true }
    },

    recordPretrainRun(run) {
      if (run.config.task !== 'pretrain' || run.status !== 'completed' || repo.byRun(run.id)) return
      const m = run.config.model
      const vocabSize = run.config.tokenizer.vocabSize
      repo.insert({
        id: newId('base'),
        name: run.name,
        createdAt: new Date().toISOString(),
        source: 'pretrain',
        sourcePath: null,
        runId: run.id,
        family: m.arch,
        params: countParameters(run.config, 0, vocabSize),
        vocabSize,
        maxLength: m.seqLen + 1,
        info: { dModel: m.dModel, nLayers: m.nLayers, nHeads: m.nHeads, languages: [], license: null },
      })
    },

    baseDir: (id) => dirOf(mustGet(id).id),
  }
}
