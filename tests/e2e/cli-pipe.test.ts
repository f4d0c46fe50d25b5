// The built terminal app writes answers of several megabytes completely into a pipe that its
// reader drains slowly: the bytes equal what a file redirection gets, and exit codes hold.
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { root } from './web-app'
import { tempDir } from '../helpers/temp-dirs'

const cli = join(root, 'out', 'main', 'cli.js')
const env = { ...process.env, WORKBENCH_BACKEND: 'cpu' }
const home = tempDir('wb-pipe-')

/** Run the CLI with stdout and stderr redirected to files; returns their bytes and the exit code. */
function toFiles(args: string[]): { code: number | null; stdout: Buffer; stderr: Buffer } {
  const dir = tempDir('wb-pipe-out-')
  const [o, e] = [openSync(join(dir, 'out'), 'w'), openSync(join(dir, 'err'), 'w')]
  const r = spawnSync(process.execPath, [cli, '--home', home, ...args], { env, stdio: ['ignore', o, e], timeout: 240_000 })
  closeSync(o)
  closeSync(e)
  return { code: r.status, stdout: readFileSync(join(dir, 'out')), stderr: readFileSync(join(dir, 'err')) }
}

/**
 * Run the CLI with stdout and stderr as pipes that this test reads slowly: nothing for the first
 * second (the 64 KiB pipe buffer fills and the writer must wait), then one chunk every few ms.
 */
function throughSlowPipes(args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: Buffer; stalled: boolean }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, '--home', home, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const chunks: { stdout: Buffer[]; stderr: Buffer[] } = { stdout: [], stderr: [] }
    let exitedWhilePaused = false
    let paused = true
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = child[name]
      stream.pause()
      stream.on('data', (c: Buffer) => {
        chunks[name].push(c)
        stream.pause()
        setTimeout(() => stream.resume(), 2)
      })
    }
    child.on('exit', () => (exitedWhilePaused ||= paused))
    setTimeout(() => {
      paused = false
      child.stdout.resume()
      child.stderr.resume()
    }, 1000)
    child.on('error', fail)
    child.on('close', (code) => done({ code, stdout: Buffer.concat(chunks.stdout), stderr: Buffer.concat(chunks.stderr), stalled: exitedWhilePaused }))
  })
}

let runId = ''
const longTexts: string[] = []

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('out/main/cli.js is missing: run `npm run build` before the e2e suite.')
  // Short training rows; 160 test rows of ~22 KB each, so an evaluation answer is several MB.
  const pos = ['great', 'lovely', 'superb', 'wonderful']
  const neg = ['awful', 'dreadful', 'poor', 'terrible']
  const rows = ['text,label,split']
  for (let i = 0; i < 160; i++) rows.push(`"the film was ${i % 2 ? pos[i % 4] : neg[i % 4]} and ${i % 3 ? 'long' : 'short'}",${i % 2 ? 'positive' : 'negative'},${i % 8 ? 'train' : 'validation'}`)
  for (let i = 0; i < 160; i++) {
    const text = `${i % 2 ? pos[i % 4] : neg[i % 4]} ` + Array.from({ length: 5000 }, (_, j) => `w${(i * 7 + j) % 97}`).join(' ')
    longTexts.push(text)
    rows.push(`"${text}",${i % 2 ? 'positive' : 'negative'},test`)
  }
  writeFileSync(join(home, 'long.csv'), rows.join('\n'))
  writeFileSync(join(home, 'texts.txt'), longTexts.join('\n'))
  const imported = toFiles(['import', join(home, 'long.csv'), '--split-col', 'split', '--json'])
  expect(imported.code, imported.stderr.toString()).toBe(0)
  const ds = JSON.parse(imported.stdout.toString())
  const sets = ['train.epochs=2', 'model.dModel=16', 'model.nHeads=2', 'model.seqLen=16', 'train.batchSize=16'].flatMap((s) => ['--set', s])
  const trained = toFiles(['train', '--dataset', ds.id, '--preset', 'quick', ...sets, '--json'])
  expect(trained.code, trained.stderr.toString()).toBe(0)
  runId = JSON.parse(trained.stdout.toString()).id
}, 300_000)

describe('terminal output through a slow pipe', () => {
  it('eval --json: several MB arrive whole, equal to the file-redirected output', async () => {
    const file = toFiles(['eval', '--run', runId, '--json'])
    const pipe = await throughSlowPipes(['eval', '--run', runId, '--json'])
    expect(file.code).toBe(0)
    expect(pipe.code, pipe.stderr.toString()).toBe(0)
    expect(pipe.stdout.length).toBeGreaterThan(3_000_000)
    expect(pipe.stdout.equals(file.stdout)).toBe(true)
    const ev = JSON.parse(pipe.stdout.toString())
    expect(ev.runId).toBe(runId)
    expect(ev.predictions).toHaveLength(160)
    expect(ev.predictions.map((p: { text: string }) => p.text).sort()).toEqual([...longTexts].sort())
    expect(typeof ev.metrics.accuracy).toBe('number')
  })

  it('eval --jsonl and predict --file --jsonl stream one JSON document per row', async () => {
    const evalPipe = await throughSlowPipes(['eval', '--run', runId, '--jsonl'])
    expect(evalPipe.code, evalPipe.stderr.toString()).toBe(0)
    const evalLines = evalPipe.stdout.toString().trimEnd().split('\n')
    expect(evalLines).toHaveLength(160)
    expect(evalLines.map((l) => JSON.parse(l).predicted).every((p: string) => p === 'positive' || p === 'negative')).toBe(true)
    expect(evalPipe.stderr.toString()).toMatch(/^score on 160 test rows: accuracy /)

    const args = ['predict', '--run', runId, '--file', join(home, 'texts.txt'), '--jsonl']
    const file = toFiles(args)
    const pipe = await throughSlowPipes(args)
    expect(pipe.code).toBe(0)
    expect(pipe.stdout.length).toBeGreaterThan(3_000_000)
    expect(pipe.stdout.equals(file.stdout)).toBe(true)
    const rows = pipe.stdout.toString().trimEnd().split('\n').map((l) => JSON.parse(l))
    expect(rows.map((r) => r.text)).toEqual(longTexts)
    for (const r of rows) expect(r.probabilities.positive + r.probabilities.negative).toBeCloseTo(1, 5)
    expect(pipe.stderr.toString()).toMatch(/^160 rows in [\d.]+ s \(\d+ rows\/s\)$/m)
  })

  it('stderr progress arrives as whole plain lines through a slow pipe, and exit codes are unchanged', async () => {
    const sets = ['train.epochs=3', 'model.dModel=16', 'model.nHeads=2', 'model.seqLen=16', 'train.batchSize=8'].flatMap((s) => ['--set', s])
    const ds = JSON.parse(toFiles(['datasets', 'list', '--json']).stdout.toString())[0]
    const pipe = await throughSlowPipes(['train', '--dataset', ds.id, ...sets, '--json'])
    expect(pipe.code, pipe.stderr.toString()).toBe(0)
    const err = pipe.stderr.toString()
    // Not a terminal: no carriage-return bar, every line complete, all three epochs reported.
    expect(err).not.toMatch(/\r/)
    expect(err.endsWith('\n')).toBe(true)
    expect(err.split('\n')[0]).toMatch(/^Training run run_\S+ /)
    expect(err.match(/^epoch \d+: validation loss [\d.]+, accuracy [\d.]+%$/gm)).toHaveLength(3)
    expect(err.match(/^\d+% epoch \d+ loss [\d.]+ \d+ tok\/s/gm)!.length).toBeGreaterThan(0)
    expect(JSON.parse(pipe.stdout.toString()).status).toBe('completed')

    const bad = await throughSlowPipes(['eval', '--run', 'run_missing', '--json'])
    expect(bad.code).toBe(1)
    expect(bad.stdout.length).toBe(0)
    expect(bad.stderr.toString().trim().split('\n')).toHaveLength(1)
  })
})
