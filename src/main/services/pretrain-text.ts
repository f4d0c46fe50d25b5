// Extra text for pretraining: every .txt file of a folder (not its subfolders), split into paragraphs at
// blank lines. Read in the services (the trainer only sees the texts in the run's data file), with limits
// so a wrong folder is a sentence, not a frozen app.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../../shared/api'

/** Limits on what one folder may add. */
export const pretrainTextLimits = { files: 5000, bytes: 200 * 2 ** 20, paragraphChars: 100_000 }

/** The paragraphs of the folder's .txt files, in file-name order; refuses a missing folder or one without text. */
export function readPretrainTexts(dir: string, limits = pretrainTextLimits): string[] {
  let names: string[]
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder')
    names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.txt')).sort()
  } catch {
    throw new UserError(`The extra pretraining text folder "${dir}" cannot be read: choose a folder of .txt files.`)
  }
  if (!names.length) throw new UserError(`The folder "${dir}" has no .txt files to pretrain on.`)
  if (names.length > limits.files) throw new UserError(`The folder "${dir}" has ${names.length} .txt files; at most ${limits.files} are read. Split it into smaller folders.`)
  const texts: string[] = []
  let bytes = 0
  for (const name of names) {
    const path = join(dir, name)
    const size = statSync(path).size
    bytes += size
    if (bytes > limits.bytes) throw new UserError(`The .txt files in "${dir}" hold more than ${Math.round(limits.bytes / 2 ** 20)} MB; pretraining here reads at most that much.`)
    for (const para of readFileSync(path, 'utf8').split(/\r?\n\s*\r?\n/)) {
      const t = para.replace(/\s+/g, ' ').trim()
      if (t) texts.push(t.slice(0, limits.paragraphChars))
    }
  }
  if (!texts.length) throw new UserError(`The .txt files in "${dir}" are empty.`)
  return texts
}
