namespace Sluice.Metadata.Postgres;

/// <summary>
/// Versioned migrations, applied in order on open under an advisory lock and recorded in
/// <c>schema_version</c>, so two processes starting at once never race and an older schema is
/// upgraded in place. <c>{S}</c> stands for the quoted schema name.
/// </summary>
internal static class PostgresSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: run history, task states, the event log and paused schedules: what SQLite reached in three steps.
        """
        CREATE TABLE {S}.runs (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            pipeline text NOT NULL,
            logical_date date NOT NULL,
            interval_start timestamptz NOT NULL,
            interval_end timestamptz NOT NULL,
            state text NOT NULL,
            trigger text NOT NULL,
            started_at timestamptz NOT NULL,
            ended_at timestamptz,
            error text,
            host text,
            process_id integer,
            heartbeat_at timestamptz
        );
        CREATE INDEX runs_by_interval ON {S}.runs (pipeline, logical_date);
        CREATE INDEX runs_by_state ON {S}.runs (state);
        -- Besides the interval lock taken by StartRun and ClaimInterval: never two live runs of one interval.
        CREATE UNIQUE INDEX runs_one_live_per_interval ON {S}.runs (pipeline, logical_date) WHERE state = 'running';
        CREATE TABLE {S}.task_instances (
            run_id bigint NOT NULL REFERENCES {S}.runs (id),
            task_id text NOT NULL,
            position bigint GENERATED ALWAYS AS IDENTITY,
            state text NOT NULL,
            try_number integer NOT NULL,
            started_at timestamptz,
            ended_at timestamptz,
            rows_read bigint NOT NULL,
            rows_written bigint NOT NULL,
            rows_quarantined bigint NOT NULL,
            reused boolean NOT NULL,
            error text,
            next_attempt_at timestamptz,
            PRIMARY KEY (run_id, task_id)
        );
        CREATE TABLE {S}.events (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL,
            type text NOT NULL,
            pipeline text,
            run_id bigint,
            logical_date date,
            task_id text,
            payload json NOT NULL
        );
        CREATE INDEX events_by_run ON {S}.events (run_id, id);
        CREATE INDEX events_by_pipeline ON {S}.events (pipeline, id);
        CREATE TABLE {S}.pipelines (name text PRIMARY KEY, paused boolean NOT NULL, changed_at timestamptz NOT NULL);
        """,
        // 2: what SQLite added in 4 to 6: pool slots, the worker queue, and dataset contracts.
        """
        CREATE TABLE {S}.pool_slots (
            pool text NOT NULL,
            run_id bigint NOT NULL REFERENCES {S}.runs (id),
            task_id text NOT NULL,
            claimed_at timestamptz NOT NULL,
            PRIMARY KEY (pool, run_id, task_id)
        );
        CREATE TABLE {S}.task_queue (
            run_id bigint NOT NULL REFERENCES {S}.runs (id),
            task_id text NOT NULL,
            -- Ties of available_at are taken in the order they were queued.
            seq bigint GENERATED ALWAYS AS IDENTITY,
            pipeline text NOT NULL,
            pipeline_file text NOT NULL,
            logical_date date NOT NULL,
            available_at timestamptz NOT NULL,
            worker text,
            lease_token text,
            lease_until timestamptz,
            PRIMARY KEY (run_id, task_id)
        );
        CREATE INDEX task_queue_available ON {S}.task_queue (available_at, seq) WHERE lease_token IS NULL;
        CREATE INDEX task_queue_by_lease ON {S}.task_queue (lease_until) WHERE lease_token IS NOT NULL;
        CREATE TABLE {S}.contract_versions (
            pipeline text NOT NULL,
            dataset text NOT NULL,
            version integer NOT NULL,
            columns jsonb NOT NULL,
            origin text NOT NULL,
            created_at timestamptz NOT NULL,
            run_id bigint,
            logical_date date,
            change text,
            PRIMARY KEY (pipeline, dataset, version)
        );
        CREATE TABLE {S}.contract_observations (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            pipeline text NOT NULL,
            dataset text NOT NULL,
            task_id text NOT NULL,
            run_id bigint NOT NULL,
            logical_date date NOT NULL,
            observed_at timestamptz NOT NULL,
            row_count bigint NOT NULL,
            columns jsonb NOT NULL,
            drifted boolean NOT NULL
        );
        CREATE INDEX contract_observations_by_dataset ON {S}.contract_observations (pipeline, dataset, id);
        """,
        // 3: incremental cursors (watermarks): the last cursor value a committed load saw, per pipeline and task.
        """
        CREATE TABLE {S}.cursors (
            pipeline text NOT NULL,
            task_id text NOT NULL,
            column_name text NOT NULL,
            kind text NOT NULL,
            value text NOT NULL,
            updated_at timestamptz NOT NULL,
            run_id bigint,
            PRIMARY KEY (pipeline, task_id)
        );
        """,
        // 4: cursors a run's extract read, held until the loads downstream commit (by whichever process runs the last one).
        """
        CREATE TABLE {S}.held_cursors (
            pipeline text NOT NULL,
            task_id text NOT NULL,
            run_id bigint NOT NULL,
            column_name text NOT NULL,
            expected_kind text,
            expected text,
            kind text NOT NULL,
            next text NOT NULL,
            held_at timestamptz NOT NULL,
            PRIMARY KEY (pipeline, task_id, run_id)
        );
        """,
    ];

    /// <summary>A quoted identifier: any schema name is safe in SQL text.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
