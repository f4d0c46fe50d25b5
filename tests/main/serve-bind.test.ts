// `workbench serve` as a user starts it: it listens on 127.0.0.1 only (another loopback address and
// IPv6 loopback are refused, not just a different URL printed), answers 401 without the token, and
// stops cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const home = mkdtempSync(join(tmpdir(), 'wb-serve-bind-'))
let child: ChildProcess
let started: { url: string; port: number; token: string }

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'src/main/cli.ts'), '--home', home, 'serve', '--port', '0', '--json'], {
    env: { ...process.env, WORKBENCH_BACKEND: 'cpu' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  // The server reports the port it chose (no free-port-then-bind race).
  started = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line)))
    child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${stderr}`)))
  })
})

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(home, { recursive: true, force: true })
})

/** Resolves 'connected' or the error code of a TCP connection attempt. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port })
    s.once('connect', () => {
      s.destroy()
      resolve('connected')
    })
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'))
  })
}

describe('workbench serve', () => {
  it('listens on 127.0.0.1 and nowhere else', async () => {
    expect(started.url.startsWith(`http://127.0.0.1:${started.port}/`)).toBe(true)
    expect(await tryConnect('127.0.0.1', started.port)).toBe('connected')
    // Bound to 0.0.0.0 or :: these would connect; bound to 127.0.0.1 they are refused.
    expect(await tryConnect('127.0.0.2', started.port)).not.toBe('connected')
    expect(await tryConnect('::1', started.port)).not.toBe('connected')
  })

  it('answers 401 without the token and 200 with it', async () => {
    const api = `http://127.0.0.1:${started.port}/api/app.info`
    expect((await fetch(api, { method: 'POST' })).status).toBe(401)
    const ok = await fetch(api, { method: 'POST', headers: { Authorization: `Bearer ${started.token}` } })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { ok: boolean }).ok).toBe(true)
  })

  it('stops with exit code 0 on SIGTERM', async () => {
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c))
      child.kill('SIGTERM')
    })
    expect(code).toBe(0)
    expect(await tryConnect('127.0.0.1', started.port)).not.toBe('connected')
  })
})
