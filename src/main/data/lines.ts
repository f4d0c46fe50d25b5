// Split a stream of decoded text into lines without ever holding more than one (bounded) line.
import { UserError } from '../../shared/api'

/** Yield each line (without its CR/LF) with its 1-based number; a line over `maxChars` is an error. */
export async function* splitLines(chunks: AsyncIterable<string>, maxChars: number, shown: string): AsyncGenerator<{ line: number; text: string }> {
  let partial = ''
  let line = 0
  for await (const chunk of chunks) {
    let start = 0
    for (;;) {
      const nl = chunk.indexOf('\n', start)
      if (nl < 0) break
      const piece = partial + chunk.slice(start, nl)
      partial = ''
      line++
      if (piece.length > maxChars) throw tooLong(line, shown, maxChars)
      yield { line, text: piece.endsWith('\r') ? piece.slice(0, -1) : piece }
      start = nl + 1
    }
    partial += chunk.slice(start)
    if (partial.length > maxChars) throw tooLong(line + 1, shown, maxChars)
  }
  if (partial.length > 0) yield { line: line + 1, text: partial.endsWith('\r') ? partial.slice(0, -1) : partial }
}

function tooLong(line: number, shown: string, maxChars: number): UserError {
  return new UserError(
    `Line ${line} of "${shown}" is longer than ${(maxChars / 1_000_000).toLocaleString('en-US')} million characters. ` +
      `A single text that long cannot be classified; check the file's format (are the line breaks missing?).`,
  )
}
