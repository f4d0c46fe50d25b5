// Trainer process entry: runs exactly one engine job and speaks the trainer protocol.
// Under Node it is a child_process.fork child (process.send); on desktop an Electron
// utilityProcess (process.parentPort). It knows nothing of SQLite or the UI.
import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { HostMessage, ImageRef, JobData, TrainerJob, TrainerMessage } from '../../shared/trainer-protocol'
import { resolveConfig, type RunConfig } from '../../shared/config'
import type { MetricPoint } from '../../shared/domain'
import type { ImagePixels, TrainProgress } from '../engine'
import type { ModelDims } from '../engine/models/types'
import { configureLog, logDirEnv, logUncaught } from '../logger'

// The host passes its logs folder down: a crash here lands in the same log file.
const logsDir = process.env[logDirEnv]
if (logsDir) {
  configureLog({ dir: logsDir, source: 'trainer' })
  logUncaught()
}

interface ParentPort {
  on(event: 'message', cb: (e: { data: unknown }) => void): void
  postMessage(msg: unknown): void
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort

/** Send one message to the host. */
function post(msg: TrainerMessage): void {
  if (parentPort) parentPort.postMessage(msg)
  else if (process.send) process.send(msg)
}

function onHostMessage(cb: (msg: HostMessage) => void): void {
  if (parentPort) parentPort.on('message', (e) => cb(e.data as HostMessage))
  else process.on('message', (m) => cb(m as HostMessage))
}

const controller = new AbortController()
let started = false

onHostMessage((msg) => {
  if (msg.type === 'request') {
    queue = queue.then(() => answer(msg.id, msg.job))
  } else if (msg.type === 'start' && !started) {
    started = true
    void run(msg.job)
  } else if (msg.type === 'cancel') controller.abort('cancel')
  else if (msg.type === 'pause') controller.abort('pause')
})

// The host going away (killed main process) must not leave an orphan training forever.
process.on('disconnect', () => process.exit(0))

// Warm-worker mode: models stay loaded between requests (keyed by folder and save time).
type Engine = typeof import('../engine')
type Loaded = Awaited<ReturnType<Engine['loadModel']>>
let queue: Promise<void> = Promise.resolve()
let warmEngine: Promise<Engine> | null = null
const loaded = new Map<string, Loaded>()
const MAX_LOADED = 3

async function engineReady(): Promise<Engine> {
  warmEngine ??= import('../engine').then(async (engine) => {
    const backend = await engine.initBackend()
    post({ type: 'ready', backend: engine.withThreads(backend, engine.resolveThreads(0, backend.name)) })
    return engine
  })
  return warmEngine
}

async function answer(id: number, job: Extract<TrainerJob, { kind: 'predict' }>): Promise<void> {
  try {
    const engine = await engineReady()
    const key = `${job.modelDir}@${statSync(join(job.modelDir, 'model.json')).mtimeMs}`
    let model = loaded.get(key)
    if (model) loaded.delete(key)
    else model = await engine.loadModel(job.modelDir)
    loaded.set(key, model)
    await engine.useInferenceThreads(model, job.texts.length)
    for (const [k, m] of loaded) {
      if (loaded.size <= MAX_LOADED) break
      m.dispose()
      loaded.delete(k)
    }
    const predictions = model.model.spec.dims.image
      ? await (await import('./image-predict')).predictImageUrls(model, job.texts, job.attention)
      : await engine.predictTexts(model, job.texts, { attention: job.attention })
    post({ type: 'response', id, predictions })
  } catch (err) {
    post({ type: 'response', id, error: (err as Error).message || String(err), userFacing: isUserFacing(err) })
  }
}

/** Errors the engine raises for input the user can fix (their names or codes say so). */
function isUserFacing(err: unknown): boolean {
  const e = err as { name?: string; code?: string }
  return e?.name === 'UserError' || e?.name === 'TokenizerError' || e?.code === 'bad_input' || e?.code === 'not_found' || e?.code === 'ENOENT'
}

async function readJobData(path: string): Promise<JobData> {
  return JSON.parse(await readFile(path, 'utf8')) as JobData
}

/** The config an image run reads its pixels with: a resumed run's own, from its checkpoint. */
async function imageRunConfig(job: Extract<TrainerJob, { kind: 'train' }>): Promise<RunConfig> {
  const ckpt = join(job.runDir, 'checkpoints', 'latest.ckpt')
  if (!job.resume || !existsSync(ckpt)) return job.config
  const { readCheckpoint } = await import('../engine/training/loop')
  return (readCheckpoint(ckpt).header as unknown as { config: RunConfig }).config
}

/** Each split's images read at the run's size (image datasets). */
async function readJobImages(config: RunConfig, data: JobData): Promise<ImagePixels> {
  const { readImageRefs } = await import('../data/image-refs')
  const { size, channels } = resolveConfig(null, config).image
  const read = (rows: { texts: string[]; images?: ImageRef[] } | undefined) => (rows?.images ? readImageRefs(rows.images, rows.texts, size, channels) : Promise.resolve([]))
  return { train: await read(data.train), validation: await read(data.validation), test: await read(data.test) }
}

/** An image run's check images for export (test, else validation) at the model's size; undefined for other runs. */
async function exportImages(modelDir: string, data: JobData | null): Promise<Uint8Array[] | undefined> {
  // model.json alone (the weights are read by the export itself); a damaged file is the export's to report.
  let image: ModelDims['image']
  try {
    image = (JSON.parse(await readFile(join(modelDir, 'model.json'), 'utf8')) as { spec?: { dims?: ModelDims } }).spec?.dims?.image
  } catch {
    return undefined
  }
  if (!image) return undefined
  const rows = data?.test?.images?.length ? data.test : data?.validation
  if (!rows?.images) return []
  const { readImageRefs } = await import('../data/image-refs')
  return readImageRefs(rows.images.slice(0, 256), rows.texts.slice(0, 256), image.size, image.channels)
}

async function run(job: TrainerJob): Promise<void> {
  let checkpointed = false
  try {
    const engine = await import('../engine')
    // A run may pin its backend (Advanced -> Backend); other jobs use WORKBENCH_BACKEND or the automatic chain.
    const backend = await engine.initBackend(undefined, job.kind === 'train' || job.kind === 'calibrate' ? job.config.train?.backend : undefined)
    // A training job says how many threads it computes on; anything else, the default (one per core).
    const workers = job.kind === 'train' ? (job.config.train?.workers ?? 0) : 0
    post({ type: 'ready', backend: engine.withThreads(backend, engine.resolveThreads(workers, backend.name)) })
    switch (job.kind) {
      case 'probe':
        post({ type: 'done', result: { kind: 'probe' } })
        break
      case 'train': {
        const data = await readJobData(job.dataPath)
        const cb = {
          onProgress: (p: TrainProgress) => post({ type: 'progress', ...p }),
          onMetric: (point: MetricPoint) => post({ type: 'metric', point }),
          onCheckpoint: (step: number, epoch: number) => {
            checkpointed = true
            post({ type: 'checkpoint', step, epoch })
          },
          onLog: (level: 'info' | 'warn' | 'error', message: string) => post({ type: 'log', level, message }),
        }
        // An image dataset's rows name image files: read them at the run's size here, then train a ViT.
        const result = data.train.images
          ? await engine.runImageTraining({ config: job.config, data, runDir: job.runDir, resume: job.resume, pixels: await readJobImages(await imageRunConfig(job), data) }, cb, controller.signal)
          : await engine.runTraining({ config: job.config, data, runDir: job.runDir, resume: job.resume, initFrom: job.initFrom }, cb, controller.signal)
        post({ type: 'done', result: { kind: 'train', ...result } })
        break
      }
      case 'predict': {
        const model = await engine.loadModel(job.modelDir)
        await engine.useInferenceThreads(model, job.texts.length)
        const predictions = model.model.spec.dims.image
          ? await (await import('./image-predict')).predictImageUrls(model, job.texts, job.attention)
          : await engine.predictTexts(model, job.texts, { attention: job.attention })
        model.dispose()
        post({ type: 'done', result: { kind: 'predict', predictions } })
        break
      }
      case 'evaluate': {
        const model = await engine.loadModel(job.modelDir)
        const data = await readJobData(job.dataPath)
        const rows = data.test && data.test.texts.length ? data.test : data.validation
        const image = model.model.spec.dims.image
        if (image && rows.images) {
          const { readImageRefs } = await import('../data/image-refs')
          const pixels = await readImageRefs(rows.images, rows.texts, image.size, image.channels)
          const { metrics, predictions } = await engine.evaluateImages(model, pixels, rows)
          model.dispose()
          post({ type: 'done', result: { kind: 'evaluate', metrics, predictions } })
          break
        }
        await engine.useInferenceThreads(model, rows.texts.length)
        const { metrics, predictions } = await engine.evaluateModel(model, rows)
        model.dispose()
        post({ type: 'done', result: { kind: 'evaluate', metrics, predictions } })
        break
      }
      case 'calibrate': {
        const c = await engine.calibrate(job.config, { vocabSize: job.vocabSize, nClasses: job.nClasses, signal: controller.signal })
        post({ type: 'done', result: { kind: 'calibrate', ...c } })
        break
      }
      case 'encode': {
        const { encodeBaseTexts } = await import('../engine/bases/encode-texts')
        post({ type: 'done', result: { kind: 'encode', encodings: await encodeBaseTexts(job.baseDir, job.texts) } })
        break
      }
      case 'export': {
        const { exportBaseline, exportModel } = await import('../engine/export')
        const data = job.dataPath ? await readJobData(job.dataPath) : null
        const out = job.baselinePath
          ? await exportBaseline({ baselinePath: job.baselinePath, outDir: job.outDir, formats: job.formats, data, card: job.card })
          : await exportModel({
              modelDir: job.modelDir,
              outDir: job.outDir,
              formats: job.formats,
              data,
              card: job.card,
              images: await exportImages(job.modelDir, data),
            })
        post({ type: 'done', result: { kind: 'export', files: out.files, verification: out.verification } })
        break
      }
    }
  } catch (err) {
    const e = err as Error
    if (e.name === 'AbortError' || controller.signal.aborted) {
      post({ type: 'error', message: 'Cancelled.', resumable: checkpointed })
    } else {
      post({ type: 'error', message: e.message || String(e), resumable: checkpointed, userFacing: isUserFacing(e) })
    }
  } finally {
    // Let the last message flush, then leave: one job per process.
    setTimeout(() => process.exit(0), 50)
  }
}
