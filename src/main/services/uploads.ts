// Staged uploads (web mode, drag and drop): bytes are streamed to `uploads/<id>/<name>` under the
// data folder, never held whole in memory, with a size limit; a failed or abandoned upload leaves
// nothing behind for long (stale ones are removed by age at start-up).
import { createWriteStream } from 'node:fs'
import { mkdir, readdir, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { once } from 'node:events'
import { UserError } from '../../shared/api'
import { newId } from '../store/ids'
import { assertRoom, diskFullError, isDiskFull } from './disk-full'

/** The largest upload accepted (also the web server's limit). */
export const maxUploadBytes = 1024 * 1024 * 1024

/** Uploads older than this are removed at start-up: imports read them within minutes. */
export const staleUploadMs = 24 * 60 * 60 * 1000

const hasControlChars = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)

/** The plain file name an upload is stored under; throws for names that could escape the folder. */
export function uploadFileName(fileName: string): string {
  const name = fileName.trim()
  if (name === '' || name === '.' || name.includes('..') || /[/\\]/.test(name) || hasControlChars(name) || basename(name) !== name || name.length > 255) {
    throw new UserError(`The file name "${fileName.slice(0, 100)}" is not allowed: it must be a plain name without "..", slashes or control characters.`)
  }
  return name
}

/** An error a too-large upload is refused with (HTTP 413). */
export function uploadTooLarge(limit: number): UserError {
  return Object.assign(new UserError(`The file is larger than ${Math.round(limit / 1048576)} MB, the most that can be uploaded.`), { status: 413 })
}

/**
 * Write `chunks` to a new upload folder, refusing past `limit` bytes (and up front when
 * `expectedBytes` will not fit on the disk). On any failure the partial file is removed.
 */
export async function saveUpload(
  uploadsDir: string,
  fileName: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: { limit?: number; expectedBytes?: number } = {},
): Promise<{ uploadId: string; size: number }> {
  const name = uploadFileName(fileName)
  const limit = options.limit ?? maxUploadBytes
  if (options.expectedBytes !== undefined && options.expectedBytes > limit) throw uploadTooLarge(limit)
  await mkdir(uploadsDir, { recursive: true })
  if (options.expectedBytes) assertRoom(uploadsDir, options.expectedBytes, 'The upload')
  const uploadId = newId('up')
  const dir = join(uploadsDir, uploadId)
  let size = 0
  try {
    await mkdir(dir)
    const out = createWriteStream(join(dir, name), { flags: 'wx' })
    const failed = new Promise<never>((_, reject) => out.once('error', reject))
    failed.catch(() => {})
    const pump = async () => {
      for await (const chunk of chunks) {
        size += chunk.length
        if (size > limit) throw uploadTooLarge(limit)
        if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed])
      }
      out.end()
      await Promise.race([once(out, 'finish'), failed])
    }
    try {
      await pump()
    } finally {
      if (!out.writableFinished) out.destroy()
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true }).catch(() => {})
    if (isDiskFull(err)) throw diskFullError(uploadsDir, options.expectedBytes ?? size, 'The upload')
    throw err
  }
  return { uploadId, size }
}

/** Remove upload folders older than `maxAgeMs` (by modification time). Returns how many went. */
export async function removeStaleUploads(uploadsDir: string, maxAgeMs = staleUploadMs, now = Date.now()): Promise<number> {
  let names: string[]
  try {
    names = await readdir(uploadsDir)
  } catch {
    return 0
  }
  let removed = 0
  for (const n of names) {
    const dir = join(uploadsDir, n)
    try {
      if (now - (await stat(dir)).mtimeMs > maxAgeMs) {
        await rm(dir, { recursive: true, force: true })
        removed++
      }
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed
}
