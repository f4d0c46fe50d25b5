// Validates an untrusted call against the shared contract and routes it to a handler.
// Every transport (IPC, HTTP, terminal) goes through here, so validation exists once.
import { apiSpec, UserError, type UserErrorCode, type WorkbenchHandlers } from '../../shared/api'
import { ConfigError, formatIssues } from '../../shared/config'
import { log } from '../logger'
import { isDiskFull } from './disk-full'

/** A failure shaped for a transport: user-fixable (4xx, exit 1) or internal (5xx, exit 2). */
export interface CallError {
  status: number
  code: UserErrorCode | 'internal'
  message: string
}

/** Names a caller may use, as "group.method". */
export function isMethodName(name: string): boolean {
  const [group, method, extra] = name.split('.')
  if (extra !== undefined || !group || !method) return false
  // Own keys only, at both levels: "__proto__.toString" or "datasets.constructor" name no method.
  if (!Object.hasOwn(apiSpec, group)) return false
  const g = (apiSpec as Record<string, Record<string, unknown>>)[group]
  return Object.hasOwn(g, method)
}

/** Call `name` with `input` after validating it. Throws UserError for bad input. */
export async function dispatch(handlers: WorkbenchHandlers, name: string, input: unknown): Promise<unknown> {
  if (!isMethodName(name)) throw new UserError(`Unknown method "${String(name).slice(0, 80)}".`, 'not_found')
  const [group, method] = name.split('.') as [string, string]
  const spec = (apiSpec as unknown as Record<string, Record<string, { input: { safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: never[] } } } }>>)[group][method]
  const parsed = spec.input.safeParse(input === null ? undefined : input)
  if (!parsed.success) {
    throw new UserError(`Invalid input for ${name}: ${formatIssues(parsed.error!.issues)}`)
  }
  const fn = (handlers as unknown as Record<string, Record<string, (i: unknown) => unknown>>)[group][method]
  return await fn(parsed.data)
}

/** Map any thrown value to what a transport should answer. Internal details stay in the log. */
export function toCallError(err: unknown): CallError {
  if (err instanceof UserError) {
    const status = err.code === 'not_found' ? 404 : err.code === 'conflict' ? 409 : 400
    return { status, code: err.code, message: err.message }
  }
  if (err instanceof ConfigError) return { status: 400, code: 'bad_input', message: err.message }
  // Errors from other layers that describe a user-fixable problem (trainer process, tokenizers).
  const flagged = err as { userFacing?: boolean; name?: string; code?: string; message?: string }
  if (err instanceof Error && (flagged.userFacing || flagged.name === 'TokenizerError')) {
    return { status: flagged.code === 'not_found' ? 404 : 400, code: flagged.code === 'not_found' ? 'not_found' : 'bad_input', message: err.message }
  }
  // Another process (the desktop app and a terminal command on one data folder) held the database
  // past the busy timeout, e.g. while writing a new version of a very large dataset: try again.
  const sqlite = (err as { code?: unknown })?.code
  if (sqlite === 'SQLITE_BUSY' || sqlite === 'SQLITE_LOCKED' || sqlite === 'SQLITE_BUSY_SNAPSHOT') {
    return { status: 409, code: 'conflict', message: 'Another Attention Workbench window or command is writing to the same data folder (a large dataset change takes a while). Nothing was changed; try again in a moment.' }
  }
  // A full disk anywhere (database, model files, a trainer's writes) is the user's to fix.
  if (isDiskFull(err)) return { status: 400, code: 'bad_input', message: 'The disk is full: nothing was saved; free 100 MB or more on the drive holding the data folder and try again.' }
  const e = err as Error
  log('error', 'internal error', err instanceof Error ? err : new Error(String(err)))
  return { status: 500, code: 'internal', message: e?.message ? `Internal error: ${e.message}` : 'Internal error.' }
}
