// The house rule that keeps files readable: no file in src over 500 lines, except the translation
// tables (one key per line, they grow with the UI). A file that passes the limit fails here with its
// name and length, so it is split when it grows, not in a later clean-up.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = process.cwd()
const maxLines = 500
/** The translation tables: every file of the i18n folder except its index. */
const isTranslationTable = (rel: string) => /^src\/renderer\/src\/i18n\/(?!index\.ts$)[^/]+$/.test(rel)

/** Every file under `dir`, as paths relative to the repository root with forward slashes. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    return e.isDirectory() ? filesUnder(path) : [relative(root, path).split(sep).join('/')]
  })
}

/** Lines as `wc -l` counts them, plus a last line without a newline. */
function lineCount(text: string): number {
  if (!text) return 0
  const newlines = text.split('\n').length - 1
  return text.endsWith('\n') ? newlines : newlines + 1
}

describe('file size', () => {
  it('counts lines as an editor shows them', () => {
    expect(lineCount('')).toBe(0)
    expect(lineCount('a\nb\n')).toBe(2)
    expect(lineCount('a\nb')).toBe(2)
  })

  it('tells the translation tables from the rest of the i18n folder', () => {
    expect(isTranslationTable('src/renderer/src/i18n/en.ts')).toBe(true)
    expect(isTranslationTable('src/renderer/src/i18n/zh-cn.ts')).toBe(true)
    expect(isTranslationTable('src/renderer/src/i18n/index.ts')).toBe(false)
    expect(isTranslationTable('src/main/services/runs.ts')).toBe(false)
  })

  it(`keeps every file in src at ${maxLines} lines or fewer, translation tables excepted`, () => {
    const files = filesUnder(join(root, 'src')).filter((f) => !isTranslationTable(f))
    expect(files.length).toBeGreaterThan(100)
    const over = files
      .map((f) => ({ file: f, lines: lineCount(readFileSync(join(root, f), 'utf8')) }))
      .filter((f) => f.lines > maxLines)
      .map((f) => `${f.file}: ${f.lines} lines`)
    expect(over, `split these files (at most ${maxLines} lines each)`).toEqual([])
  })
})
