// The log file: one line per event in <home>/logs/workbench.log, rotated by size, shared by the
// desktop app, web mode, the terminal and trainer processes (each line names its process).
// Until `configureLog` is called (tests, tools) logging does nothing.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Where logs go and how much is kept. */
export interface LogOptions {
  dir: string
  /** Which process writes: main, trainer, renderer... */
  source: string
  /** Rotate when the file passes this size (default 2 MB). */
  maxBytes?: number
  /** Rotated files kept beside the current one (default 3). */
  keep?: number
}

export type LogLevel = 'info' | 'warn' | 'error'

/** The name of the current log file inside the logs folder. */
export const logFileName = 'workbench.log'
/** The environment variable that tells a trainer process where the logs folder is. */
export const logDirEnv = 'WORKBENCH_LOG_DIR'

let options: Required<LogOptions> | null = null

/** Start writing to `dir`; child processes started later inherit the folder. */
export function configureLog(o: LogOptions): void {
  mkdirSync(o.dir, { recursive: true })
  options = { maxBytes: 2 * 1024 * 1024, keep: 3, ...o }
  process.env[logDirEnv] = o.dir
}

/** The logs folder, when logging is on. */
export function logDir(): string | null {
  return options?.dir ?? null
}

function rotate(o: Required<LogOptions>, file: string): void {
  rmSync(join(o.dir, `workbench.${o.keep}.log`), { force: true })
  for (let i = o.keep - 1; i >= 1; i--) {
    const from = join(o.dir, `workbench.${i}.log`)
    if (existsSync(from)) renameSync(from, join(o.dir, `workbench.${i + 1}.log`))
  }
  renameSync(file, join(o.dir, 'workbench.1.log'))
}

/** Append one line. Never throws: a log that cannot be written must not break the app. */
export function log(level: LogLevel, message: string, detail?: unknown, source?: string): void {
  const o = options
  if (!o) return
  try {
    const file = join(o.dir, logFileName)
    let size = 0
    try {
      size = statSync(file).size
    } catch {}
    if (size > o.maxBytes) rotate(o, file)
    const extra = detail instanceof Error ? `\n${detail.stack ?? detail.message}` : detail !== undefined ? ` ${safeJson(detail)}` : ''
    appendFileSync(file, `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${source ?? o.source} ${process.pid}] ${message}${extra}\n`)
  } catch {}
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)
  } catch {
    return String(v)
  }
}

/** The last `n` warning and error entries of the current log file (first line of each). */
export function recentProblems(n: number): string[] {
  const o = options
  if (!o) return []
  try {
    const lines = readFileSync(join(o.dir, logFileName), 'utf8').split('\n')
    return lines.filter((l) => /^\S+ (WARN |ERROR) \[/.test(l)).slice(-n)
  } catch {
    return []
  }
}

/** Log uncaught exceptions (unhandled rejections become those under Node's default) without changing what they do. */
export function logUncaught(): void {
  process.on('uncaughtExceptionMonitor', (err) => log('error', 'uncaught exception', err))
}
