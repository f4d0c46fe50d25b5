// The terminal entry: `workbench [--home DIR] VERB ...`. Same services as the desktop and web
// modes; `--json` prints one JSON document on stdout, progress goes to stderr.
// Exit codes: 0 success, 1 bad input (one-line reason on stderr), 2 internal failure.
import { readFileSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { UserError } from '../shared/api'
import { ConfigError, presetNames } from '../shared/config'
import type { Prediction, Run } from '../shared/domain'
import { createApp, type App } from './app'
import { resolveHome } from './home'
import { toCallError } from './services/dispatch'

const HELP = `Attention Workbench — train, understand, compare and export attention-model classifiers.

Usage: workbench [--home DIR] [--json] VERB ...

  import PATH [--name N] [--text-col C] [--label-col L] [--format F] [--encoding E]
  datasets list | datasets show ID
  train --dataset ID [--preset quick|balanced|thorough] [--model encoder|decoder|bag]
        [--set key=value]... [--from RUN] [--name N]      blocks until done
  runs list | runs show ID | runs compare ID ID... | runs resume ID | runs cancel ID
  eval --run ID [--dataset ID]
  predict --run ID (--text T | --file F) [--attention]
  export --run ID --out DIR [--format tfjs|onnx|zip|all]
  serve [--host 127.0.0.1] [--port N]

Options:
  --home DIR   data folder (default: WORKBENCH_HOME, else the per-user app-data folder)
  --json       print one JSON document on stdout
  --help       this text

Exit codes: 0 success, 1 bad input, 2 internal failure.`

const options = {
  home: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  name: { type: 'string' },
  'text-col': { type: 'string', multiple: true },
  'label-col': { type: 'string' },
  format: { type: 'string' },
  encoding: { type: 'string' },
  dataset: { type: 'string' },
  preset: { type: 'string' },
  model: { type: 'string' },
  set: { type: 'string', multiple: true },
  from: { type: 'string' },
  run: { type: 'string' },
  text: { type: 'string' },
  file: { type: 'string' },
  attention: { type: 'boolean' },
  out: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
} as const

type Flags = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values']

/** Parse `key=value` overrides into a nested partial config; values are JSON when they parse. */
export function parseSets(sets: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const s of sets) {
    const eq = s.indexOf('=')
    if (eq <= 0) throw new UserError(`--set expects key=value, got "${s}".`)
    const path = s.slice(0, eq).trim().split('.')
    const raw = s.slice(eq + 1).trim()
    let value: unknown = raw
    try {
      value = JSON.parse(raw)
    } catch {
      // A bare word stays a string (e.g. --set model.attention=linear).
    }
    let node = out
    path.forEach((key, i) => {
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) throw new UserError(`--set: "${path.join('.')}" is not a setting name.`)
      if (i === path.length - 1) node[key] = value
      else node = (node[key] ??= {}) as Record<string, unknown>
    })
  }
  return out
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UserError(`Missing ${what}.`)
  return value
}

/** Where the built renderer is, from the built CLI (out/main) or from source (src/main). */
function rendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  return here.endsWith(join('out', 'main')) ? join(here, '..', 'renderer') : join(here, '..', '..', 'out', 'renderer')
}

class Output {
  constructor(private json: boolean) {}
  /** Print the result: JSON document, or the human rendering. */
  result(value: unknown, human: () => string): void {
    process.stdout.write(this.json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n')
  }
}

function table(rows: string[][]): string {
  if (!rows.length) return ''
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n')
}

const pct = (x: number | undefined) => (x === undefined || x === null ? '-' : `${(x * 100).toFixed(1)}%`)

function runLine(r: Run): string[] {
  return [r.id, r.name, r.status, r.metrics ? pct(r.metrics.accuracy) : '-', r.metrics ? pct(r.metrics.macroF1) : '-', r.createdAt]
}

/** Which rows a score comes from, in the words the UI uses. */
function scoreCaption(m: { split?: string; rows?: number }): string {
  const rows = m.rows !== undefined ? `${m.rows} ` : ''
  if (m.split === 'test') return `score on ${rows}test rows`
  if (m.split === 'all') return `score on all ${rows}labelled rows`
  return `score on ${rows}validation rows`
}

function describeRun(r: Run): string {
  const lines = [`${r.name} (${r.id})`, `status: ${r.status}${r.error ? ` — ${r.error}` : ''}`]
  if (r.metrics) {
    lines.push(`${scoreCaption(r.metrics)}: accuracy ${pct(r.metrics.accuracy)}, macro-F1 ${pct(r.metrics.macroF1)}, loss ${r.metrics.loss.toFixed(4)}`)
    const v = r.metrics.validation
    const k = r.metrics.kept
    if (v && k) {
      lines.push(
        `kept epoch ${k.epoch} of ${k.epochsRun} trained${k.stoppedEarly ? ` (stopped early; ${k.epochs} planned)` : ''}, chosen by validation ${k.by === 'loss' ? 'loss' : 'macro-F1'}: validation accuracy ${pct(v.accuracy)}, macro-F1 ${pct(v.macroF1)} on ${v.rows} rows`,
      )
    }
    lines.push(
      table([
        ['class', 'precision', 'recall', 'f1', 'support'],
        ...Object.entries(r.metrics.perClass).map(([k, m]) => [k, pct(m.precision), pct(m.recall), pct(m.f1), String(m.support)]),
      ]),
    )
  }
  return lines.join('\n')
}

/** A one-line progress bar on stderr while a run trains. */
function progressReporter(app: App, runId: string, quiet: boolean): () => void {
  if (quiet) return () => {}
  let last = 0
  return app.events.subscribe('run', (e) => {
    if (e.runId !== runId) return
    if (e.type === 'progress') {
      const now = Date.now()
      if (now - last < 200) return
      last = now
      const frac = e.totalSteps ? e.step / e.totalSteps : 0
      const bar = '#'.repeat(Math.round(frac * 30)).padEnd(30, '.')
      const eta = e.etaSec !== null ? ` ETA ${Math.round(e.etaSec)}s` : ''
      process.stderr.write(`\r[${bar}] ${(frac * 100).toFixed(0)}% epoch ${e.epoch} loss ${e.loss.toFixed(4)} ${Math.round(e.tokensPerSec)} tok/s${eta}   `)
    } else if (e.type === 'metric' && e.point.split === 'validation') {
      process.stderr.write(`\nepoch ${e.point.epoch}: validation loss ${e.point.loss.toFixed(4)}, accuracy ${pct(e.point.accuracy)}\n`)
    } else if (e.type === 'log') {
      process.stderr.write(`\n${e.level}: ${e.message}\n`)
    }
  })
}

async function runVerb(app: App, verb: string, args: string[], flags: Flags, out: Output): Promise<number> {
  switch (verb) {
    case 'import': {
      const path = need(args[0], 'the file or folder to import (workbench import PATH)')
      const ds = await app.services.datasets.importFile(
        { kind: 'path', path },
        flags.name,
        {
          format: flags.format as never,
          encoding: flags.encoding,
          textColumns: flags['text-col'] ? [...flags['text-col']] : undefined,
          labelColumn: flags['label-col'],
        },
        flags.json ? undefined : (p) => process.stderr.write(`\rimported ${p.rows} rows (${Math.round((p.bytes / Math.max(1, p.totalBytes)) * 100)}%)   `),
      )
      if (!flags.json) process.stderr.write('\n')
      out.result(ds, () => `Imported "${ds.name}" (${ds.id}): ${ds.rowCount} rows, labels ${ds.labels.join(', ')}`)
      return 0
    }
    case 'datasets': {
      const sub = args[0]
      if (sub === 'list') {
        const list = await app.call('datasets.list', undefined)
        const rows = list as Awaited<ReturnType<App['handlers']['datasets']['list']>>
        out.result(rows, () => (rows.length ? table([['id', 'name', 'rows', 'labels', 'created'], ...rows.map((d) => [d.id, d.name, String(d.rowCount), String(d.labels.length), d.createdAt])]) : 'No datasets yet. Import one with: workbench import FILE'))
        return 0
      }
      if (sub === 'show') {
        const d = (await app.call('datasets.get', { id: need(args[1], 'a dataset id') })) as Awaited<ReturnType<App['handlers']['datasets']['get']>>
        out.result(d, () => `${d.name} (${d.id})\nrows: ${d.rowCount}\nlabels: ${Object.entries(d.labelCounts).map(([k, v]) => `${k} ${v}`).join(', ')}\nsplits: ${Object.entries(d.splitCounts).map(([k, v]) => `${k} ${v}`).join(', ')}`)
        return 0
      }
      throw new UserError('Use: workbench datasets list | datasets show ID')
    }
    case 'train': {
      const datasetId = need(flags.dataset, '--dataset ID')
      if (flags.preset && !presetNames.includes(flags.preset as never)) throw new UserError(`Unknown preset "${flags.preset}". Choose one of: ${presetNames.join(', ')}.`)
      const config = parseSets(flags.set)
      if (flags.model) config.model = { ...(config.model as object), arch: flags.model }
      if (flags.from) config.finetune = { ...(config.finetune as object), fromRunId: flags.from }
      const run = (await app.call('runs.start', { datasetId, preset: flags.preset, config, name: flags.name })) as Run
      process.stderr.write(`Training run ${run.id} (${run.name})\n`)
      const stop = progressReporter(app, run.id, false)
      const onSigint = () => void app.call('runs.cancel', { id: run.id })
      process.once('SIGINT', onSigint)
      const final = await app.services.runs.waitFor(run.id)
      process.off('SIGINT', onSigint)
      stop()
      process.stderr.write('\n')
      out.result(final, () => describeRun(final))
      if (final.status === 'completed') return 0
      process.stderr.write(`Run ${final.status}${final.error ? `: ${final.error}` : ''}\n`)
      return final.status === 'cancelled' ? 1 : 2
    }
    case 'runs': {
      const sub = args[0]
      if (sub === 'list') {
        const runs = (await app.call('runs.list', undefined)) as Run[]
        out.result(runs, () => (runs.length ? table([['id', 'name', 'status', 'accuracy', 'macro-F1', 'created'], ...runs.map(runLine)]) : 'No runs yet.'))
        return 0
      }
      if (sub === 'show') {
        const r = (await app.call('runs.get', { id: need(args[1], 'a run id') })) as Run
        out.result(r, () => describeRun(r))
        return 0
      }
      if (sub === 'compare') {
        const c = (await app.call('runs.compare', { ids: args.slice(1) })) as Awaited<ReturnType<App['handlers']['runs']['compare']>>
        out.result(c, () =>
          [
            table([['', ...c.runs.map((r) => r.name)], ...c.configDiff.map((d) => [d.label, ...d.values.map((v) => JSON.stringify(v))])]),
            '',
            table([['metric', ...c.runs.map((r) => r.name)], ['accuracy', ...c.metrics.map((m) => pct(m.metrics?.accuracy))], ['macro-F1', ...c.metrics.map((m) => pct(m.metrics?.macroF1))]]),
          ].join('\n'),
        )
        return 0
      }
      if (sub === 'resume') {
        const id = need(args[1], 'a run id')
        await app.call('runs.resume', { id })
        const stop = progressReporter(app, id, false)
        const final = await app.services.runs.waitFor(id)
        stop()
        process.stderr.write('\n')
        out.result(final, () => describeRun(final))
        return final.status === 'completed' ? 0 : 2
      }
      if (sub === 'cancel') {
        const r = (await app.call('runs.cancel', { id: need(args[1], 'a run id') })) as Run
        out.result(r, () => `Run ${r.id} is ${r.status}.`)
        return 0
      }
      throw new UserError('Use: workbench runs list | show ID | compare ID ID... | resume ID | cancel ID')
    }
    case 'eval': {
      const ev = (await app.call('runs.evaluate', { id: need(flags.run, '--run ID'), datasetId: flags.dataset })) as Awaited<ReturnType<App['handlers']['runs']['evaluate']>>
      out.result(ev, () => {
        const skipped = ev.unknownLabel ? ` (${ev.unknownLabel} rows with labels the model does not know left out)` : ''
        return `${scoreCaption(ev)}: accuracy ${pct(ev.metrics.accuracy)}, macro-F1 ${pct(ev.metrics.macroF1)}${skipped}`
      })
      return 0
    }
    case 'predict': {
      const runId = need(flags.run, '--run ID')
      if (!flags.text && !flags.file) throw new UserError('Give --text "..." or --file PATH.')
      const texts = flags.text ? [flags.text] : readFileSync(flags.file!, 'utf8').split(/\r?\n/).filter((l) => l.trim())
      const results: (Prediction & { text: string })[] = []
      for (const text of texts) results.push({ text, ...((await app.call('runs.predict', { id: runId, text, attention: !!flags.attention })) as Prediction) })
      const doc = flags.text ? results[0] : results
      out.result(doc, () => results.map((r) => `${r.label}\t${r.text}`).join('\n'))
      return 0
    }
    case 'export': {
      const fmt = flags.format ?? 'tfjs'
      if (!['tfjs', 'onnx', 'zip', 'all'].includes(fmt)) throw new UserError(`Unknown export format "${fmt}". Choose tfjs, onnx, zip or all.`)
      // Every export includes the tfjs bundle; "all" adds ONNX and a zip of everything.
      const formats = fmt === 'all' ? ['tfjs', 'onnx', 'zip'] : fmt === 'tfjs' ? ['tfjs'] : ['tfjs', fmt]
      const res = (await app.call('exports.create', { runId: need(flags.run, '--run ID'), outDir: need(flags.out, '--out DIR'), formats })) as Awaited<ReturnType<App['handlers']['exports']['create']>>
      out.result(res, () => `Exported to ${res.outDir}: ${res.files.join(', ')}\nverification: ${res.verification.ok ? 'passed' : 'FAILED'} on ${res.verification.rows} rows (max probability difference ${res.verification.maxProbDiff.toExponential(2)})`)
      // A failed verification throws (exit 1) before we get here: what was written is verified.
      return 0
    }
    case 'serve': {
      const { startServer } = await import('./server')
      const port = flags.port ? Number(flags.port) : 0
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a number from 0 to 65535.`)
      const server = await startServer({ app, host: flags.host ?? '127.0.0.1', port, rendererDir: rendererDir() })
      void app.probeBackend()
      if (flags.json) process.stdout.write(JSON.stringify({ url: server.url, port: server.port, token: server.token }) + '\n')
      else process.stdout.write(`Attention Workbench is running at ${server.url}\n`)
      await new Promise<void>((done) => {
        const stop = () => void server.close().then(done)
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      return 0
    }
    default:
      throw new UserError(`Unknown command "${verb}". Run workbench --help.`)
  }
}

/** Run the terminal app with `argv` (without node and script). Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (err) {
    process.stderr.write(`${(err as Error).message.split('\n')[0]}\n`)
    return 1
  }
  const { values: flags, positionals } = parsed
  if (flags.help || positionals.length === 0) {
    process.stdout.write(HELP + '\n')
    return positionals.length === 0 && !flags.help ? 1 : 0
  }
  const [verb, ...args] = positionals
  let app: App | null = null
  try {
    app = createApp({ home: resolveHome(flags.home), mode: verb === 'serve' ? 'web' : 'terminal' })
    return await runVerb(app, verb, args, flags, new Output(!!flags.json))
  } catch (err) {
    const e = toCallError(err)
    if (err instanceof ConfigError || e.status < 500) {
      process.stderr.write(`${e.message}\n`)
      return 1
    }
    process.stderr.write(`${e.message}\n`)
    if (process.env.WORKBENCH_DEBUG) console.error(err)
    return 2
  } finally {
    await app?.close().catch(() => {})
  }
}

/** True when this file is the process entry (also through npm's bin symlink). */
function isEntry(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntry()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err)
      process.exit(2)
    },
  )
}
