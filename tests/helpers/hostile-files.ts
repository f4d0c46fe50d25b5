// Small files that used to cost a crash or hundreds of MB to import: shared by the reader tests,
// the fuzz suite and the measurement script.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { strToU8, zipSync } from 'fflate'

/** A minimal .xlsx whose sheet uses `rows` shared strings and whose string table holds `strings` entries of `length` characters each. */
export function xlsxBytes(opts: { rows: string[][]; strings?: number; length?: number }): Uint8Array {
  const shared: string[] = []
  const index = new Map<string, number>()
  const ref = (t: string) => {
    if (!index.has(t)) {
      index.set(t, shared.length)
      shared.push(t)
    }
    return index.get(t)!
  }
  const col = (i: number) => String.fromCharCode(65 + i)
  const sheetRows = opts.rows.map((r, i) => `<row r="${i + 1}">${r.map((c, j) => `<c r="${col(j)}${i + 1}" t="s"><v>${ref(c)}</v></c>`).join('')}</row>`).join('')
  const filler = 'x'.repeat(opts.length ?? 0)
  const extra = Array.from({ length: opts.strings ?? 0 }, (_, i) => `<si><t>${filler}${i}</t></si>`).join('')
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
    'xl/workbook.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    ),
    'xl/sharedStrings.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${shared.map((t) => `<si><t>${esc(t)}</t></si>`).join('')}${extra}</sst>`,
    ),
    'xl/worksheets/sheet1.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
    ),
  }
  return zipSync(files, { level: 9 })
}

const table = [['text', 'label'], ['good film', 'pos'], ['bad film', 'neg'], ['great plot', 'pos'], ['dull plot', 'neg']]

/** Write each hostile file into `dir`; returns name -> path. */
export function writeHostileFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const put = (name: string, data: string | Uint8Array) => {
    out[name] = join(dir, name)
    writeFileSync(out[name], data)
  }
  put('field-30mb.json', `[{"text": "${'a'.repeat(30_000_000)}", "label": "x"}, {"text": "b", "label": "y"}]`)
  put('deep.json', `[{"text": ${'['.repeat(200_000)}${']'.repeat(200_000)}, "label": "a"}]`)
  put('deep.jsonl', `{"text": ${'['.repeat(200_000)}${']'.repeat(200_000)}, "label": "a"}\n`)
  // Sixty thousand shared strings of 2,000 characters: ~120 million characters from a ~350 KB file.
  put('strings.xlsx', xlsxBytes({ rows: table, strings: 60_000, length: 2_000 }))
  put('field-2m.tsv', `text\tlabel\n${'a'.repeat(2_000_000)}\tx\nb\ty\n`)
  return out
}
