using Sluice.Connectors.Postgres.Tests.Infrastructure;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>
/// <c>mode: scd2</c> into PostgreSQL, replayed day by day: changes, deletes, reruns, late corrections,
/// hostile names, repeated keys and a failure halfway through the merge.
/// </summary>
public sealed class Scd2Tests : IAsyncLifetime
{
    private const string History =
        "SELECT format('%s|%s|%s|%s|%s', customer_id, city, valid_from, coalesce(valid_to::text, 'NULL'), is_current) FROM dim_customer WHERE sk <> -1 ORDER BY customer_id, valid_from";

    private readonly TestProject _project = new();
    private PgDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await PgDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
        Pipeline("close_missing: true");
    }

    private void Pipeline(string with) => _project.Write("pipeline.yaml", $$$"""
        name: customers
        defaults: { retries: 0 }
        tasks:
          extract: { source: files, output: raw, with: { path: "in/customers_{{ ds }}.csv" } }
          load:
            sink: postgres
            input: raw
            with: { connection: wh, table: dim_customer, mode: scd2, key: customer_id, tracked: [city], {{{with}}} }
        """);

    private Task LoadAsync(string day, string rows) => LoadFileAsync(day, "customer_id,name,city\n" + rows);

    private async Task LoadFileAsync(string day, string content)
    {
        _project.Write($"in/customers_{day}.csv", content);
        await _project.RunOkAsync(day);
    }

    private async Task<string> RowsAsync() => string.Join('\n', (await _db.QueryAsync(History)).Select(r => (string)r[0]!));

    [Fact]
    public async Task Changes_open_new_versions_deletes_close_them_and_reruns_change_nothing()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\nC2,Bob,Rome\nC3,Cid,Oslo\n");
        await LoadAsync("2024-03-02", "C1,Ann,Lyon\nC2,Bob,Rome\nC4,Dan,Kyiv\n");
        var afterDayTwo = await _db.SnapshotAsync("dim_customer");
        await LoadAsync("2024-03-02", "C1,Ann,Lyon\nC2,Bob,Rome\nC4,Dan,Kyiv\n");

        Assert.Equal(afterDayTwo, await _db.SnapshotAsync("dim_customer"));
        Assert.Equal(
            string.Join('\n',
                "C1|Paris|2024-03-01|2024-03-02|f",
                "C1|Lyon|2024-03-02|NULL|t",
                "C2|Rome|2024-03-01|NULL|t",
                "C3|Oslo|2024-03-01|2024-03-02|f",
                "C4|Kyiv|2024-03-02|NULL|t"),
            await RowsAsync());
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM dim_customer WHERE sk = -1 AND customer_id IS NULL AND NOT is_current"));
        Assert.Equal(5L, await _db.ScalarAsync<long>("SELECT count(DISTINCT sk) FROM dim_customer WHERE sk <> -1"));
        Assert.Equal("Ann", await _db.ScalarAsync<string>("SELECT name FROM dim_customer WHERE customer_id = 'C1' AND is_current"));

        // A key that was closed comes back: a new version, the closed one stays closed.
        await LoadAsync("2024-03-03", "C1,Ann,Lyon\nC2,Bob,Rome\nC3,Cid,Oslo\nC4,Dan,Kyiv\n");
        Assert.Equal(
            "C3|Oslo|2024-03-01|2024-03-02|f\nC3|Oslo|2024-03-03|NULL|t",
            string.Join('\n', (await _db.QueryAsync(History)).Select(r => (string)r[0]!).Where(r => r.StartsWith("C3", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Without_close_missing_keys_absent_from_the_input_stay_current()
    {
        Pipeline("close_missing: false");
        await LoadAsync("2024-03-01", "C1,Ann,Paris\nC2,Bob,Rome\n");
        await LoadAsync("2024-03-02", "C1,Ann,Lyon\n");

        Assert.Equal(
            "C1|Paris|2024-03-01|2024-03-02|f\nC1|Lyon|2024-03-02|NULL|t\nC2|Rome|2024-03-01|NULL|t",
            await RowsAsync());
    }

    [Fact]
    public async Task A_late_correction_for_a_past_date_slots_into_history_without_touching_the_present()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\n");
        await LoadAsync("2024-03-05", "C1,Ann,Lyon\n");

        // Discovered later: Ann had moved to Nice on 03-03, before Lyon; and Eve was a customer on 03-03,
        // no longer in the full snapshot of 03-05, so her version closes there.
        await LoadAsync("2024-03-03", "C1,Ann,Nice\nC5,Eve,Oslo\n");
        var corrected = await _db.SnapshotAsync("dim_customer");
        await LoadAsync("2024-03-03", "C1,Ann,Nice\nC5,Eve,Oslo\n");

        Assert.Equal(corrected, await _db.SnapshotAsync("dim_customer"));
        Assert.Equal(
            string.Join('\n',
                "C1|Paris|2024-03-01|2024-03-03|f",
                "C1|Nice|2024-03-03|2024-03-05|f",
                "C1|Lyon|2024-03-05|NULL|t",
                "C5|Oslo|2024-03-03|2024-03-05|f"),
            await RowsAsync());
    }

    [Fact]
    public async Task Without_close_missing_a_late_change_with_no_known_end_is_refused_naming_the_latest_day_and_the_rebuild()
    {
        Pipeline("close_missing: false");
        await LoadAsync("2024-03-01", "C1,Ann,Paris\nC2,Bob,Rome\n");
        await LoadAsync("2024-03-03", "C2,Bob,Oslo\n");
        var before = await _db.SnapshotAsync("dim_customer");

        // Paris stayed open through 03-03, which did not list C1: whether Nice still held then is unknown.
        _project.Write("in/customers_2024-03-02.csv", "customer_id,name,city\nC1,Ann,Nice\n");
        var error = await _project.RunFailsAsync("2024-03-02");

        Assert.Contains("scd2 into public.dim_customer cannot merge the input for 2024-03-02 exactly: key(s) C1 change at that date", error);
        Assert.Contains("The latest interval loaded into public.dim_customer is 2024-03-03. Nothing was loaded. To rebuild the history from the stored snapshots in order, drop table public.dim_customer and run: sluice backfill customers --from 2024-03-01 --to 2024-03-03", error);
        Assert.Equal(before, await _db.SnapshotAsync("dim_customer"));

        // Rome ended at 03-03, the next load: Milan on 03-02 fits exactly between.
        await LoadAsync("2024-03-02", "C2,Bob,Milan\n");
        Assert.Equal("C1|Paris|2024-03-01|NULL|t\nC2|Rome|2024-03-01|2024-03-02|f\nC2|Milan|2024-03-02|2024-03-03|f\nC2|Oslo|2024-03-03|NULL|t", await RowsAsync());
    }

    [Fact]
    public async Task A_change_on_the_same_day_corrects_that_days_version_in_place()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\n");
        await LoadAsync("2024-03-02", "C1,Ann,Lyon\n");
        var sk = await _db.ScalarAsync<long>("SELECT sk FROM dim_customer WHERE city = 'Lyon'");
        await LoadAsync("2024-03-02", "C1,Ann,Nice\n");

        Assert.Equal("C1|Paris|2024-03-01|2024-03-02|f\nC1|Nice|2024-03-02|NULL|t", await RowsAsync());
        Assert.Equal(sk, await _db.ScalarAsync<long>("SELECT sk FROM dim_customer WHERE city = 'Nice'"));
    }

    [Fact]
    public async Task Duplicate_natural_keys_in_one_batch_fail_naming_the_key_and_change_nothing()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\nC2,Bob,Rome\n");
        var before = await _db.SnapshotAsync("dim_customer");
        _project.Write("in/customers_2024-03-02.csv", "customer_id,name,city\nC2,Bob,Milan\nC1,Ann,Lyon\nC1,Ann,Nice\n");

        var error = await _project.RunFailsAsync("2024-03-02");

        Assert.Contains("scd2 into public.dim_customer needs one row per key (customer_id), but the input repeats keys: C1 (2 rows). Deduplicate first; nothing was loaded.", error);
        Assert.Equal(before, await _db.SnapshotAsync("dim_customer"));
    }

    [Fact]
    public async Task A_null_natural_key_fails_and_changes_nothing_since_it_could_never_match_its_version()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\n");
        var before = await _db.SnapshotAsync("dim_customer");
        _project.Write("in/customers_2024-03-02.csv", "customer_id,name,city\nC1,Ann,Lyon\n,Nobody,Rome\n");

        Assert.Contains("scd2 into public.dim_customer found 1 row(s) with a null key (customer_id)", await _project.RunFailsAsync("2024-03-02"));
        Assert.Equal(before, await _db.SnapshotAsync("dim_customer"));
    }

    [Fact]
    public async Task An_effective_date_that_is_not_a_date_fails_saying_so()
    {
        Pipeline("effective_date: 'soon'");
        _project.Write("in/customers_2024-03-01.csv", "customer_id,name,city\nC1,Ann,Paris\n");

        Assert.Contains("option 'effective_date' must be a date (yyyy-MM-dd), got 'soon'", await _project.RunFailsAsync());
        Assert.Empty(await _db.QueryAsync("SELECT 1 FROM pg_class WHERE relname = 'dim_customer'"));
    }

    [Fact]
    public async Task A_new_dimension_gets_an_identity_key_validity_columns_and_one_version_per_key_and_date()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\n");

        var columns = await _db.QueryAsync(
            "SELECT format('%s %s %s %s', attname, format_type(atttypid, atttypmod), attnotnull, attidentity) FROM pg_attribute WHERE attrelid = 'dim_customer'::regclass AND attnum > 0 ORDER BY attnum");
        Assert.Equal(
            ["sk bigint t d", "customer_id text f ", "name text f ", "city text f ", "valid_from date t ", "valid_to date f ", "is_current boolean t "],
            columns.Select(c => (string)c[0]!));
        Assert.Equal(
            ["CREATE UNIQUE INDEX dim_customer_customer_id_valid_from_idx ON public.dim_customer USING btree (customer_id, valid_from)", "CREATE UNIQUE INDEX dim_customer_pkey ON public.dim_customer USING btree (sk)"],
            (await _db.QueryAsync("SELECT indexdef FROM pg_indexes WHERE tablename = 'dim_customer' ORDER BY indexdef")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task A_failure_in_the_middle_of_the_merge_leaves_the_table_as_it_was_and_keys_are_never_reused()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\nC2,Bob,Rome\n");
        // The old version is closed before the new one is inserted, and the insert breaks the constraint.
        await _db.ExecuteAsync("ALTER TABLE dim_customer ADD CONSTRAINT no_atlantis CHECK (city IS DISTINCT FROM 'Atlantis')");
        var before = await _db.SnapshotAsync("dim_customer");
        _project.Write("in/customers_2024-03-02.csv", "customer_id,name,city\nC1,Ann,Lyon\nC2,Bob,Atlantis\nC3,Cid,Oslo\n");

        Assert.Contains("no_atlantis", await _project.RunFailsAsync("2024-03-02"));
        Assert.Equal(before, await _db.SnapshotAsync("dim_customer"));

        var used = await _db.ScalarAsync<long>("SELECT max(sk) FROM dim_customer");
        await LoadAsync("2024-03-02", "C1,Ann,Lyon\nC2,Bob,Rome\nC3,Cid,Oslo\n");
        var added = (await _db.QueryAsync("SELECT sk FROM dim_customer WHERE valid_from = '2024-03-02'")).Select(r => (long)r[0]!).ToList();
        Assert.Equal(2, added.Count);
        Assert.All(added, sk => Assert.True(sk > used, $"surrogate key {sk} reused (max before: {used})"));
    }

    [Fact]
    public async Task Hostile_table_key_column_and_surrogate_key_names_work_and_harm_nothing()
    {
        const string table = "dim \"cust\"; DROP TABLE orders; --";
        const string schema = "my schema; \"x\"";
        await _db.ExecuteAsync("CREATE TABLE orders (id int); INSERT INTO orders VALUES (42)");
        _project.Write("pipeline.yaml", """
            name: customers
            tasks:
              extract: { source: files, output: raw, with: { path: "in/customers_{{ ds }}.csv" } }
              load:
                sink: postgres
                input: raw
                with:
                  connection: wh
                  schema: 'my schema; "x"'
                  table: 'dim "cust"; DROP TABLE orders; --'
                  mode: scd2
                  key: 'id; DROP'
                  tracked: ['the "city"']
                  surrogate_key: 'sk; --'
                  close_missing: true
            """);
        const string header = "\"id; DROP\",\"the \"\"city\"\"\"\n";
        await LoadFileAsync("2024-03-01", header + "1,\"'; DROP TABLE orders; --\"\n2,Rome\n");
        await LoadFileAsync("2024-03-02", header + "1,Lyon\n");

        var quoted = "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\".\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var rows = await _db.QueryAsync($"SELECT format('%s|%s|%s|%s', \"id; DROP\", \"the \"\"city\"\"\", valid_to, is_current) FROM {quoted} WHERE \"sk; --\" <> -1 ORDER BY \"sk; --\"");
        Assert.Equal(["1|'; DROP TABLE orders; --|2024-03-02|f", "2|Rome|2024-03-02|f", "1|Lyon||t"], rows.Select(r => (string)r[0]!));
        Assert.Equal(42, await _db.ScalarAsync<int>("SELECT id FROM orders"));
    }

    [Fact]
    public async Task A_table_that_is_not_a_dimension_is_refused_with_what_it_lacks()
    {
        await _db.ExecuteAsync("CREATE TABLE dim_customer (customer_id text, name text, city text); INSERT INTO dim_customer VALUES ('C1', 'Ann', 'Paris')");
        _project.Write("in/customers_2024-03-01.csv", "customer_id,name,city\nC1,Ann,Lyon\n");

        var error = await _project.RunFailsAsync();

        Assert.Contains("table public.dim_customer is not an scd2 dimension: it has no column 'sk', 'valid_from', 'valid_to', 'is_current'", error);
        Assert.Equal("(C1,Ann,Paris)", await _db.SnapshotAsync("dim_customer"));
    }

    [Fact]
    public async Task A_dimension_made_elsewhere_without_identity_gets_keys_after_the_largest()
    {
        await _db.ExecuteAsync("""
            CREATE TABLE dim_customer (sk bigint, customer_id text, name text, city text, valid_from date, valid_to date, is_current boolean);
            INSERT INTO dim_customer VALUES (-1, NULL, NULL, NULL, '1900-01-01', NULL, true), (7, 'C1', 'Ann', 'Paris', '2024-02-01', NULL, true);
            """);
        await LoadAsync("2024-03-01", "C1,Ann,Lyon\nC2,Bob,Rome\n");

        Assert.Equal(
            ["7|C1|Paris|2024-03-01", "8|C1|Lyon|", "9|C2|Rome|"],
            (await _db.QueryAsync("SELECT format('%s|%s|%s|%s', sk, customer_id, city, valid_to) FROM dim_customer WHERE sk <> -1 ORDER BY sk")).Select(r => (string)r[0]!));
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }
}
