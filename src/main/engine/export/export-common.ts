// What every export shares, whichever model it writes: the formats asked for, the output folder's
// safety rule, and the browser TensorFlow.js that ships with the demo page.
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { UserError } from '../../../shared/api'
import { exportFormats } from '../../../shared/formats'
import { bundleFiles } from './bundle-meta'

/** The formats asked for, checked and ordered; a .zip always brings the tfjs bundle it holds. */
export function normaliseFormats(formats: string[]): string[] {
  const bad = formats.filter((f) => !(exportFormats as readonly string[]).includes(f))
  if (bad.length) throw new UserError(`Unknown export format "${bad[0]}": choose tfjs, onnx or zip.`)
  if (!formats.length) throw new UserError('Choose at least one export format (tfjs, onnx or zip).')
  const set = new Set(formats)
  if (set.has('zip')) set.add('tfjs') // the .zip holds the tfjs bundle
  return exportFormats.filter((f) => set.has(f))
}

/** The output folder must be new, empty, or an earlier export (never someone's other files). */
export function prepareOutDir(dir: string): void {
  if (existsSync(dir)) {
    const entries = readdirSync(dir)
    if (entries.length && !entries.includes(bundleFiles.meta) && !entries.includes(bundleFiles.verification)) {
      throw new UserError(`The folder ${dir} already holds other files; choose an empty or new folder for the export.`)
    }
  }
  mkdirSync(dir, { recursive: true })
}

/** The prebuilt browser TensorFlow.js that ships with the demo page. */
export function tfjsBrowserBuild(): string {
  const require = createRequire(import.meta.url)
  return join(require.resolve('@tensorflow/tfjs/package.json'), '..', 'dist', 'tf.min.js')
}
