// A second process for the migration-lock test: says it is about to open the database, opens it
// (applying migrations), and prints "ok" or the error it hit.
import { openDb } from '../../src/main/store/db'

process.stdout.write('opening\n')
try {
  openDb(process.argv[2]).close()
  process.stdout.write('ok\n')
} catch (err) {
  process.stdout.write(`error: ${(err as Error).message}\n`)
  process.exitCode = 1
}
