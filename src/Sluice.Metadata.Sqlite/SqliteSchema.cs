namespace Sluice.Metadata.Sqlite;

/// <summary>
/// Versioned migrations, applied in order on open and recorded in <c>PRAGMA user_version</c>, so a
/// state folder made by an older Sluice is upgraded in place and never rebuilt.
/// </summary>
internal static class SqliteSchema
{
    // WAL lets `sluice runs` read while a run writes; busy_timeout lets two processes take turns, and comes
    // first because switching to WAL needs the lock too.
    public const string Connection = """
        PRAGMA busy_timeout = 10000;
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        """;

    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: run history and task states (IF NOT EXISTS: folders from before versioning already have them).
        """
        CREATE TABLE IF NOT EXISTS runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pipeline TEXT NOT NULL,
            logical_date TEXT NOT NULL,
            interval_start TEXT NOT NULL,
            interval_end TEXT NOT NULL,
            state TEXT NOT NULL,
            trigger TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            error TEXT
        );
        CREATE INDEX IF NOT EXISTS runs_by_interval ON runs (pipeline, logical_date);
        CREATE TABLE IF NOT EXISTS task_instances (
            run_id INTEGER NOT NULL REFERENCES runs (id),
            task_id TEXT NOT NULL,
            state TEXT NOT NULL,
            try_number INTEGER NOT NULL,
            started_at TEXT,
            ended_at TEXT,
            rows_read INTEGER NOT NULL,
            rows_written INTEGER NOT NULL,
            rows_quarantined INTEGER NOT NULL,
            reused INTEGER NOT NULL,
            error TEXT,
            PRIMARY KEY (run_id, task_id)
        );
        """,
        // 2: liveness of runs, stored retry times, and the event log.
        """
        ALTER TABLE runs ADD COLUMN host TEXT;
        ALTER TABLE runs ADD COLUMN process_id INTEGER;
        ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
        CREATE INDEX runs_by_state ON runs (state);
        ALTER TABLE task_instances ADD COLUMN next_attempt_at TEXT;
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            type TEXT NOT NULL,
            pipeline TEXT,
            run_id INTEGER,
            logical_date TEXT,
            task_id TEXT,
            payload TEXT NOT NULL
        );
        CREATE INDEX events_by_run ON events (run_id, id);
        CREATE INDEX events_by_pipeline ON events (pipeline, id);
        """,
        // 3: paused schedules.
        """
        CREATE TABLE pipelines (name TEXT PRIMARY KEY, paused INTEGER NOT NULL, changed_at TEXT NOT NULL);
        """,
        // 4: claimed slots of task pools; a claim lapses with its run.
        """
        CREATE TABLE pool_slots (
            pool TEXT NOT NULL,
            run_id INTEGER NOT NULL REFERENCES runs (id),
            task_id TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            PRIMARY KEY (pool, run_id, task_id)
        );
        """,
        // 5: the worker queue: at most one item per task instance, leased to one worker at a time.
        """
        CREATE TABLE task_queue (
            run_id INTEGER NOT NULL REFERENCES runs (id),
            task_id TEXT NOT NULL,
            pipeline TEXT NOT NULL,
            pipeline_file TEXT NOT NULL,
            logical_date TEXT NOT NULL,
            available_at TEXT NOT NULL,
            worker TEXT,
            lease_token TEXT,
            lease_until TEXT,
            PRIMARY KEY (run_id, task_id)
        );
        CREATE INDEX task_queue_by_availability ON task_queue (lease_token, available_at);
        CREATE INDEX task_queue_by_lease ON task_queue (lease_until);
        """,
        // 6: dataset contracts: the versions of each dataset's schema, and what each task attempt wrote (columns as JSON).
        """
        CREATE TABLE contract_versions (
            pipeline TEXT NOT NULL,
            dataset TEXT NOT NULL,
            version INTEGER NOT NULL,
            columns TEXT NOT NULL,
            origin TEXT NOT NULL,
            created_at TEXT NOT NULL,
            run_id INTEGER,
            logical_date TEXT,
            change TEXT,
            PRIMARY KEY (pipeline, dataset, version)
        );
        CREATE TABLE contract_observations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            pipeline TEXT NOT NULL,
            dataset TEXT NOT NULL,
            task_id TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            logical_date TEXT NOT NULL,
            observed_at TEXT NOT NULL,
            row_count INTEGER NOT NULL,
            columns TEXT NOT NULL,
            drifted INTEGER NOT NULL
        );
        CREATE INDEX contract_observations_by_dataset ON contract_observations (pipeline, dataset, id);
        """,
        // 7: a queue outcome asks whether any unfinished task is left outside the tasks it read; by state, that is a seek, not a scan of the run.
        """
        CREATE INDEX task_instances_by_state ON task_instances (run_id, state);
        """,
        // 8: incremental cursors (watermarks): the last cursor value a committed load saw, per pipeline and task.
        """
        CREATE TABLE cursors (
            pipeline TEXT NOT NULL,
            task_id TEXT NOT NULL,
            column_name TEXT NOT NULL,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            run_id INTEGER,
            PRIMARY KEY (pipeline, task_id)
        );
        """,
        // 9: cursors a run's extract read, held until the loads downstream commit (by whichever process runs the last one).
        """
        CREATE TABLE held_cursors (
            pipeline TEXT NOT NULL,
            task_id TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            column_name TEXT NOT NULL,
            expected_kind TEXT,
            expected TEXT,
            kind TEXT NOT NULL,
            next TEXT NOT NULL,
            held_at TEXT NOT NULL,
            PRIMARY KEY (pipeline, task_id, run_id)
        );
        """,
    ];
}
