// Versioned schema migrations. Append only: never edit a migration that has shipped.
// Each runs once, inside a transaction, and is recorded in schema_migrations.

/** One schema change. `id` is unique and permanent. */
export interface Migration {
  id: string
  sql: string
}

/** All migrations, applied in this order. */
export const migrations: Migration[] = [
  {
    id: '001_initial',
    sql: `
      CREATE TABLE datasets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        current_version_id TEXT,
        deleted_at TEXT
      );
      CREATE TABLE dataset_versions (
        id TEXT PRIMARY KEY,
        dataset_id TEXT NOT NULL REFERENCES datasets(id),
        parent_version_id TEXT REFERENCES dataset_versions(id),
        created_at TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        row_count INTEGER NOT NULL,
        source_json TEXT NOT NULL,
        split_json TEXT,
        note TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX dataset_versions_dataset ON dataset_versions(dataset_id);
      CREATE INDEX dataset_versions_hash ON dataset_versions(content_hash);
      CREATE TABLE dataset_rows (
        version_id TEXT NOT NULL REFERENCES dataset_versions(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        text TEXT NOT NULL,
        label TEXT,
        split TEXT,
        PRIMARY KEY (version_id, idx)
      ) WITHOUT ROWID;

      CREATE TABLE sweeps (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        metric TEXT NOT NULL
      );
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued','running','paused','completed','failed','cancelled','interrupted')),
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        dataset_id TEXT REFERENCES datasets(id),
        dataset_version_id TEXT REFERENCES dataset_versions(id),
        config_json TEXT NOT NULL,
        backend TEXT,
        parent_run_id TEXT REFERENCES runs(id) ON DELETE SET NULL,
        parent_kind TEXT,
        sweep_id TEXT REFERENCES sweeps(id) ON DELETE SET NULL,
        error TEXT,
        metrics_json TEXT,
        progress_json TEXT,
        notes TEXT NOT NULL DEFAULT '',
        tags_json TEXT NOT NULL DEFAULT '[]',
        starred INTEGER NOT NULL DEFAULT 0,
        run_dir TEXT NOT NULL,
        queue_pos INTEGER
      );
      CREATE INDEX runs_created ON runs(created_at);
      CREATE INDEX runs_status ON runs(status);
      CREATE INDEX runs_dataset ON runs(dataset_id);
      CREATE TABLE run_metrics (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        split TEXT NOT NULL,
        step INTEGER NOT NULL,
        epoch INTEGER NOT NULL,
        loss REAL NOT NULL,
        accuracy REAL,
        macro_f1 REAL,
        lr REAL,
        tokens_per_sec REAL,
        time REAL NOT NULL,
        PRIMARY KEY (run_id, split, step)
      ) WITHOUT ROWID;
      CREATE TABLE run_predictions (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        label TEXT NOT NULL,
        predicted TEXT NOT NULL,
        probs_json TEXT NOT NULL,
        PRIMARY KEY (run_id, idx)
      ) WITHOUT ROWID;
      CREATE TABLE exports (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        out_dir TEXT NOT NULL,
        formats_json TEXT NOT NULL,
        ok INTEGER NOT NULL,
        verification_json TEXT NOT NULL
      );
    `,
  },
  {
    // Runs: who owns a live run (pid + instance + heartbeat, to tell a dead owner from a busy
    // one), the last checkpoint (resume point), sortable final metrics, measured throughput
    // (duration estimates), cross-process control requests, and prediction texts so the
    // history does not depend on the dataset still existing.
    id: '002_runs_tracking',
    sql: `
      ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
      ALTER TABLE runs ADD COLUMN owner_id TEXT;
      ALTER TABLE runs ADD COLUMN heartbeat_at INTEGER;
      ALTER TABLE runs ADD COLUMN checkpoint_step INTEGER;
      ALTER TABLE runs ADD COLUMN checkpoint_epoch INTEGER;
      ALTER TABLE runs ADD COLUMN accuracy REAL;
      ALTER TABLE runs ADD COLUMN macro_f1 REAL;
      ALTER TABLE runs ADD COLUMN tokens_per_sec REAL;
      ALTER TABLE runs ADD COLUMN control TEXT;
      ALTER TABLE run_predictions ADD COLUMN text TEXT NOT NULL DEFAULT '';
      CREATE INDEX runs_sweep ON runs(sweep_id);
      CREATE INDEX runs_queue ON runs(status, queue_pos);
    `,
  },
  {
    // Datasets: an import is staged under a dataset with status 'importing' (owned by a process id,
    // so a crashed import can be cleaned up), and each version keeps its label/split summary.
    id: '003_dataset_import_state',
    sql: `
      ALTER TABLE datasets ADD COLUMN status TEXT NOT NULL DEFAULT 'ready';
      ALTER TABLE datasets ADD COLUMN import_pid INTEGER;
      ALTER TABLE dataset_versions ADD COLUMN summary_json TEXT;
      CREATE INDEX datasets_status ON datasets(status);
    `,
  },
  {
    // Pretrained bases: imported checkpoints (weights under bases/<id>/) and completed pretraining
    // runs (weights stay in the run's folder); runs record the base they started from.
    id: '004_bases',
    sql: `
      CREATE TABLE bases (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('import','pretrain')),
        source_path TEXT,
        run_id TEXT REFERENCES runs(id) ON DELETE CASCADE,
        family TEXT NOT NULL,
        params INTEGER NOT NULL,
        vocab_size INTEGER NOT NULL,
        max_length INTEGER NOT NULL,
        info_json TEXT NOT NULL
      );
      CREATE UNIQUE INDEX bases_run ON bases(run_id) WHERE run_id IS NOT NULL;
      ALTER TABLE runs ADD COLUMN base_id TEXT REFERENCES bases(id) ON DELETE SET NULL;
      CREATE INDEX runs_base ON runs(base_id);
    `,
  },
  {
    // Dataset kinds: a dataset holds texts ('text', every dataset before this) or table rows ('table'). A table
    // row keeps its raw cells (column -> string, the label's column included) beside the readable text; a
    // version keeps the role of each column (numeric, categorical, id, label, text) and why it was chosen.
    id: '005_dataset_kinds',
    sql: `
      ALTER TABLE datasets ADD COLUMN kind TEXT NOT NULL DEFAULT 'text';
      ALTER TABLE dataset_versions ADD COLUMN columns_json TEXT;
      ALTER TABLE dataset_rows ADD COLUMN cells_json TEXT;
    `,
  },
  {
    // Runs: the compute backend in words beside its short name, with the WebGPU adapter (vendor, architecture).
    id: '006_run_backend_detail',
    sql: `
      ALTER TABLE runs ADD COLUMN backend_detail TEXT;
    `,
  },
  {
    // Derived dataset versions (re-split, fixes, column changes) are written in many short
    // transactions under a version that stays unpublished (invisible) until one last transaction
    // publishes it; writer_pid names the process writing it, so start-up removes only the
    // unpublished versions of processes that died.
    id: '007_unpublished_versions',
    sql: `
      ALTER TABLE dataset_versions ADD COLUMN published INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE dataset_versions ADD COLUMN writer_pid INTEGER;
    `,
  },
]
