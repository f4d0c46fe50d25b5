// Reads the files of an exported bundle (a folder or its .zip) for parseBundle, treating the source
// as hostile: only the bundle's own file names are read, the weights only up to the size model.json
// promises, and a .zip is streamed from disk and inflated by node:zlib off the main thread, its
// output counted as it arrives. A zip bomb or a folder holding something huge is refused after
// reading at most the caps below, never buffered whole.
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Unzip, UnzipPassThrough } from 'fflate'
import { UserError } from '../../../shared/api'
import { bundleFiles } from './bundle-meta'
import { InflatePool } from './zlib-inflate'

/** The JSON files parseBundle reads; nothing else but the weights files is ever unpacked. */
export const bundleJsonFiles: readonly string[] = [
  bundleFiles.meta,
  bundleFiles.model,
  bundleFiles.tokenizer,
  bundleFiles.labels,
  bundleFiles.preprocessing,
  bundleFiles.checks,
  bundleFiles.vectorizer,
]

/** Limits for one bundle. Exported so tests can use smaller ones. */
export interface BundleLimits {
  /** Entries a .zip may hold at all (a bundle has about fifteen). */
  maxEntries: number
  /** Unpacked bytes of all JSON files together. */
  maxJsonBytes: number
  /** Unpacked bytes of the weights (also the most model.json may promise). */
  maxWeightBytes: number
  /** Bytes of the .zip file itself. */
  maxZipBytes: number
}

export const defaultBundleLimits: BundleLimits = {
  maxEntries: 64,
  maxJsonBytes: 64 * 1024 ** 2,
  maxWeightBytes: 2 * 1024 ** 3,
  maxZipBytes: 3 * 1024 ** 3,
}

const mb = (n: number) => `${Math.round(n / 1024 ** 2)} MB`

/** Reads a bundle folder or .zip: its JSON files, then the weights files model.json names. */
export async function readBundleSource(path: string, limits: BundleLimits = defaultBundleLimits): Promise<Map<string, Uint8Array>> {
  if (!existsSync(path)) throw new UserError(`Nothing was found at ${path}.`, 'not_found')
  const st = statSync(path)
  const source = st.isDirectory() ? folderSource(path) : zipSource(path, st.size, limits)
  const files = await source.read(bundleJsonFiles, limits.maxJsonBytes, 'its JSON files')
  const weights = weightPaths(files.get(bundleFiles.model), limits)
  if (weights) {
    // A little room over the promised size, so a slightly wrong file gets parseBundle's precise message.
    const parts = await source.read(weights.paths, weights.bytes + 1024 * 1024, 'its weights')
    for (const [n, d] of parts) files.set(n, d)
  }
  return files
}

/** Reads the named entries (bundle-relative) that exist, refusing once they pass `budget` bytes. */
interface Source {
  read(names: readonly string[], budget: number, what: string): Promise<Map<string, Uint8Array>>
}

const tooLarge = (what: string, budget: number) => new UserError(`This model bundle is too large to import: ${what} unpack to more than ${mb(budget)}.`)

/** The weights files model.json lists and the bytes their tensors need; null when model.json is unusable (parseBundle says why). */
function weightPaths(model: Uint8Array | undefined, limits: BundleLimits): { paths: string[]; bytes: number } | null {
  if (!model) return null
  let manifest: unknown
  try {
    manifest = (JSON.parse(Buffer.from(model).toString('utf8')) as { weightsManifest?: unknown }).weightsManifest
  } catch {
    return null
  }
  if (!Array.isArray(manifest)) return null
  const paths: string[] = []
  let bytes = 0
  for (const group of manifest as { paths?: unknown; weights?: unknown }[]) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) return null
    for (const p of group.paths) {
      if (typeof p !== 'string' || !/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/.test(p) || bundleJsonFiles.includes(p)) {
        throw new UserError('The bundle is damaged: model.json names a weights file that is not a plain file name.')
      }
      if (!paths.includes(p)) paths.push(p)
    }
    for (const w of group.weights as { shape?: unknown }[]) {
      const shape = w?.shape
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) return null
      bytes += (shape as number[]).reduce((a, b) => a * b, 1) * 4
      if (!(bytes <= limits.maxWeightBytes)) {
        throw new UserError(`This model bundle is too large to import: its weights would take more than ${mb(limits.maxWeightBytes)}.`)
      }
    }
  }
  if (paths.length > 16) throw new UserError('The bundle is damaged: model.json lists too many weights files.')
  return { paths, bytes }
}

/** A bundle folder (or a folder wrapping one, as an unpacked zip does): only the named files are read. */
function folderSource(dir: string): Source {
  const root = existsSync(join(dir, bundleFiles.model)) ? dir : (innerFolder(dir) ?? dir)
  return {
    async read(names, budget, what) {
      const out = new Map<string, Uint8Array>()
      let total = 0
      for (const name of names) {
        const file = join(root, name)
        let st
        try {
          st = statSync(file)
        } catch {
          continue // missing: parseBundle names it
        }
        if (!st.isFile()) continue
        total += st.size
        if (total > budget) throw tooLarge(what, budget)
        out.set(name, readFileSync(file))
      }
      return out
    },
  }
}

function innerFolder(dir: string): string | null {
  let names: string[]
  try {
    names = readdirSync(dir).slice(0, 200) // a folder with millions of entries is not a bundle
  } catch {
    return null
  }
  for (const name of names) {
    const inner = join(dir, name)
    if (existsSync(join(inner, bundleFiles.meta)) && existsSync(join(inner, bundleFiles.model))) return inner
  }
  return null
}

function zipSource(path: string, size: number, limits: BundleLimits): Source {
  if (size > limits.maxZipBytes) throw new UserError('This file is too large to be a model bundle.')
  // The wrapping folder (if any) found by the first read holds for the next one.
  const where = { prefix: null as string | null }
  return {
    read: (names, budget, what) => unzipWanted(path, new Set(names), budget, what, limits, where),
  }
}

/** Compressed bytes handed to Unzip at once; the reader then waits for zlib to take them in. */
const slice = 64 * 1024
/** Deflate expands at most ~1032x: a declared size above that is a lie, never worth reserving memory for. */
const maxRatio = 1032

/**
 * Stream the .zip at `path`, inflating only the entries named in `wanted`, at most `budget` bytes in
 * all. Sizes declared in the zip are checked first but never trusted: the bytes that really come out
 * are counted as zlib delivers them. The inflating itself runs on zlib's worker threads
 * (zlib-inflate.ts); this thread only reads headers, counts and copies, so it stays responsive
 * while a large bundle unpacks.
 */
async function unzipWanted(path: string, wanted: Set<string>, budget: number, what: string, limits: BundleLimits, where: { prefix: string | null }): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>()
  const started = new Set<string>()
  let entries = 0
  let total = 0
  let problem: Error | null = null
  const pool = new InflatePool()
  const damaged = (err: Error) => new UserError(`The bundle .zip file is damaged and cannot be opened (${err.message}).`)
  const fail = (err: Error) => {
    problem ??= err
    pool.stopAll()
  }

  /** The entry's name inside the bundle when it is a wanted one: at the top, or under the one folder that wraps the bundle. */
  function bundleName(raw: string): string | null {
    const parts = raw.split('/')
    const [folder, name] = parts.length === 1 ? ['', parts[0]] : parts.length === 2 ? parts : [null, '']
    if (folder === null || folder === '.' || folder === '..' || !wanted.has(name)) return null
    where.prefix ??= folder
    return folder === where.prefix ? name : null
  }

  const unzip = new Unzip((file) => {
    if (problem) return
    if (++entries > limits.maxEntries) return fail(new UserError(`This is not a model bundle: the .zip holds more than ${limits.maxEntries} files.`))
    const name = bundleName(file.name)
    if (name === null || started.has(name)) return // never unpacked
    if (file.originalSize !== undefined && total + file.originalSize > budget) return fail(tooLarge(what, budget))
    started.add(name)
    const sink = new EntrySink(file.originalSize, file.size)
    file.ondata = (err, chunk, final) => {
      if (problem) return
      if (err) return fail(damaged(err))
      total += chunk.length
      if (total > budget) {
        sink.drop()
        return fail(tooLarge(what, budget))
      }
      sink.add(chunk)
      if (final) out.set(name, sink.bytes())
    }
    file.start()
  })
  unzip.register(UnzipPassThrough)
  unzip.register(pool.decoder())

  const stream = createReadStream(path, { highWaterMark: 256 * 1024 })
  let first = true
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (first && !(chunk[0] === 0x50 && chunk[1] === 0x4b)) {
        throw new UserError('This is not a model bundle: choose the exported bundle folder or its .zip file.')
      }
      first = false
      for (let at = 0; at < chunk.length; at += slice) {
        try {
          unzip.push(chunk.subarray(at, at + slice))
        } catch (err) {
          fail(damaged(err as Error))
        }
        if (problem) throw problem
        await pool.drained()
        if (problem) throw problem
      }
    }
    if (first) throw new UserError('This is not a model bundle: the file is empty.')
    try {
      unzip.push(new Uint8Array(0), true)
    } catch (err) {
      fail(damaged(err as Error))
    }
    await pool.finished()
    if (problem) throw problem
  } finally {
    pool.stopAll()
    stream.destroy()
  }
  for (const name of started) {
    if (!out.has(name)) throw new UserError(`The bundle .zip file is damaged and cannot be opened (${name} is cut short).`)
  }
  return out
}

/**
 * One entry's output. When the zip declares a plausible size the bytes go straight into one buffer
 * of that size (no large copy at the end, which would block the thread for a big weights file);
 * otherwise, or once the entry outgrows its declared size, they are kept as chunks.
 */
class EntrySink {
  private target: Buffer | null
  private written = 0
  private chunks: Uint8Array[] = []

  constructor(declared: number | undefined, compressed: number | undefined) {
    const plausible = declared !== undefined && compressed !== undefined && declared <= Math.max(compressed, 1) * maxRatio
    this.target = plausible && declared > 0 ? Buffer.allocUnsafe(declared) : null
  }

  add(chunk: Uint8Array): void {
    if (this.target && this.written + chunk.length <= this.target.length) {
      this.target.set(chunk, this.written)
      this.written += chunk.length
      return
    }
    if (this.target) {
      this.chunks.push(this.target.subarray(0, this.written))
      this.target = null
    }
    this.chunks.push(chunk)
  }

  bytes(): Uint8Array {
    if (this.target) return this.target.subarray(0, this.written)
    return this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
  }

  drop(): void {
    this.target = null
    this.chunks = []
  }
}
