/* What SQLite itself can write: the rows ingested xAPI statements produce, written into a copy of
 * a database the `xapi` benchmark left behind, by the SQLite the server bundles, with prepared
 * statements in a tight C loop. No HTTP, no JSON, no validation: the floor under
 * `POST /xapi/statements` on SQLite. Built and run by `benches/floor/sqlite.sh`.
 *
 *   sqlite_floor <bench db> <copy path> <batch> <count> statements|full|projected
 *
 * Per statement: the statement row (its unique id, registration, stored and verb indexes), two
 * agent and two activity index rows. `full` adds, in the same transaction, a learning record, a
 * time entry, the monthly rollup and two audit events; `projected` queues the statement instead
 * and writes the learning rows every 2,000 statements in a transaction of their own, as the
 * server's projection does. A second connection checkpoints the write-ahead log every 50 ms, as
 * the server does (FLOOR_CHECKPOINT_MS=0 turns it off).
 */
#include "sqlite3.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROJECT_EVERY 2000

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void check(int rc, sqlite3 *db, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void exec(sqlite3 *db, const char *sql) { check(sqlite3_exec(db, sql, 0, 0, 0), db, sql); }

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
    sqlite3_stmt *s;
    check(sqlite3_prepare_v2(db, sql, -1, &s, 0), db, sql);
    return s;
}

/* Step a prepared statement once and make it ready for the next row. */
static void run(sqlite3 *db, sqlite3_stmt *s, const char *what) {
    check(sqlite3_step(s), db, what);
    sqlite3_reset(s);
}

static void text(sqlite3_stmt *s, int i, const char *v) { sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT); }

/* A random (version 4) UUID, as LMSs send statement ids and registrations. */
static void uuid4(char *out) {
    unsigned char b[16];
    for (int i = 0; i < 16; i++) b[i] = rand() & 255;
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    sprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
            b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* A time-ordered (version 7) UUID, as the server makes record, entry and audit ids. */
static void uuid7(char *out) {
    static long long counter = 0;
    long long ms = (long long)(now() * 1000);
    counter++;
    sprintf(out, "%08llx-%04llx-7%03llx-8%03llx-%012llx", (ms >> 16) & 0xffffffffLL, ms & 0xffff,
            (counter >> 12) & 0xfff, counter & 0xfff, (long long)rand());
}

static volatile int stopping = 0;
static const char *copy_path;

static void *checkpoints(void *every_ms) {
    sqlite3 *c;
    sqlite3_open(copy_path, &c);
    while (!stopping) {
        usleep(*(int *)every_ms * 1000);
        sqlite3_wal_checkpoint_v2(c, 0, SQLITE_CHECKPOINT_PASSIVE, 0, 0);
    }
    sqlite3_close(c);
    return 0;
}

static char people[1000][40];
static int people_count;
static sqlite3_stmt *record_insert, *entry_insert, *rollup_upsert, *audit_insert;

/* The learning side of statement `k` (statement id `sid`): record, entry, rollup, two audit events. */
static void learning(sqlite3 *db, int k, const char *sid) {
    char day[16], month[16], record[40], entry[40], audit[40];
    const char *person = people[k % people_count];
    sprintf(day, "2026-%02d-%02d", 1 + (k / 1000) % 10, 1 + (k / 10000) % 28);
    memcpy(month, day, 8);
    strcpy(month + 8, "01");
    uuid7(record);
    uuid7(entry);
    text(record_insert, 1, record), text(record_insert, 2, person), text(record_insert, 3, day);
    text(record_insert, 4, sid);
    run(db, record_insert, "learning record");
    text(entry_insert, 1, entry), text(entry_insert, 2, person), text(entry_insert, 3, day);
    text(entry_insert, 4, record);
    run(db, entry_insert, "time entry");
    text(rollup_upsert, 1, person), text(rollup_upsert, 2, month);
    run(db, rollup_upsert, "rollup");
    uuid7(audit);
    text(audit_insert, 1, audit), text(audit_insert, 2, "learning_record"), text(audit_insert, 3, record);
    run(db, audit_insert, "audit");
    uuid7(audit);
    text(audit_insert, 1, audit), text(audit_insert, 2, "time_entry"), text(audit_insert, 3, entry);
    run(db, audit_insert, "audit");
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s <bench db> <copy path> <batch> <count> statements|full|projected\n", argv[0]);
        return 2;
    }
    const char *source = argv[1];
    copy_path = argv[2];
    int batch = atoi(argv[3]), count = atoi(argv[4]);
    const char *mode = argv[5];
    int full = strcmp(mode, "full") == 0, projected = strcmp(mode, "projected") == 0;
    if (batch <= 0 || count % PROJECT_EVERY != 0 || PROJECT_EVERY % batch != 0 ||
        (!full && !projected && strcmp(mode, "statements") != 0)) {
        fprintf(stderr, "batch must divide 2000, count be whole 2000s, mode statements|full|projected\n");
        return 2;
    }

    sqlite3 *db;
    check(sqlite3_open(source, &db), db, "open the benchmark's database");
    char sql[4096];
    snprintf(sql, sizeof sql, "VACUUM INTO '%s'", copy_path);
    exec(db, sql);
    sqlite3_close(db);

    /* The server's settings for its writing connection (persistence/src/db.rs). */
    check(sqlite3_open(copy_path, &db), db, "open the copy");
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0; "
             "PRAGMA foreign_keys=ON; PRAGMA mmap_size=268435456");
    char statement[8192];
    sqlite3_stmt *q = prepare(db, "SELECT statement FROM xapi_statements LIMIT 1");
    check(sqlite3_step(q), db, "a stored statement");
    snprintf(statement, sizeof statement, "%s", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    q = prepare(db, "SELECT id FROM employees LIMIT 1000");
    while (sqlite3_step(q) == SQLITE_ROW) strcpy(people[people_count++], (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);

    sqlite3_stmt *statement_insert = prepare(
        db, "INSERT INTO xapi_statements (statement_id, stored_us, verb_id, voided, voids_statement_id, "
            "registration, actor_key, client_id, statement, ref_statement_id) "
            "VALUES (?, ?, 'http://adlnet.gov/expapi/verbs/completed', 0, NULL, ?, ?, 'client', ?, NULL)");
    sqlite3_stmt *agent_insert = prepare(db, "INSERT INTO xapi_statement_agents VALUES (?, ?, ?, ?)");
    sqlite3_stmt *activity_insert = prepare(db, "INSERT INTO xapi_statement_activities VALUES (?, ?, ?, ?)");
    sqlite3_stmt *queue_insert = prepare(db, "INSERT INTO xapi_projection_queue VALUES (?)");
    record_insert = prepare(
        db, "INSERT INTO learning_records (id, employee_id, course_id, title, completed_on, minutes, score, "
            "source, source_id, created_at) VALUES (?, ?, NULL, 'Module', ?, 13, 82.0, 'xapi', ?, "
            "'2026-11-23T17:32:51.548391845+00:00')");
    entry_insert = prepare(
        db, "INSERT INTO time_entries (id, employee_id, entry_date, minutes, in_work_time, category, course_id, "
            "skill_id, note, approval, decided_by, version, created_at, updated_at, learning_record_id) "
            "VALUES (?, ?, ?, 13, 1, 'role_related', NULL, NULL, NULL, 'approved', 'xapi', 1, "
            "'2026-11-23T17:32:51Z', '2026-11-23T17:32:51Z', ?)");
    rollup_upsert = prepare(
        db, "INSERT INTO time_rollups (employee_id, month, in_work, outside_work, assigned, role_related, "
            "exploratory, mentoring, coaching) VALUES (?, ?, 13, 0, 0, 13, 0, 0, 0) "
            "ON CONFLICT (employee_id, month) DO UPDATE SET in_work = in_work + excluded.in_work, "
            "role_related = role_related + excluded.role_related");
    audit_insert = prepare(db, "INSERT INTO audit_events VALUES (?1, '2026-11-23T17:32:51Z', 'lrs-client:bench', "
                               "?2 || '.create', ?2, ?3, 'xapi-projection')");

    const char *every = getenv("FLOOR_CHECKPOINT_MS");
    int checkpoint_ms = every ? atoi(every) : 50;
    pthread_t checkpointer;
    if (checkpoint_ms > 0) pthread_create(&checkpointer, 0, checkpoints, &checkpoint_ms);

    static char ids[PROJECT_EVERY][40];
    double started = now(), committing = 0;
    for (int n = 0; n < count; n += batch) {
        exec(db, "BEGIN");
        for (int k = n; k < n + batch; k++) {
            char *sid = ids[k % PROJECT_EVERY], registration[40], actor[80], module[80];
            uuid4(sid);
            uuid4(registration);
            sprintf(actor, "mbox:mailto:person.%d@bench.example", k % 1000);
            sprintf(module, "https://lms.example.com/module/%d", k % 500);
            long long stored = 1795455172331275LL + k;
            text(statement_insert, 1, sid);
            sqlite3_bind_int64(statement_insert, 2, stored);
            text(statement_insert, 3, registration), text(statement_insert, 4, actor);
            sqlite3_bind_text(statement_insert, 5, statement, -1, SQLITE_STATIC);
            run(db, statement_insert, "statement");
            long long seq = sqlite3_last_insert_rowid(db);
            const char *keys[2][2] = {{actor, "account:urn:learnwell:lrs|client:bench"},
                                      {module, "https://lms.example.com/course/compliance"}};
            sqlite3_stmt *index[2] = {agent_insert, activity_insert};
            for (int t = 0; t < 2; t++)
                for (int related = 0; related < 2; related++) {
                    text(index[t], 1, keys[t][related]);
                    sqlite3_bind_int(index[t], 2, related);
                    sqlite3_bind_int64(index[t], 3, seq);
                    sqlite3_bind_int64(index[t], 4, stored);
                    run(db, index[t], "index row");
                }
            if (projected) {
                sqlite3_bind_int64(queue_insert, 1, seq);
                run(db, queue_insert, "queue");
            }
            if (full) learning(db, k, sid);
        }
        double c = now();
        exec(db, "COMMIT");
        committing += now() - c;
        if (projected && (n + batch) % PROJECT_EVERY == 0) {
            exec(db, "BEGIN");
            for (int k = n + batch - PROJECT_EVERY; k < n + batch; k++) learning(db, k, ids[k % PROJECT_EVERY]);
            exec(db, "DELETE FROM xapi_projection_queue");
            c = now();
            exec(db, "COMMIT");
            committing += now() - c;
        }
    }
    double elapsed = now() - started;
    stopping = 1;
    if (checkpoint_ms > 0) pthread_join(checkpointer, 0);
    printf("SQLite %s, %s, batches of %d: %.0f statements/s (%.1f us per statement, of which COMMIT %.1f us)\n",
           sqlite3_libversion(), mode, batch, count / elapsed, elapsed / count * 1e6, committing / count * 1e6);
    sqlite3_close(db);
    return 0;
}
