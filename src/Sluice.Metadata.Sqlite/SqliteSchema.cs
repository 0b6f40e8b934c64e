namespace Sluice.Metadata.Sqlite;

internal static class SqliteSchema
{
    // WAL lets `sluice runs` read while a run writes; busy_timeout lets two processes take turns.
    public const string Script = """
        PRAGMA journal_mode = WAL;
        PRAGMA busy_timeout = 10000;
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
        """;
}
