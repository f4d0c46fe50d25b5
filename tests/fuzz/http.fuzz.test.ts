// Property: whatever a client sends to web mode (any method name, body, path, header or raw
// bytes), the server answers below 500 or closes that one connection, and keeps serving.
import fc from 'fast-check'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { methodNames } from '../../src/shared/api'
import { createApp, type App } from '../../src/main/app'
import { startServer, type RunningServer } from '../../src/main/server'
import { fuzzParams, mutated } from './fuzz-runs'

let app: App
let server: RunningServer

beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'wb-fuzz-http-'))
  const rendererDir = join(home, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>shell</title>')
  // No trainer is ever started here: a call that would need one fails like a missing trainer.
  app = createApp({ home, mode: 'web', spawn: () => { throw new Error('no trainer while fuzzing') } })
  server = await startServer({ app, rendererDir, port: 0 })
})
afterAll(async () => {
  await server.close()
  await app.close()
})

const base = () => `http://127.0.0.1:${server.port}`

/** Send raw bytes; resolve with the status line's code (0 when the server just closed). */
function raw(bytes: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.end(bytes))
    let out = ''
    socket.setTimeout(5000, () => socket.destroy())
    socket.on('data', (d) => (out += d.toString('latin1')))
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0)))
    socket.on('error', () => {})
  })
}

async function stillServing(): Promise<void> {
  const res = await fetch(`${base()}/api/app.info`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` } })
  expect(res.status).toBe(200)
}

const methodName = fc.oneof(fc.constantFrom(...methodNames, '__proto__.toString', 'constructor.name', 'datasets.__proto__'), fc.string({ maxLength: 40 }))
const body = fc.oneof(fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 200 }), fc.constant(''))

describe('fuzzing the HTTP API', () => {
  it('any method name and body answers below 500 with a JSON envelope', async () => {
    await fc.assert(
      fc.asyncProperty(methodName, body, fc.constantFrom('application/json', 'text/plain', ''), async (name, text, type) => {
        const res = await fetch(`${base()}/api/${encodeURIComponent(name).replace(/%2E/gi, '.')}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${server.token}`, ...(type ? { 'Content-Type': type } : {}) },
          body: text,
        })
        expect(res.status, `${name} ${text.slice(0, 80)}`).toBeLessThan(500)
        const envelope = (await res.json()) as { ok: boolean }
        expect(typeof envelope.ok).toBe('boolean')
      }),
      fuzzParams(150),
    )
    await stillServing()
  })

  it('any path, query and header values answer below 500', async () => {
    const part = fc.string({ unit: fc.constantFrom(...'abc/%.?=&#[]:@!$\'()*+,;09AFaf-_~'.split('')), maxLength: 30 })
    const header = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 })
    await fc.assert(
      fc.asyncProperty(part, fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'OPTIONS'), header, header, header, async (path, method, host, cookie, origin) => {
        const head = [`${method} /${path} HTTP/1.1`, `Host: ${host}`, `Cookie: ${cookie}`, `Origin: ${origin}`, `Authorization: Bearer ${server.token}`, 'Content-Length: 0', 'Connection: close', '', ''].join('\r\n')
        const status = await raw(Buffer.from(head, 'latin1'))
        expect(status, head).toBeLessThan(500)
      }),
      fuzzParams(150),
    )
    await stillServing()
  })

  it('raw bytes and mutated requests (HTTP and WebSocket upgrades) never stop the server', async () => {
    const valid = Buffer.from(
      `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${server.token}\r\n\r\n`,
    )
    const post = Buffer.from(`POST /api/datasets.list HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`)
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 512 }), mutated(valid), mutated(post)), async (bytes) => {
        const status = await raw(bytes)
        expect(status === 0 || status === 101 || status < 500, `status ${status}`).toBe(true)
      }),
      fuzzParams(150),
    )
    await stillServing()
  })
})
