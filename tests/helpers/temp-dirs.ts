// Temporary folders for a test file, all removed when the file's tests are done (importing this
// module registers the cleanup in the importing file's root suite).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

const made: string[] = []
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A new empty folder under the system temp folder, removed after this file's tests. */
export function tempDir(prefix = 'wb-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  made.push(d)
  return d
}
