// Export and serve.
import { existsSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UserError } from '../../../shared/api'
import { exportFormats, type ExportFormat } from '../../../shared/formats'
import { defineVerb, need } from '../verb'

const choices = [...exportFormats, 'all'] as const

const exportVerb = defineVerb({
  words: ['export'],
  usage: `--run ID --out DIR [--format ${choices.join('|')}] [--model run|baseline]`,
  summary: 'Export a trained run (tfjs bundle with predict.mjs and a model card; ONNX; a zip), verified against the app; --model baseline exports the classic baseline trained beside it.',
  options: { run: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, model: { type: 'string' } },
  async run({ api, flags, out }) {
    const fmt = choices.find((f) => f === (flags.format ?? 'tfjs'))
    if (!fmt) throw new UserError(`Unknown export format "${flags.format}". Choose ${choices.join(', ')}.`)
    // Every export includes the tfjs bundle; "all" adds ONNX and a zip of everything.
    const formats: ExportFormat[] = fmt === 'all' ? [...exportFormats] : fmt === 'tfjs' ? ['tfjs'] : ['tfjs', fmt]
    const model = flags.model ?? 'run'
    if (model !== 'run' && model !== 'baseline') throw new UserError(`Unknown --model "${model}". Choose run (the run's own model) or baseline (the classic baseline trained beside it).`)
    const res = await api.exports.create({ runId: need(flags.run, '--run ID'), outDir: need(flags.out, '--out DIR'), formats, model })
    await out.result(res, () => `Exported ${model === 'baseline' ? 'the classic baseline ' : ''}to ${res.outDir}: ${res.files.join(', ')}\nverification: ${res.verification.ok ? 'passed' : 'FAILED'} on ${res.verification.rows} rows (max probability difference ${res.verification.maxProbDiff.toExponential(2)})`)
    // A failed verification throws (exit 1) before we get here: what was written is verified.
    return 0
  },
})

/** Where the built renderer is: beside the built CLI (out/main -> out/renderer), or under out/ of the checkout. */
function rendererDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    if (basename(dir) === 'out' && existsSync(join(dir, 'renderer'))) return join(dir, 'renderer')
    if (existsSync(join(dir, 'out', 'renderer'))) return join(dir, 'out', 'renderer')
    dir = dirname(dir)
  }
  throw new UserError('The app is not built yet: run npm run build first.')
}

const serve = defineVerb({
  words: ['serve'],
  usage: '[--host 127.0.0.1] [--port N] [--allow-dir DIR]... [--allow-remote]',
  summary: 'Serve the app to your browser (web mode); prints the address with its access token. Ctrl-C stops it.',
  options: { host: { type: 'string' }, port: { type: 'string' }, 'allow-dir': { type: 'string', multiple: true }, 'allow-remote': { type: 'boolean' } },
  async run({ app, flags, out }) {
    const { startServer } = await import('../../server')
    const port = flags.port ? Number(flags.port) : 0
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be a number from 0 to 65535.`)
    const host = flags.host ?? '127.0.0.1'
    if (!isLoopback(host)) {
      if (!flags['allow-remote']) {
        throw new UserError(`--host ${host} would let other machines reach the app (anyone with the token could train, import and export). Add --allow-remote if that is what you want.`)
      }
      process.stderr.write(`Warning: serving on ${host}, reachable from other machines. Anyone with the link can use the app; traffic is not encrypted.\n`)
    }
    // Folders (besides the data folder) whose files web-mode callers may name by path.
    app.paths.allow(flags['allow-dir'] ?? [])
    const server = await startServer({ app, host, port, rendererDir: rendererDir() })
    void app.probeBackend()
    // One line even with --json, so a script can read the address while the server keeps running.
    await out.result({ url: server.url, port: server.port, token: server.token }, () => `Attention Workbench is running at ${server.url}`, { compact: true })
    await new Promise<void>((done) => {
      const stop = () => void server.close().then(done)
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    return 0
  },
})

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h)
}

/** Export and serve, in help order. */
export const exportVerbs = [exportVerb, serve]
