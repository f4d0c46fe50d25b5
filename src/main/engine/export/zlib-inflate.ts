// A deflate decoder for fflate's streaming Unzip that inflates with node:zlib's asynchronous
// stream: the inflating runs on libuv's thread pool, never on the thread that serves requests.
// Unzip still reads the zip's headers (cheap); each wanted entry's compressed bytes are written to
// its own zlib stream, whose output comes back as 'data' events. `drained()` lets the reader wait
// for zlib to take in what was pushed before it pushes more (backpressure), so memory holds at
// most one slice of compressed input per entry besides the output the caller counts.
import { createInflateRaw, type InflateRaw } from 'node:zlib'
import type { AsyncFlateStreamHandler, FlateError, UnzipDecoder, UnzipDecoderConstructor } from 'fflate'

/** Output chunk size of each zlib stream: few events per megabyte, each a small copy. */
const chunkSize = 64 * 1024

/** Decoders created by Unzip that have not finished; the reader waits on them. */
export class InflatePool {
  readonly live = new Set<ZlibInflateDecoder>()

  /** The decoder class to register with Unzip (compression method 8), bound to this pool. */
  decoder(): UnzipDecoderConstructor {
    return decoderFor(this)
  }

  /** Resolves once every live decoder has taken in what was written to it (or has ended). */
  async drained(): Promise<void> {
    for (const d of [...this.live]) await d.drained()
  }

  /** Resolves once every live decoder has given its last byte (or failed, or was stopped). */
  async finished(): Promise<void> {
    for (const d of [...this.live]) await d.done
  }

  /** Stop every decoder (a refusal: nothing more is wanted). */
  stopAll(): void {
    for (const d of this.live) d.terminate()
    this.live.clear()
  }
}

function decoderFor(pool: InflatePool): UnzipDecoderConstructor {
  return class extends ZlibInflateDecoder {
    static compression = 8
    constructor() {
      super(pool)
    }
  }
}

export class ZlibInflateDecoder implements UnzipDecoder {
  ondata: AsyncFlateStreamHandler = () => undefined
  readonly done: Promise<void>
  private readonly z: InflateRaw
  private settle!: () => void
  private over = false

  constructor(private readonly pool: InflatePool) {
    this.done = new Promise<void>((r) => (this.settle = r))
    this.z = createInflateRaw({ chunkSize })
    this.z.on('data', (d: Buffer) => {
      if (!this.over) this.ondata(null, new Uint8Array(d.buffer as ArrayBuffer, d.byteOffset, d.length), false)
    })
    this.z.on('end', () => this.finish(null))
    this.z.on('error', (err: Error) => this.finish(err))
    pool.live.add(this)
  }

  push(chunk: Uint8Array, final: boolean): void {
    if (this.over) return
    // Unzip hands a view of its own buffer: zlib works on it later, so it gets a copy (compressed bytes only).
    if (chunk.length) this.z.write(Buffer.from(chunk))
    if (final) this.z.end()
  }

  /** Resolves when zlib has taken in the bytes written so far (or the stream is over). */
  drained(): Promise<void> {
    if (this.over || !this.z.writableNeedDrain) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const go = () => {
        this.z.off('drain', go)
        this.z.off('close', go)
        resolve()
      }
      this.z.once('drain', go)
      this.z.once('close', go)
      void this.done.then(go)
    })
  }

  terminate = (): void => {
    if (this.over) return
    this.over = true
    this.z.destroy()
    this.pool.live.delete(this)
    this.settle()
  }

  private finish(err: Error | null): void {
    if (this.over) return
    this.over = true
    this.pool.live.delete(this)
    if (err) this.ondata(Object.assign(err, { code: 0 }) as FlateError, new Uint8Array(0), true)
    else this.ondata(null, new Uint8Array(0), true)
    this.settle()
  }
}
