// Test helpers for dataset tests: temp folders, generated files, and a database fingerprint
// that proves a failed import "changed nothing".
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../../helpers/temp-dirs'
import type { Db } from '../../../src/main/store/db'

/** A fresh temporary folder, removed after the test file. */
export function tmpDir(prefix = 'wb-data-'): string {
  return tempDir(prefix)
}

/** Write `content` to dir/name and return the path. */
export function put(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

/** Everything about the dataset tables that an import could change. */
export function dbFingerprint(db: Db): string {
  const q = (sql: string) => JSON.stringify(db.prepare(sql).all())
  return [
    q('SELECT id, name, status, current_version_id, deleted_at FROM datasets ORDER BY id'),
    q('SELECT id, dataset_id, content_hash, row_count FROM dataset_versions ORDER BY id'),
    q('SELECT version_id, count(*) AS n, sum(length(text)) AS chars FROM dataset_rows GROUP BY version_id ORDER BY version_id'),
  ].join('\n')
}

/** A labelled CSV of `n` rows over `labels`, each text unique. */
export function csvRows(n: number, labels = ['pos', 'neg']): string {
  const lines = ['text,label']
  for (let i = 0; i < n; i++) lines.push(`"review number ${i}, which is ${labels[i % labels.length]} in tone",${labels[i % labels.length]}`)
  return lines.join('\n') + '\n'
}
