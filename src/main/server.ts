// Web mode: the same API over HTTP + WebSocket, bound to 127.0.0.1 and guarded by a random token.
// The first visit with ?token= sets an HttpOnly, SameSite=Strict cookie; everything else needs
// that cookie (or an Authorization: Bearer header) and, when a browser says where it comes
// from, our own Origin.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { eventChannels, type ErrorCode } from '../shared/api'
import type { App } from './app'
import { isMethodName, toCallError } from './services/dispatch'
import { maxUploadBytes, saveUpload } from './services/uploads'

/** Content Security Policy for every page the server sends. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*; font-src 'self' data:; object-src 'none'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

/** The token cookie, named per port: a second server on this host must not replace the first one's cookie. */
const cookieName = (port: number) => `wb_token_${port}`
const MAX_JSON_BYTES = 16 * 1024 * 1024
const MAX_UPLOAD_BYTES = maxUploadBytes

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.csv': 'text/csv; charset=utf-8',
}

/** What startServer needs. */
export interface ServerOptions {
  app: App
  host?: string
  port?: number
  /** Built renderer (index.html and assets). */
  rendererDir: string
  /** Fixed token (tests); random otherwise. */
  token?: string
}

/** A running web-mode server. */
export interface RunningServer {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

function sameToken(a: string | undefined | null, b: string): boolean {
  if (!a) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieToken(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return safeDecode(v.join('=')) ?? undefined
  }
  return undefined
}

/** decodeURIComponent that answers null for a malformed escape instead of throwing. */
function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text)
  } catch {
    return null
  }
}

/**
 * The request's path and query, parsed against a fixed base: the Host header is untrusted and is
 * only ever compared as a string (see gate), never parsed. null when the target cannot be parsed.
 */
export function requestUrl(req: IncomingMessage): URL | null {
  const target = req.url ?? '/'
  if (!target.startsWith('/') || target.startsWith('//')) return null
  try {
    return new URL(target, 'http://localhost')
  } catch {
    return null
  }
}

/** A plain HTTP answer written straight to a raw socket (bad requests, refused upgrades). */
function rejectSocket(socket: Duplex, status: number): void {
  const reason = STATUS_CODES[status] ?? 'Error'
  if (socket.writable) socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  socket.destroy()
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(text)
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } })
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw Object.assign(new Error(`The request is larger than ${Math.round(limit / 1048576)} MB.`), { status: 413 })
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** Start web mode. Resolves once listening. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { app } = options
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(24).toString('base64url')
  const rendererDir = resolve(options.rendererDir)
  let port = options.port ?? 0

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `${host}:${port}`, `[::1]:${port}`])
  const allowedOrigins = () => new Set([...allowedHosts()].map((h) => `http://${h}`))

  /** Checks shared by HTTP and WebSocket: Host (against DNS rebinding), Origin, token. */
  function gate(req: IncomingMessage, url: URL): { ok: true } | { ok: false; status: number; message: string } {
    if (!allowedHosts().has(req.headers.host ?? '')) return { ok: false, status: 403, message: 'Unexpected Host header.' }
    const origin = req.headers.origin
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      return { ok: false, status: 403, message: 'Requests from another origin are refused.' }
    }
    if (sameToken(cookieToken(req, cookieName(port)), token) || sameToken(bearer(req), token)) return { ok: true }
    if (sameToken(url.searchParams.get('token'), token)) return { ok: true }
    return { ok: false, status: 401, message: 'Missing or invalid token. Open the link printed in the terminal.' }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = safeDecode(url.pathname.slice('/api/'.length))
    if (name === null) return sendError(res, 400, 'bad_input', 'The address has a malformed %-escape.')
    if (req.method !== 'POST') return sendError(res, 405, 'bad_input', 'Use POST for API calls.')
    if (!isMethodName(name)) return sendError(res, 404, 'not_found', `Unknown method "${name.slice(0, 80)}".`)
    if (name === 'datasets.upload') return handleUpload(req, res, url)
    let input: unknown
    try {
      const body = await readBody(req, MAX_JSON_BYTES)
      const text = body.toString('utf8').trim()
      if (text) {
        const type = req.headers['content-type'] ?? ''
        if (!type.startsWith('application/json')) {
          return sendError(res, 415, 'bad_input', 'Send the request body as application/json.')
        }
        try {
          input = JSON.parse(text)
        } catch {
          return sendError(res, 400, 'bad_input', 'The request body is not valid JSON.')
        }
      }
    } catch (err) {
      const status = (err as { status?: number }).status ?? 400
      return sendError(res, status, 'bad_input', (err as Error).message)
    }
    try {
      const result = await app.call(name, input)
      sendJson(res, 200, { ok: true, result: result ?? null })
    } catch (err) {
      const e = toCallError(err)
      if (e.status >= 500) console.error(`[server] ${name} failed:`, err)
      sendError(res, e.status, e.code, e.message)
    }
  }

  /** Uploads stream straight to the data folder (never whole in memory), up to maxUploadBytes. */
  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const declared = Number(req.headers['content-length'])
    try {
      const result = await saveUpload(join(app.home, 'uploads'), url.searchParams.get('fileName') ?? 'upload', req, {
        limit: MAX_UPLOAD_BYTES,
        expectedBytes: Number.isFinite(declared) && declared >= 0 ? declared : undefined,
      })
      sendJson(res, 200, { ok: true, result })
    } catch (err) {
      const e = toCallError(err)
      if (e.status >= 500) console.error('[server] datasets.upload failed:', err)
      // The client may still be sending: answer, then close instead of reading the rest.
      res.setHeader('Connection', 'close')
      sendError(res, (err as { status?: number }).status ?? e.status, e.code, e.message)
    }
  }

  function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'bad_input', 'Method not allowed.')
    const rel = safeDecode(url.pathname)
    if (rel === null || rel.includes('\0')) return sendError(res, 400, 'bad_input', 'Bad path.')
    let file = normalize(join(rendererDir, rel))
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return sendError(res, 403, 'bad_input', 'Forbidden.')
    if (!existsSync(file) || statSync(file).isDirectory()) {
      // Client-side routes fall back to the app shell; missing assets are 404.
      if (extname(rel)) return sendError(res, 404, 'not_found', 'Not found.')
      file = join(rendererDir, 'index.html')
      if (!existsSync(file)) return sendError(res, 500, 'internal', 'The UI is not built. Run `npm run build` first.')
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': extname(file) === '.html' ? 'no-store' : 'private, max-age=3600',
    })
    if (req.method === 'HEAD') return void res.end()
    createReadStream(file).pipe(res)
  }

  /** GET /download?dir=&file=: one file of a verified export, as an attachment. */
  function serveDownload(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'bad_input', 'Method not allowed.')
    const dir = url.searchParams.get('dir') ?? ''
    const file = url.searchParams.get('file') ?? ''
    if (!dir || !file || dir.length > 4096 || dir.includes('\0')) return sendError(res, 400, 'bad_input', 'Say which export folder and file to download.')
    let found
    try {
      found = app.services.exports.exportFile(dir, file)
    } catch (err) {
      const e = toCallError(err)
      return sendError(res, e.status, e.code, e.message)
    }
    res.writeHead(200, {
      'Content-Type': found.name.endsWith('.zip') ? 'application/zip' : 'application/octet-stream',
      'Content-Length': String(found.size),
      'Content-Disposition': `attachment; filename="${found.name}"`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    })
    if (req.method === 'HEAD') return void res.end()
    createReadStream(found.path).on('error', () => res.destroy()).pipe(res)
  }

  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = requestUrl(req)
    if (!url) return sendError(res, 400, 'bad_input', 'The request address cannot be read.')
    const verdict = gate(req, url)
    if (!verdict.ok) {
      if (url.pathname.startsWith('/api/')) return sendError(res, verdict.status, verdict.status === 401 ? 'unauthorized' : 'forbidden', verdict.message)
      res.writeHead(verdict.status, { 'Content-Type': 'text/plain; charset=utf-8' })
      return void res.end(verdict.message)
    }
    if (url.searchParams.has('token')) {
      // Trade the token in the address for a cookie, then drop it from the address bar.
      url.searchParams.delete('token')
      res.writeHead(302, {
        'Set-Cookie': `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + (url.search || ''),
        'Referrer-Policy': 'no-referrer',
      })
      return void res.end()
    }
    if (url.pathname.startsWith('/api/')) {
      void handleApi(req, res, url).catch((err) => {
        console.error('[server]', err)
        if (!res.headersSent) sendError(res, 500, 'internal', 'Internal error.')
      })
      return
    }
    if (url.pathname === '/download') return serveDownload(req, res, url)
    serveStatic(req, res, url)
  }

  const server = createServer((req, res) => {
    // Last-resort boundary: whatever a request does, it gets an answer and the server keeps running.
    try {
      handleRequest(req, res)
    } catch (err) {
      console.error('[server]', err)
      if (!res.headersSent) sendError(res, 500, 'internal', 'Internal error.')
      else res.destroy()
    }
  })
  // Requests Node's parser refuses (bad header bytes, oversized headers) answer 400, never throw.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => rejectSocket(socket, err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400))

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  const sockets = new Set<WebSocket>()
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy())
    try {
      upgrade(req, socket, head)
    } catch (err) {
      console.error('[server] upgrade', err)
      rejectSocket(socket, 500)
    }
  })
  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = requestUrl(req)
    if (!url) return rejectSocket(socket, 400)
    const verdict = gate(req, url)
    if (url.pathname !== '/api/events' || !verdict.ok) return rejectSocket(socket, !verdict.ok ? verdict.status : 404)
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      const unsubscribe = eventChannels.map((channel) =>
        app.events.subscribe(channel, (event) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ channel, event }))
        }),
      )
      ws.on('close', () => {
        sockets.delete(ws)
        unsubscribe.forEach((u) => u())
      })
      // The socket is for server -> client events only; ignore anything the client sends.
      ws.on('message', () => {})
      // An oversized or malformed frame closes this socket only.
      ws.on('error', () => ws.terminate())
    })
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(port, host, () => ok())
  })
  port = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((ok) => {
        for (const ws of sockets) ws.terminate()
        wss.close()
        server.close(() => ok())
        server.closeAllConnections()
      }),
  }
}
