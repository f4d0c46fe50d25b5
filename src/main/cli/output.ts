// What the terminal writes: results on stdout, progress and notes on stderr. On a pipe Node
// writes asynchronously, so every write here respects backpressure and the process exits only
// after both streams have handed everything to the operating system.
import { once } from 'node:events'
import type { Writable } from 'node:stream'

/** How results are printed: for people, one JSON document, or one JSON document per line. */
export type OutputMode = 'human' | 'json' | 'jsonl'

/** A stream we can wait on: stdout, stderr, or a test's sink. */
type Sink = Writable & { writableLength: number; destroyed: boolean }

/** Write `text`, waiting for 'drain' when the stream's buffer is full (a slow reader on a pipe). */
export async function writeTo(stream: Sink, text: string): Promise<void> {
  if (stream.destroyed) return
  if (!stream.write(text)) {
    // A reader that went away (EPIPE) destroys the stream instead of draining it.
    await Promise.race([once(stream, 'drain'), once(stream, 'close')])
  }
}

/** Resolve once everything written to `stream` has left the process (or the reader is gone). */
export async function drained(stream: Sink): Promise<void> {
  while (!stream.destroyed && stream.writableLength > 0) {
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A reader that closed the pipe early (`| head`) is not an error of ours: stop writing quietly. */
export function ignoreClosedPipes(...streams: Sink[]): void {
  for (const s of streams) {
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') s.destroy()
      else throw err
    })
  }
}

/** Results, rows and notes for one command. */
export class Output {
  constructor(
    readonly mode: OutputMode,
    private readonly stdout: Sink = process.stdout,
    private readonly stderr: Sink = process.stderr,
  ) {}

  /** True when results are for programs (JSON or JSON lines). */
  get machine(): boolean {
    return this.mode !== 'human'
  }

  /** Print one result: a JSON document (--jsonl: one line, or one per element of a list), or the human rendering. */
  async result(value: unknown, human: () => string, { compact = false } = {}): Promise<void> {
    if (this.mode === 'json') await writeTo(this.stdout, JSON.stringify(value, null, compact ? undefined : 2) + '\n')
    else if (this.mode === 'jsonl') {
      // A list is one document per element (runs list, datasets list); anything else one line.
      for (const v of Array.isArray(value) ? value : [value]) await writeTo(this.stdout, JSON.stringify(v) + '\n')
    }
    else await writeTo(this.stdout, human() + '\n')
  }

  /**
   * Print a long list as it is produced. JSON: one array, written element by element; JSON
   * lines: one document per row; human: one line per row. `head` wraps the rows in a JSON
   * object (`{ ...head, [key]: [rows] }`) and is left out of the other modes.
   */
  rows<T>(human: (row: T) => string, wrap?: { head: Record<string, unknown>; key: string }): RowWriter<T> {
    return new RowWriter(this, this.stdout, human, wrap)
  }

  /** A line for people on stderr (never mixed into results). */
  async note(text: string): Promise<void> {
    await writeTo(this.stderr, text + '\n')
  }
}

/** Streams rows of one result; call `end` once. */
export class RowWriter<T> {
  private count = 0
  constructor(
    private readonly out: Output,
    private readonly stdout: Sink,
    private readonly human: (row: T) => string,
    private readonly wrap?: { head: Record<string, unknown>; key: string },
  ) {}

  async row(value: T): Promise<void> {
    const first = this.count++ === 0
    if (this.out.mode === 'jsonl') return writeTo(this.stdout, JSON.stringify(value) + '\n')
    if (this.out.mode === 'human') return writeTo(this.stdout, this.human(value) + '\n')
    const indent = this.wrap ? '    ' : '  '
    const body = JSON.stringify(value, null, 2).replace(/\n/g, '\n' + indent)
    await writeTo(this.stdout, (first ? this.open() : ',\n') + indent + body)
  }

  /** Close the array (and object); with `tail`, add fields after the rows in JSON mode. */
  async end(tail: Record<string, unknown> = {}): Promise<void> {
    if (this.out.mode !== 'json') return
    const close = this.count ? (this.wrap ? '\n  ]' : '\n]') : this.open().trimEnd() + ']'
    let extra = ''
    if (this.wrap) {
      for (const [k, v] of Object.entries(tail)) extra += `,\n  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')}`
      extra += '\n}'
    }
    await writeTo(this.stdout, close + extra + '\n')
  }

  private open(): string {
    if (!this.wrap) return '[\n'
    const head = JSON.stringify(this.wrap.head, null, 2)
    const fields = head === '{}' ? '{\n' : head.slice(0, -2) + ',\n'
    return `${fields}  ${JSON.stringify(this.wrap.key)}: [\n`
  }
}
