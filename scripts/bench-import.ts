// Import benchmark: generate a 1,000,000-row (~150 MB) CSV in a temp folder, import it through the
// datasets service into a fresh store, and print rows/s, seconds and peak RSS. Cleans up after.
//   npm run bench:import [-- --rows N] [-- --json]
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { createDatasetService } from '../src/main/services/datasets'
import { openDb } from '../src/main/store/db'

const args = process.argv.slice(2)
const rowsArg = args.indexOf('--rows')
const rows = rowsArg >= 0 ? Number(args[rowsArg + 1]) : 1_000_000
const asJson = args.includes('--json')

const words = 'the a movie film plot story acting actor director scene music ending beginning character dialogue camera light dark slow fast funny sad long short brilliant boring great awful fine decent odd clever'.split(' ')
const labels = ['positive', 'negative', 'neutral', 'mixed']

/** Deterministic pseudo-random text of about 140 bytes per row, some quoted with commas. */
async function writeCsv(path: string, n: number): Promise<void> {
  const out = createWriteStream(path)
  let s = 12345
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296)
  out.write('id,text,label\n')
  let chunk = ''
  for (let i = 0; i < n; i++) {
    const len = 16 + Math.floor(rnd() * 11)
    const ws: string[] = []
    for (let j = 0; j < len; j++) ws.push(words[Math.floor(rnd() * words.length)])
    const text = i % 5 === 0 ? `"${ws.slice(0, 8).join(' ')}, ${ws.slice(8).join(' ')} ""${i}"""` : `${ws.join(' ')} ${i}`
    chunk += `${i},${text},${labels[Math.floor(rnd() * labels.length)]}\n`
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
  }
  out.end(chunk)
  await once(out, 'finish')
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-import-'))
  let peakRss = process.memoryUsage().rss
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
  try {
    const csv = join(dir, 'reviews.csv')
    const t0 = performance.now()
    await writeCsv(csv, rows)
    const bytes = statSync(csv).size
    const genSec = (performance.now() - t0) / 1000
    if (!asJson) process.stderr.write(`generated ${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB in ${genSec.toFixed(1)} s\n`)
    peakRss = process.memoryUsage().rss
    const baseRss = peakRss

    const db = openDb(join(dir, 'home', 'workbench.db'))
    const svc = createDatasetService({ db, home: join(dir, 'home'), emit: () => {} })
    const t1 = performance.now()
    let lastPrint = 0
    const ds = await svc.importFile({ kind: 'path', path: csv }, 'bench', { textColumns: ['text'], labelColumn: 'label' }, (p) => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss)
      const now = performance.now()
      if (!asJson && now - lastPrint > 1000) {
        lastPrint = now
        process.stderr.write(`\r  ${p.rows.toLocaleString('en-US')} rows, ${((100 * p.bytes) / p.totalBytes).toFixed(0)}%, ETA ${p.etaSec === null ? '?' : Math.round(p.etaSec)} s   `)
      }
    })
    const seconds = (performance.now() - t1) / 1000
    const importPeak = Math.max(peakRss, process.memoryUsage().rss)
    peakRss = process.memoryUsage().rss
    const t2 = performance.now()
    const report = await svc.doctor({ id: ds.id })
    const doctorSec = (performance.now() - t2) / 1000
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
    svc.close()
    db.close()
    const result = {
      rows: ds.rowCount,
      file_mb: Math.round(bytes / 1e5) / 10,
      import_seconds: Math.round(seconds * 100) / 100,
      rows_per_s: Math.round(ds.rowCount / seconds),
      mb_per_s: Math.round((bytes / 1e6 / seconds) * 10) / 10,
      doctor_seconds: Math.round(doctorSec * 100) / 100,
      doctor_findings: report.findings.map((f) => f.id),
      import_peak_rss_mb: Math.round(importPeak / 1e6),
      doctor_peak_rss_mb: Math.round(peakRss / 1e6),
      rss_before_import_mb: Math.round(baseRss / 1e6),
    }
    if (asJson) console.log(JSON.stringify(result))
    else {
      process.stderr.write('\n')
      console.log(`import: ${result.rows.toLocaleString('en-US')} rows (${result.file_mb} MB) in ${result.import_seconds} s = ${result.rows_per_s.toLocaleString('en-US')} rows/s (${result.mb_per_s} MB/s)`)
      console.log(`doctor: ${result.doctor_seconds} s (${result.doctor_findings.join(', ') || 'no findings'})`)
      console.log(`peak RSS: import ${result.import_peak_rss_mb} MB, doctor ${result.doctor_peak_rss_mb} MB (before import: ${result.rss_before_import_mb} MB)`)
    }
  } finally {
    clearInterval(timer)
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
