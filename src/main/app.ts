// Composition root: open the store under a home folder, build the services, return the API.
// The desktop app, web mode and the terminal all start here; each binds the result differently.
import { spawn as spawnProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UserError, type WorkbenchHandlers } from '../shared/api'
import { presetNames, presets, resolveConfig, type PresetName, type RunConfig } from '../shared/config'
import type { AppInfo, BackendInfo } from '../shared/domain'
import { configureLog, log } from './logger'
import { createAutoService } from './services/auto/auto-service'
import { createAutoStore } from './services/auto/auto-store'
import { createBaseService } from './services/bases'
import { createDatasetService } from './services/datasets'
import { createSupport } from './services/diagnostics'
import { bestEffort } from './services/disk-full'
import { dispatch } from './services/dispatch'
import { createPathPolicy, type PathPolicy } from './services/path-policy'
import { EventHub } from './services/events'
import { createExportService } from './services/exports'
import { createRunService } from './services/runs'
import { createNodeSpawner, runJob, TrainerCrashError, type SpawnTrainer } from './services/trainer-host'
import { openDb } from './store/db'

/** How an entry point wants the app built. */
export interface AppOptions {
  home: string
  mode: AppInfo['mode']
  /** How trainer processes start (utilityProcess on desktop); defaults to child_process.fork. */
  spawn?: SpawnTrainer
  /** Mark runs left running by a dead process as interrupted (every entry does this at start). */
  recover?: boolean
  /** Write the log file under <home>/logs (default true). */
  log?: boolean
  /** Opens a folder in the file manager (desktop: Electron's shell); defaults to the platform's opener. */
  openPath?: (path: string) => Promise<boolean>
  /** Desktop only: the system's folder dialog; resolves null when cancelled. */
  pickFolder?: () => Promise<string | null>
}

/** Open a folder with the platform's own opener; false when there is none (a headless server). */
export function openWithSystem(path: string): Promise<boolean> {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [path]] : process.platform === 'win32' ? ['explorer', [path]] : ['xdg-open', [path]]
  return new Promise((resolve) => {
    try {
      const child = spawnProcess(cmd, args, { detached: true, stdio: 'ignore' })
      child.once('error', () => resolve(false))
      child.once('spawn', () => {
        child.unref()
        resolve(true)
      })
    } catch {
      resolve(false)
    }
  })
}

/** A running app: validated calls, events, and shutdown. */
export interface App {
  home: string
  handlers: WorkbenchHandlers
  /** The services themselves, for entries that need more than the API (terminal: blocking train). */
  services: {
    datasets: ReturnType<typeof createDatasetService>
    runs: ReturnType<typeof createRunService>
    exports: ReturnType<typeof createExportService>
    bases: ReturnType<typeof createBaseService>
    auto: ReturnType<typeof createAutoService>
  }
  events: EventHub
  /** Which paths web-mode callers may name (see path-policy.ts). */
  paths: PathPolicy
  /** Validate and run "group.method" with untrusted input. */
  call(name: string, input: unknown): Promise<unknown>
  /** Start a trainer once to learn which compute backend this machine gets. */
  probeBackend(): Promise<BackendInfo | null>
  /** Start a trainer to check the backend it gets: a pinned backend that cannot start rejects with its reason (a UserError). */
  checkBackend(): Promise<BackendInfo>
  close(): Promise<void>
}

/** The folder holding the app's package.json (source checkout or built app), found upward from here. */
function packageRoot(): { dir: string; version: string } | null {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version: string }
      if (pkg.name === 'attention-workbench') return { dir, version: pkg.version }
    } catch {}
    dir = dirname(dir)
  }
  return null
}

/** The bundled first-run dataset, if this installation has it. */
export const SAMPLE_DATASET_NAME = 'State of the Union eras (sample)'
function sampleDataset(root: string | null): AppInfo['sampleDataset'] {
  if (!root) return null
  const path = join(root, 'resources', 'sample', 'state-of-the-union-eras.csv')
  return existsSync(path) ? { path, name: SAMPLE_DATASET_NAME } : null
}

/** Build the app over `options.home`. */
export function createApp(options: AppOptions): App {
  const home = options.home
  mkdirSync(home, { recursive: true })
  const logsDir = join(home, 'logs')
  if (options.log !== false) {
    configureLog({ dir: logsDir, source: options.mode === 'desktop' ? 'main' : options.mode })
    if (options.mode !== 'terminal') log('info', `started (${options.mode})`)
  }
  const db = openDb(join(home, 'workbench.db'))
  const events = new EventHub()
  const spawn = options.spawn ?? createNodeSpawner()
  let backend: BackendInfo | null = null
  const onBackend = (b: BackendInfo) => {
    backend = b
  }

  const paths = createPathPolicy(home)
  // Web mode: the images a CSV names are read only where its path policy allows.
  const checkRead = options.mode === 'web' ? (path: string) => paths.check(path, 'read') : undefined
  const datasets = createDatasetService({ db, home, emit: (e) => events.emit('dataset', e), checkRead })
  const bases = createBaseService({ db, home, spawn, emit: (e) => events.emit('base', e) })
  const runs = createRunService({ db, home, spawn, datasets, emit: (e) => events.emit('run', e), onBackend, onCompleted: (run) => bases.recordPretrainRun(run) })
  const auto = createAutoService(runs, bases, undefined, createAutoStore(join(home, 'auto')))
  const exportsService = createExportService({ db, home, spawn, runs, datasets, openPath: options.openPath ?? openWithSystem, pickFolder: options.pickFolder })
  // Best effort: a full disk must not stop the app from starting (reads still work).
  if (options.recover !== false) bestEffort(() => runs.recoverInterrupted(), 'marking interrupted runs')

  const root = packageRoot()
  const version = root?.version ?? '0.0.0'
  const sample = sampleDataset(root?.dir ?? null)
  const info = (): AppInfo => ({
    name: 'Attention Workbench',
    version,
    mode: options.mode,
    home,
    platform: `${process.platform}-${process.arch}`,
    nodeVersion: process.versions.node,
    backend,
    sampleDataset: sample,
  })
  const handlers: WorkbenchHandlers = {
    app: {
      info,
      ...createSupport({ logsDir, info, openPath: options.openPath ?? openWithSystem }),
      presets: () =>
        Object.fromEntries(
          presetNames.map((p) => [p, { description: presets[p].description, config: resolveConfig(p) }]),
        ) as Record<PresetName, { description: string; config: RunConfig }>,
    },
    datasets,
    runs,
    exports: exportsService,
    bases,
    auto,
  }

  let probing: Promise<BackendInfo | null> | null = null
  // The one-click demo imports the bundled sample by path.
  if (sample) paths.allowRead([dirname(sample.path)])
  return {
    home,
    handlers,
    services: { datasets, runs, exports: exportsService, bases, auto },
    events,
    paths,
    call: async (name, input) => {
      // Web mode: a caller may name only paths inside the data folder or folders the user allowed.
      if (options.mode === 'web') paths.checkCall(input)
      return dispatch(handlers, name, input)
    },
    probeBackend() {
      probing ??= runJob(spawn, { kind: 'probe' }, {
        onMessage: (m) => {
          if (m.type === 'ready') onBackend(m.backend)
        },
      })
        .then(() => backend)
        .catch(() => backend)
      return probing
    },
    async checkBackend() {
      let announced: BackendInfo | null = null
      try {
        await runJob(spawn, { kind: 'probe' }, { onMessage: (m) => void (m.type === 'ready' && onBackend((announced = m.backend))) })
      } catch (err) {
        if (err instanceof TrainerCrashError && err.userFacing) throw new UserError(err.message)
        throw err
      }
      if (!announced) throw new Error('The trainer finished its check without saying which backend it uses.')
      return announced
    },
    async close() {
      await runs.close()
      datasets.close()
      db.close()
    },
  }
}
