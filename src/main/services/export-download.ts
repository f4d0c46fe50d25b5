// Which file of an export a browser may download: only plain files directly inside a folder the app
// wrote a verified export to. Web mode serves them; nothing else on disk is reachable this way.
import { lstatSync, realpathSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UserError } from '../../shared/api'

/** A file name as exports write them: no folders, no hidden files, nothing a shell or URL would bend. */
const fileName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/

/** A downloadable export file: its absolute path, size and name. */
export interface ExportFile {
  path: string
  size: number
  name: string
}

/** Resolves `file` inside the verified export folder `dir`, or throws a not-found UserError. */
export function resolveExportFile(isExportDir: (dir: string) => boolean, dir: string, file: string): ExportFile {
  const folder = resolve(dir)
  if (!isExportDir(folder)) throw new UserError("That folder is not one of this app's verified exports.", 'not_found')
  if (!fileName.test(file) || file.includes('..')) throw new UserError(`"${file.slice(0, 80)}" is not a file of this export.`, 'not_found')
  const path = join(folder, file)
  let st
  try {
    st = lstatSync(path)
  } catch {
    throw new UserError(`The export no longer has the file ${file}.`, 'not_found')
  }
  // A link could point anywhere; exports never write one.
  if (!st.isFile() || realpathSync(folder) !== realpathSync(join(path, '..'))) {
    throw new UserError(`"${file.slice(0, 80)}" is not a file of this export.`, 'not_found')
  }
  return { path, size: st.size, name: file }
}
