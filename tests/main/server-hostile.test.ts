// Hostile requests against web mode: each gets a 4xx/5xx answer and the server keeps serving.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createApp, type App } from '../../src/main/app'
import { startServer, type RunningServer } from '../../src/main/server'

let app: App
let server: RunningServer

beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'wb-hostile-'))
  const rendererDir = join(home, 'renderer')
  mkdirSync(rendererDir, { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>shell</title>')
  app = createApp({ home, mode: 'web' })
  server = await startServer({ app, rendererDir, port: 0 })
})

afterAll(async () => {
  await server.close()
  await app.close()
})

/** Send raw bytes and collect whatever comes back until the server closes the connection. */
export function raw(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request))
    let out = ''
    socket.on('data', (d) => (out += d.toString('latin1')))
    socket.on('close', () => resolve(out))
    socket.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve(out) : reject(err)))
  })
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)
const host = () => `127.0.0.1:${server.port}`
const authed = (path: string, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${server.token}\r\nContent-Length: 0\r\nConnection: close\r\n${extra}\r\n`

/** The server still answers a normal call. */
async function stillServing(): Promise<void> {
  const res = await fetch(`http://${host()}/api/app.info`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` } })
  expect(res.status).toBe(200)
}

describe('web mode under hostile requests', () => {
  it('answers a malformed Host header with 403 and keeps running', async () => {
    expect(statusOf(await raw(server.port, 'GET / HTTP/1.1\r\nHost: [\r\nConnection: close\r\n\r\n'))).toBe(403)
    await stillServing()
  })

  it('refuses a WebSocket upgrade with an impossible port in Host and keeps running', async () => {
    const upgrade =
      `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:99999\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
    expect(statusOf(await raw(server.port, upgrade))).toBe(403)
    expect(statusOf(await raw(server.port, upgrade.replace('/api/events', '//[')))).toBe(400)
    await stillServing()
  })

  it('answers a request target that is not a path, or a cookie with a broken escape, with 4xx', async () => {
    expect(statusOf(await raw(server.port, `GET //[ HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`))).toBe(400)
    expect(statusOf(await raw(server.port, `GET / HTTP/1.1\r\nHost: ${host()}\r\nCookie: wb_token_${server.port}=%E0\r\nConnection: close\r\n\r\n`))).toBe(401)
    await stillServing()
  })

  it('answers bytes that are not HTTP with 400 (clientError) and keeps running', async () => {
    expect(statusOf(await raw(server.port, Buffer.from([0, 1, 2, 0x0d, 0x0a, 0x0d, 0x0a])))).toBe(400)
    expect(statusOf(await raw(server.port, `GET / HTTP/1.1\r\nHost: ${host()}\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`))).toBe(431)
    await stillServing()
  })

  it('names no method through the prototype chain: /api/__proto__.toString is 404', async () => {
    for (const name of ['__proto__.toString', 'constructor.name', 'datasets.constructor', 'datasets.__proto__', 'hasOwnProperty.call']) {
      const answer = await raw(server.port, authed(`/api/${name}`))
      expect(statusOf(answer), name).toBe(404)
      expect(answer).not.toContain('Internal error')
    }
  })

  it('answers a malformed %-escape in the path with 400', async () => {
    expect(statusOf(await raw(server.port, authed('/api/%E0%A4%A')))).toBe(400)
    expect(statusOf(await raw(server.port, authed('/%E0%A4%A').replace('POST', 'GET')))).toBe(400)
    await stillServing()
  })

  it('closes only the one WebSocket that sends an oversized frame', async () => {
    const ws = new WebSocket(`ws://${host()}/api/events`, { headers: { Authorization: `Bearer ${server.token}` } })
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    ws.send('x'.repeat(200_000))
    expect(await closed).toBe(1009)
    await stillServing()
  })
})
