// The runs service: the `runs` API over a durable history of training. This file validates
// requests and answers them; the work lives beside it: the queue and trainer processes
// (run-scheduler), trainer messages (run-messages), recording a job's end (run-results), statuses
// and waits (run-status), configs (run-configs), scoring (run-evaluation), folders (run-folder),
// ownership and heartbeat (run-ownership), predictions (run-predictions). SQL is in store/runs-repo.
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { UserError, type RunPlan, type WorkbenchHandlers } from '../../shared/api'
import type { RunConfig } from '../../shared/config'
import { inFlightRunStatuses, resumableRunStatuses, runStatusIn, type BackendInfo, type Run, type RunEvent } from '../../shared/domain'
import { modelInfo } from '../../shared/models'
import type { JobData } from '../../shared/trainer-protocol'
import type { Db } from '../store/db'
import { newId } from '../store/ids'
import { createRunsRepo, type RunRecord } from '../store/runs-repo'
import { compareRuns } from './compare'
import { createFinetuneStarts } from './finetune-start'
import { createPresetSizer } from './preset-sizer'
import { createRunCalibrations, type Calibration } from './run-calibrations'
import { createRunConfigs } from './run-configs'
import { evaluateRun } from './run-evaluation'
import { createRunFolder, runDirOf } from './run-folder'
import { loadRunData } from './run-job-data'
import { createRunMessages } from './run-messages'
import { createOwner, ownerAlive, startHeartbeat } from './run-ownership'
import { effectiveVocab } from './run-estimates'
import { webgpuBufferLimit } from './run-gpu-limits'
import { planRun, refuseAbsurd } from './run-planning'
import { createRunPredictions } from './run-predictions'
import { createRunResults } from './run-results'
import { createRunScheduler } from './run-scheduler'
import { createRunStatus } from './run-status'
import { bestRun, checkSpaceKeys, describePoint, expandSpace } from './sweeps'
import type { SpawnTrainer } from './trainer-host'

/** What the runs service needs from the rest of the app. */
export interface RunServiceDeps {
  db: Db
  home: string // run folders live in `${home}/runs/<runId>/`
  spawn: SpawnTrainer
  datasets: {
    resolveVersion(datasetId: string): { datasetId: string; versionId: string }
    loadSplitRows(versionId: string): JobData
  }
  emit: (e: RunEvent) => void
  /** Report the backend a trainer announced ('ready' message). */
  onBackend?: (b: BackendInfo) => void
  /** Runs training at once, default 1. */
  concurrency?: number
  /** Told of every run that completes (a pretraining run becomes a base). */
  onCompleted?: (run: Run) => void
}

/** The `runs` API plus what the entry points need for lifecycle. */
export type RunService = WorkbenchHandlers['runs'] & {
  /** Resolves when the run is completed, failed, cancelled, interrupted or paused. */
  waitFor(runId: string): Promise<Run>
  /** At startup: runs a dead process left running or queued become 'interrupted'. Returns how many. */
  recoverInterrupted(): number
  /** Stop scheduling and pause running jobs so they can resume later. */
  close(): Promise<void>
  /** Create a run group (stored like a sweep) for runs started together, e.g. by an Auto search. */
  createGroup(p: { name: string; spec: unknown; metric: string }): string
  /** Start a run inside a group made by createGroup. */
  startInGroup(input: StartInput, groupId: string): Run
  /** The folder of a run (model/, checkpoints/, data.json), for exports. */
  runDir(runId: string): string
}

/** How long cancel/pause wait for the trainer before answering with the run as it is. */
const answerWithinMs = 5_000

type StartInput = Parameters<WorkbenchHandlers['runs']['start']>[0]

/** Build the runs service over an open database. */
export function createRunService(deps: RunServiceDeps): RunService {
  const { db, home, spawn, datasets, emit } = deps
  const repo = createRunsRepo(db)
  const starts = createFinetuneStarts({ db, home, runRecord: (id) => repo.record(id) })
  const sizer = createPresetSizer(datasets)
  const configs = createRunConfigs({ starts, sizer, countRuns: () => repo.count() })
  const owner = createOwner()
  const status = createRunStatus(repo, emit)
  const calibrations = createRunCalibrations(spawn, (b) => deps.onBackend?.(b))
  const messages = createRunMessages({ repo, emit, noteBackend: calibrations.noteBackend })
  const predictions = createRunPredictions(spawn, calibrations.noteBackend)
  const scheduler = createRunScheduler({
    repo,
    spawn,
    owner,
    concurrency: Math.max(1, deps.concurrency ?? 1),
    status,
    messages,
    results: createRunResults({ repo, spawn, status, emit, onCompleted: deps.onCompleted }),
    initFrom: (config) => starts.initFrom(config),
  })
  // Cancel and pause requests other processes leave for our runs arrive with the heartbeat.
  const heartbeat = startHeartbeat(repo, owner.id, (id, control) => (control === 'cancel' ? service.cancel({ id }) : service.pause({ id })))
  let closed = false

  /** Refuses attention requests for a run whose architecture has no attention maps (the bag baseline). */
  function requireAttentionMaps(rec: RunRecord): void {
    const info = modelInfo(rec.run.config.model.arch)
    if (!info.capabilities.attentionMaps) throw new UserError(`The run "${rec.run.name}" is a ${info.name.toLowerCase()} model; it has no attention to show.`)
  }

  function mustGet(id: string): RunRecord {
    const rec = repo.record(id)
    if (!rec) throw new UserError(`There is no run with id "${id}".`, 'not_found')
    return rec
  }

  /** The plan of a config on this data, with this session's calibration of it when there is one. */
  function planFor(config: RunConfig, data: JobData, measured?: Calibration): RunPlan {
    const known = measured ?? calibrations.known(config, effectiveVocab(data, config), data.labels.length)
    return planRun(config, data, known, () => repo.throughput(), webgpuBufferLimit(config.train.backend, calibrations.backend()))
  }

  /** Create a queued run (row + folder + data file) without scheduling it. */
  function createRun(p: {
    name: string
    config: RunConfig
    datasetId: string
    versionId: string
    dataFile: { data?: JobData; linkFrom?: string }
    sweepId?: string | null
  }): Run {
    const id = newId('run')
    const dir = createRunFolder(home, id, p.dataFile)
    const from = p.config.finetune.fromRunId
    const start = from || p.config.finetune.baseId ? starts.resolve(p.config) : null
    const run = repo.insert({
      id,
      name: p.name,
      status: 'queued',
      createdAt: new Date().toISOString(),
      datasetId: p.datasetId,
      datasetVersionId: p.versionId,
      config: p.config,
      parentRunId: from,
      parentKind: from ? 'finetune' : null,
      sweepId: p.sweepId ?? null,
      runDir: dir,
      ownerPid: owner.pid,
      ownerId: owner.id,
    })
    starts.recordLineage(id, start?.baseId ?? null)
    return run
  }

  /** Validate, create and queue a run (in a run group such as an Auto search when sweepId is set). */
  function startRun(input: StartInput, sweepId: string | null): Run {
    if (closed) throw new UserError('The app is shutting down; start the run again after it restarts.', 'conflict')
    const config = configs.forRun(input.preset, input.config, input.datasetId)
    const { versionId, data } = loadRunData(datasets, input.datasetId, config)
    refuseAbsurd(planFor(config, data))
    if (input.queue === false && scheduler.full()) {
      throw new UserError('Another run is training. Add this one to the queue, or wait until it finishes.', 'conflict')
    }
    const run = createRun({
      name: input.name?.trim() || configs.defaultName(input.preset, config),
      config,
      datasetId: input.datasetId,
      versionId,
      dataFile: { data },
      sweepId,
    })
    emit({ type: 'status', runId: run.id, status: 'queued', error: null })
    scheduler.pump()
    return repo.get(run.id)!
  }

  // ---- the API ----------------------------------------------------------------------------------

  const service: RunService = {
    list: (q) => repo.list(q ?? {}),

    get: ({ id }) => mustGet(id).run,

    plan: (input) => {
      const config = configs.forRun(input.preset, input.config, input.datasetId)
      const { data } = loadRunData(datasets, input.datasetId, config)
      const sizing = sizer(input.preset, input.datasetId, input.config)
      const inputKind = data.table ? 'table' : data.train.images ? 'image' : 'text'
      return { ...planFor(config, data), ...(sizing ? { sizing } : {}), inputKind }
    },

    calibrate: async (input) => {
      const config = configs.forRun(input.preset, input.config, input.datasetId)
      const { data } = loadRunData(datasets, input.datasetId, config)
      const plan = planFor(config, data)
      // Refuse what could never train before spending a trainer process on it.
      refuseAbsurd(plan)
      // Calibration times text models on synthetic token ids; a table's plan does not use it.
      if (data.table) return plan
      const calibration = await calibrations.measure(config, effectiveVocab(data, config), data.labels.length)
      return planFor(config, data, calibration)
    },

    start: (input: StartInput) => startRun(input, null),

    createGroup: (p) => {
      const id = newId('sweep')
      repo.insertSweep({ id, name: p.name, createdAt: new Date().toISOString(), spec: p.spec, metric: p.metric })
      return id
    },

    startInGroup: (input, groupId) => startRun(input, groupId),

    cancel: async ({ id }) => {
      const rec = mustGet(id)
      const stopping = scheduler.stop(id, 'cancel', answerWithinMs)
      if (stopping) return stopping
      const s = rec.run.status
      if (runStatusIn(inFlightRunStatuses, s)) {
        if (ownerAlive(rec) && rec.ownerId !== owner.id) {
          // Another process trains it: leave a request its heartbeat picks up.
          repo.setControl(id, 'cancel')
          return repo.get(id)!
        }
      }
      if (s === 'completed' || s === 'failed' || s === 'cancelled') {
        throw new UserError(`This run has already ended (${s}).`, 'conflict')
      }
      status.set(id, 'cancelled', { finishedAt: new Date().toISOString() })
      return repo.get(id)!
    },

    pause: async ({ id }) => {
      const rec = mustGet(id)
      const stopping = scheduler.stop(id, 'pause', answerWithinMs)
      if (stopping) return stopping
      const s = rec.run.status
      if (runStatusIn(inFlightRunStatuses, s) && ownerAlive(rec) && rec.ownerId !== owner.id) {
        repo.setControl(id, 'pause')
        return repo.get(id)!
      }
      if (s === 'queued') {
        status.set(id, 'paused')
        return repo.get(id)!
      }
      if (s === 'paused') return rec.run
      throw new UserError(`Only a queued or training run can be paused; this one is ${s}.`, 'conflict')
    },

    resume: ({ id }) => {
      if (closed) throw new UserError('The app is shutting down; resume the run after it restarts.', 'conflict')
      const rec = mustGet(id)
      const s = rec.run.status
      if (runStatusIn(inFlightRunStatuses, s) && ownerAlive(rec)) {
        if (s === 'queued' && rec.ownerId === owner.id) return rec.run
        throw new UserError('This run is already training.', 'conflict')
      }
      if (!runStatusIn(resumableRunStatuses, s) && !runStatusIn(inFlightRunStatuses, s)) {
        throw new UserError(`Only a paused or interrupted run can be resumed; this one is ${s}.`, 'conflict')
      }
      if (!existsSync(join(rec.runDir, 'data.json'))) {
        throw new UserError("This run's data file is missing from its folder, so it cannot resume. Start a new run instead.")
      }
      repo.setOwner(id, owner)
      status.set(id, 'queued', { error: null, finishedAt: null, requeue: true })
      scheduler.pump()
      return repo.get(id)!
    },

    update: ({ id, ...meta }) => {
      mustGet(id)
      if (meta.name !== undefined && !meta.name.trim()) throw new UserError('A run needs a name.')
      repo.updateMeta(id, { ...meta, name: meta.name?.trim(), tags: meta.tags?.map((t) => t.trim()).filter(Boolean) })
      return repo.get(id)!
    },

    delete: async ({ id }) => {
      const rec = repo.record(id)
      if (!rec) return { deleted: false }
      const stopping = scheduler.stop(id, 'cancel')
      if (stopping) await stopping
      else if (runStatusIn(inFlightRunStatuses, rec.run.status) && ownerAlive(rec)) {
        throw new UserError('This run is training in another window or terminal. Cancel it first.', 'conflict')
      }
      const deleted = repo.delete(id)
      predictions.forget(id)
      rmSync(rec.runDir, { recursive: true, force: true })
      return { deleted }
    },

    metrics: ({ id }) => {
      mustGet(id)
      messages.flush()
      return repo.metrics(id)
    },

    compare: ({ ids }) => {
      if (new Set(ids).size !== ids.length) throw new UserError('Pick different runs to compare.')
      const recs = ids.map(mustGet)
      messages.flush()
      return compareRuns(recs.map((r) => r.run), repo)
    },

    sweep: (input) => {
      if (closed) throw new UserError('The app is shutting down; start the sweep after it restarts.', 'conflict')
      configs.checkKeys(input.config)
      const sized = sizer(input.preset, input.datasetId, input.config)?.config
      const base = configs.resolve(input.preset, sized, input.config)
      checkSpaceKeys(input.space, base)
      const points = expandSpace(input.space, input.strategy, input.budget, base.train.seed)
      const pointConfigs = points.map((pt) => configs.forSweepPoint(input.preset, sized, input.config, pt))
      // A missing fine-tune source is refused before any run is made.
      starts.resolve(base)
      const { versionId, data } = loadRunData(datasets, input.datasetId, base)
      for (const c of pointConfigs) refuseAbsurd(planFor(c, data))
      const sweepId = newId('sweep')
      const name = input.name?.trim() || `Sweep of ${Object.keys(input.space).map((k) => k.split('.').pop()).join(', ')}`
      repo.insertSweep({ id: sweepId, name, createdAt: new Date().toISOString(), spec: input, metric: input.metric })
      const runs: Run[] = []
      let first: string | null = null
      for (const [i, config] of pointConfigs.entries()) {
        const run = createRun({
          name: `${name} #${i + 1} (${describePoint(points[i])})`,
          config,
          datasetId: input.datasetId,
          versionId,
          dataFile: first ? { linkFrom: first } : { data },
          sweepId,
        })
        first ??= join(runDirOf(home, run.id), 'data.json')
        runs.push(run)
        emit({ type: 'status', runId: run.id, status: 'queued', error: null })
      }
      scheduler.pump()
      return { sweepId, runs: runs.map((r) => repo.get(r.id)!) }
    },

    sweepResult: ({ sweepId }) => {
      const sweep = repo.getSweep(sweepId)
      if (!sweep) throw new UserError(`There is no sweep with id "${sweepId}".`, 'not_found')
      const runs = repo.list({ sweepId, sort: 'createdAt', order: 'asc' })
      return { sweepId, metric: sweep.metric, runs, bestRunId: bestRun(runs, sweep.metric)?.id ?? null }
    },

    evaluate: async ({ id, datasetId }) => evaluateRun({ spawn, datasets, storedPredictions: (runId) => repo.predictions(runId) }, mustGet(id), datasetId),

    predict: async ({ id, text, attention }) => {
      const rec = mustGet(id)
      if (attention) requireAttentionMaps(rec)
      return predictions.predict(rec, text, attention ?? false)
    },

    predictMany: async ({ id, texts, attention }) => {
      const rec = mustGet(id)
      if (attention) requireAttentionMaps(rec)
      return predictions.predictMany(rec, texts, attention ?? false)
    },

    attention: async ({ ids, text }) => {
      const recs = ids.map(mustGet)
      for (const r of recs) requireAttentionMaps(r)
      const preds = await Promise.all(recs.map((r) => predictions.predict(r, text, true)))
      return {
        text,
        runs: recs.map((r, i) => {
          const attention = preds[i].attention
          if (!attention) throw new Error(`The run "${r.run.name}" returned no attention weights.`)
          return { runId: r.run.id, prediction: { ...preds[i], attention } }
        }),
      }
    },

    waitFor: (runId) => status.waitFor(mustGet(runId).run),

    recoverInterrupted: () => {
      let n = 0
      for (const rec of repo.withStatus([...inFlightRunStatuses])) {
        if (ownerAlive(rec)) continue
        const wasRunning = rec.run.status === 'running'
        status.set(rec.run.id, 'interrupted', {
          error: wasRunning
            ? `The app stopped while this run was training. ${rec.checkpointStep !== null ? 'Resume it to continue from its last checkpoint.' : 'Resume it to start it again.'}`
            : 'The app stopped before this queued run started. Resume it to start it.',
        })
        n++
      }
      return n
    },

    close: async () => {
      if (closed) return
      closed = true
      heartbeat.stop()
      calibrations.close()
      predictions.close()
      await scheduler.close()
      messages.close()
      owner.release()
    },

    runDir: (runId) => mustGet(runId).runDir,
  }
  return service
}
