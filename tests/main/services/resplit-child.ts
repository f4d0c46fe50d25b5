// Child process for the crash test: re-splits a dataset in small, slow batches so the parent can
// kill it while the new version is half written. Args: home, dataset id.
import { join } from 'node:path'
import { createDatasetService } from '../../../src/main/services/datasets'
import { openDb } from '../../../src/main/store/db'

const [home, id] = process.argv.slice(2)
const db = openDb(join(home, 'workbench.db'))
const svc = createDatasetService({ db, home, emit: () => undefined, versionWrite: { chunkRows: 50, pauseMs: 100 } })
await svc.split({ id, ratios: { train: 0.5, validation: 0.25, test: 0.25, seed: 3 } })
process.stdout.write('finished\n')
