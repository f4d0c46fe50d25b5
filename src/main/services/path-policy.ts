// Which paths on this machine web mode lets a caller name. Anyone holding the web token could
// otherwise read any file through dataset inspection or write anywhere through an export, so in web
// mode paths are limited to the data folder (reads), its exports/ folder (writes) and the folders
// the user allowed when starting the server (`serve --allow-dir DIR`, or WORKBENCH_ALLOW_DIRS).
// Files picked in the browser arrive as uploads, which need no path at all. Desktop and terminal
// callers are the user themselves and are not limited.
import { existsSync, realpathSync } from 'node:fs'
import { delimiter, dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { UserError } from '../../shared/api'

/** The check web mode applies to every call before it runs. */
export interface PathPolicy {
  /** Add folders the user allowed (reads and writes). */
  allow(dirs: string[]): void
  /** Add folders that may be read only (the bundled sample dataset's). */
  allowRead(dirs: string[]): void
  /** Folders a caller may read from, and write to. */
  roots(): { read: string[]; write: string[] }
  /** Throws a UserError when `path` is outside what `purpose` allows. */
  check(path: string, purpose: 'read' | 'write'): void
  /** Check every path an API call's input names (`source.path`, `outDir`). */
  checkCall(input: unknown): void
}

/** Folders named in WORKBENCH_ALLOW_DIRS (separated like PATH). */
export function allowedFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.WORKBENCH_ALLOW_DIRS ?? '').split(delimiter).filter((d) => d.trim() !== '')
}

/** The real path of `path`, following links in the part that exists (a link cannot lead outside). */
function realish(path: string): string {
  let existing = resolve(path)
  const rest: string[] = []
  while (!existsSync(existing)) {
    const up = dirname(existing)
    if (up === existing) break
    rest.unshift(existing.slice(up.length).replace(/^[\\/]/, ''))
    existing = up
  }
  let real = existing
  try {
    real = realpathSync.native(existing)
  } catch {
    // unreadable: compare the path as given
  }
  return rest.length ? join(real, ...rest) : real
}

const inside = (path: string, root: string) => {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** The policy for a data folder, with the user's allowed folders. */
export function createPathPolicy(home: string, allowed: string[] = allowedFromEnv()): PathPolicy {
  const read = new Set<string>([realish(home)])
  const write = new Set<string>([realish(join(home, 'exports'))])
  const policy: PathPolicy = {
    allow(dirs) {
      for (const d of dirs) {
        const real = realish(d)
        read.add(real)
        write.add(real)
      }
    },
    allowRead(dirs) {
      for (const d of dirs) read.add(realish(d))
    },
    roots: () => ({ read: [...read], write: [...write] }),
    check(path, purpose) {
      if (typeof path !== 'string' || path.includes('\0')) throw new UserError('That path is not allowed.')
      const real = realish(path)
      const roots = purpose === 'read' ? read : write
      if ([...roots].some((r) => inside(real, r))) return
      const where = [...roots].map((r) => `"${r}"`).join(', ')
      throw new UserError(
        purpose === 'read'
          ? `In web mode files are read only from ${where}. Upload "${path}" instead, or start the server with --allow-dir naming its folder.`
          : `In web mode exports are written only under ${where}. Choose a folder there, or start the server with --allow-dir naming the folder.`,
      )
    },
    checkCall(input) {
      if (!input || typeof input !== 'object') return
      const { source, outDir } = input as { source?: { kind?: unknown; path?: unknown }; outDir?: unknown }
      if (source && typeof source === 'object' && source.kind === 'path' && typeof source.path === 'string') policy.check(source.path, 'read')
      if (typeof outDir === 'string') policy.check(outDir, 'write')
      // A pretraining run may name a folder of extra text to read, in its config or as a sweep's candidates.
      const call = input as { config?: { pretrain?: { textDir?: unknown } }; space?: Record<string, unknown> }
      const textDir = call.config?.pretrain?.textDir
      if (typeof textDir === 'string') policy.check(textDir, 'read')
      const candidates = call.space?.['pretrain.textDir']
      if (Array.isArray(candidates)) for (const c of candidates) if (typeof c === 'string') policy.check(c, 'read')
    },
  }
  policy.allow(allowed)
  return policy
}
