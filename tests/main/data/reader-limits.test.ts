// Every reader enforces the same limits: a field over 1 million characters, nesting past 64 levels
// and an .xlsx whose shared strings would fill memory end in a plain refusal, never a crash.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UserError } from '../../../src/shared/api'
import { openTable } from '../../../src/main/data/open-table'
import { JsonDepthGuard, limitRecords, maxFields } from '../../../src/main/data/record-limits'
import { writeHostileFiles, xlsxBytes } from '../../helpers/hostile-files'
import { tempDir } from '../../helpers/temp-dirs'

const dir = tempDir('wb-limits-')
const hostile = writeHostileFiles(dir)
const long = 'a'.repeat(1_000_001)

/** Open and read every record; the refusal's message, or null when the file was read. */
async function refusal(path: string): Promise<string | null> {
  try {
    const { reader } = await openTable(path)
    try {
      for await (const _ of reader.records) void _
    } finally {
      reader.close()
    }
    return null
  } catch (err) {
    expect(err).toBeInstanceOf(UserError)
    return (err as Error).message
  }
}

const write = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name)
  writeFileSync(p, data)
  return p
}

describe('limits shared by every reader', () => {
  it('refuses a field over 1 million characters in CSV, TSV, JSON, JSON Lines, XLSX and a folder', async () => {
    const files = [
      write('long.csv', `text,label\n"${long}",x\nb,y\n`),
      hostile['field-2m.tsv'],
      hostile['field-30mb.json'],
      write('long.jsonl', `{"text": "b", "label": "y"}\n{"text": "${long}", "label": "x"}\n`),
      write('long.xlsx', xlsxBytes({ rows: [['text', 'label'], [long, 'x'], ['b', 'y']] })),
    ]
    const folder = join(dir, 'folder')
    mkdirSync(join(folder, 'x'), { recursive: true })
    mkdirSync(join(folder, 'y'))
    writeFileSync(join(folder, 'x', 'a.txt'), long)
    writeFileSync(join(folder, 'y', 'b.txt'), 'short')
    for (const f of [...files, folder]) expect(await refusal(f), f).toMatch(/longer than 1 million characters/)
  })

  it('refuses JSON nested past 64 levels in .json and .jsonl with a plain message (no stack overflow)', async () => {
    expect(await refusal(hostile['deep.json'])).toMatch(/^Item 1 of the JSON array in "deep\.json" nests deeper than 64 levels/)
    expect(await refusal(hostile['deep.jsonl'])).toMatch(/^Line 1 of "deep\.jsonl" nests deeper than 64 levels/)
    const ok = `{"text": ${'['.repeat(60)}1${']'.repeat(60)}, "label": "a"}\n{"text": "b", "label": "c"}\n`
    expect(await refusal(write('ok-depth.jsonl', ok))).toBeNull()
  })

  it('refuses an .xlsx whose shared strings hold more text than a dataset can, before caching it all', async () => {
    expect(await refusal(hostile['strings.xlsx'])).toMatch(/holds more than 32 million characters of text/)
    expect(await refusal(write('fine.xlsx', xlsxBytes({ rows: [['text', 'label'], ['good', 'p'], ['bad', 'n']] })))).toBeNull()
  })

  it('refuses a cut-short, spliced or corrupt .xlsx instead of waiting forever', async () => {
    const whole = Buffer.from(xlsxBytes({ rows: [['text', 'label'], ['good', 'p'], ['bad', 'n']] }))
    const name = whole.indexOf('xl/workbook.xml')
    const flipped = Buffer.from(whole)
    flipped[name + 'xl/workbook.xml'.length + 20] ^= 0xff // inside the deflated workbook.xml
    const spliced = Buffer.concat([whole.subarray(0, 400), Buffer.from('garbage'), whole.subarray(400)])
    for (const [label, bytes] of [['cut', whole.subarray(0, 1000)], ['spliced', spliced], ['flipped', flipped]] as const) {
      expect(await refusal(write(`${label}.xlsx`, bytes)), label).toMatch(/is damaged or incomplete/)
    }
  })

  it('counts rows and fields as records stream by', async () => {
    async function* wide() {
      yield { line: 1, values: Object.fromEntries(Array.from({ length: maxFields + 1 }, (_, i) => [`c${i}`, 'v'])) }
    }
    await expect(async () => {
      for await (const _ of limitRecords(wide(), 'wide.json', 'Item')) void _
    }).rejects.toThrow(/Item 1 of "wide\.json" has more than 1,000 fields/)
  })

  it('tracks nesting across chunks and ignores brackets inside strings', () => {
    const guard = new JsonDepthGuard(() => 'x', 3)
    guard.feed('{"a": "[[[[[[\\"[[[["')
    guard.feed(', "b": [[')
    expect(() => guard.feed('[')).toThrow(/nests deeper than 3 levels/)
  })
})
