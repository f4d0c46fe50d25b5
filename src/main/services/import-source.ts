// Where an import reads from: a path on this machine, or a file uploaded into the uploads folder.
import { readdir } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { UserError, type ImportSource } from '../../shared/api'

export type { ImportSource }

/** The file behind an import source, the name to show for it, and the upload folder to remove afterwards. */
export async function locateSource(source: ImportSource, uploadsDir: string): Promise<{ path: string; shown: string; uploadDir: string | null }> {
  if (source.kind === 'path') {
    const path = resolve(source.path)
    return { path, shown: basename(path), uploadDir: null }
  }
  if (!/^[A-Za-z0-9_-]+$/.test(source.uploadId)) throw new UserError(`Upload "${source.uploadId}" not found.`, 'not_found')
  const dir = join(uploadsDir, source.uploadId)
  let files: string[]
  try {
    files = await readdir(dir)
  } catch {
    throw new UserError(`Upload "${source.uploadId}" not found. Upload the file again.`, 'not_found')
  }
  if (files.length !== 1) throw new UserError(`Upload "${source.uploadId}" is incomplete. Upload the file again.`, 'not_found')
  return { path: join(dir, files[0]), shown: files[0], uploadDir: dir }
}
