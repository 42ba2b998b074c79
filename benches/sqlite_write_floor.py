"""What SQLite itself can write: the rows one ingested xAPI statement produces, written straight
into a copy of a database the `xapi` benchmark left behind, with prepared statements in a tight
loop (no HTTP, no validation, no JSON handling): the floor under `POST /xapi/statements`.

    cargo bench --bench xapi                      # leaves $TMPDIR/learnwell-bench-<uuid>.db
    python3 benches/sqlite_write_floor.py $TMPDIR/learnwell-bench-<uuid>.db [BATCH] [COUNT] [statements|full|projected [EVERY]] [--background-checkpoints]

Per statement: the statement row (its unique id, registration, stored and verb indexes), two
agent and two activity index rows; with `full`, also a learning record, a time entry, the
monthly rollup and two audit events, in the same transaction; with `projected`, the statement
is queued instead and the learning rows are written in transactions of their own every EVERY
statements (2,000 by default), as the server's projection does. Prints the time per table, the commit's share and the
write-ahead-log pages written per statement (measured with automatic checkpoints off, so the
log keeps every page written). Python's own overhead, about 30 us per statement, is included.
"""

import os
import sqlite3
import sys
import threading
import time
import uuid

args = [a for a in sys.argv[1:] if not a.startswith("--")]
source = args[0]
batch = int(args[1]) if len(args) > 1 else 100
count = int(args[2]) if len(args) > 2 else 20_000
mode = args[3] if len(args) > 3 else "full"
full = mode in ("full", "projected")
projected = mode == "projected"
project_every = int(args[4]) if len(args) > 4 else 2000
background = "--background-checkpoints" in sys.argv

path = source + ".floor"
for suffix in ["", "-wal", "-shm"]:
    if os.path.exists(path + suffix):
        os.remove(path + suffix)
copy = sqlite3.connect(source)
copy.execute(f"VACUUM INTO '{path}'")
copy.close()

db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("PRAGMA wal_autocheckpoint=0" if background else "PRAGMA wal_autocheckpoint=1000")
people = [r[0] for r in db.execute("SELECT id FROM employees")]
template = db.execute("SELECT statement FROM xapi_statements LIMIT 1").fetchone()[0]
last_seq = db.execute("SELECT max(seq) FROM xapi_statements").fetchone()[0]
now = "2026-11-23T17:32:51.548391845+00:00"
authority = db.execute(
    "SELECT agent_key FROM xapi_statement_agents WHERE related_only LIMIT 1"
).fetchone()[0]

stop = False


def checkpoints():
    c = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    while not stop:
        time.sleep(0.05)
        c.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


if background:
    threading.Thread(target=checkpoints, daemon=True).start()


def uuid7():
    return str(uuid.UUID(int=(time.time_ns() // 1_000_000) << 80 | 0x7 << 76 | uuid.uuid4().int & ((1 << 76) - 1)))


times = {}


def timed(name, f):
    started = time.perf_counter()
    f()
    times[name] = times.get(name, 0) + time.perf_counter() - started


started = time.perf_counter()
pending = ([], [], [], {})


def write_learning(records, entries, audit, rollups):
    timed("learning_records", lambda: db.executemany(
        "INSERT INTO learning_records (id, employee_id, course_id, title, completed_on, minutes, score, "
        "source, source_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", records))
    timed("time_entries", lambda: db.executemany(
        "INSERT INTO time_entries (id, employee_id, entry_date, minutes, in_work_time, category, course_id, "
        "skill_id, note, approval, decided_by, version, created_at, updated_at, learning_record_id) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", entries))
    timed("time_rollups", lambda: db.executemany(
        "INSERT INTO time_rollups (employee_id, month, in_work, outside_work, assigned, role_related, "
        "exploratory, mentoring, coaching) VALUES (?,?,?,0,0,?,0,0,0) ON CONFLICT (employee_id, month) "
        "DO UPDATE SET in_work = in_work + excluded.in_work, role_related = role_related + excluded.role_related",
        [(p, m, v, v) for (p, m), v in rollups.items()]))
    timed("audit_events", lambda: db.executemany("INSERT INTO audit_events VALUES (?,?,?,?,?,?,?)", audit))


for n in range(0, count, batch):
    statements, records, entries, audit, rollups = [], [], [], [], {}
    for k in range(n, n + batch):
        person = people[k % len(people)]
        day = f"2026-{1 + (k // 1000) % 10:02d}-{1 + (k // 10000) % 28:02d}"
        sid = str(uuid.uuid4())
        statements.append((sid, 1795455172331275 + k, "http://adlnet.gov/expapi/verbs/completed", 0, None,
                           str(uuid.uuid4()), f"mbox:mailto:person.{k % 1000}@bench.example",
                           "client", template, None))
        record, entry = uuid7(), uuid7()
        records.append((record, person, None, f"Module {k % 500}", day, 13, 82.0, "xapi", sid, now))
        entries.append((entry, person, day, 13, 1, "role_related", None, None, None, "approved", "xapi", 1,
                        now, now, record))
        audit.append((uuid7(), now, "lrs", "learning_record.create", "learning_record", record, "r"))
        audit.append((uuid7(), now, "lrs", "time_entry.create", "time_entry", entry, "r"))
        month = (person, day[:8] + "01")
        rollups[month] = rollups.get(month, 0) + 13
    db.execute("BEGIN")
    timed("xapi_statements", lambda: db.executemany(
        "INSERT INTO xapi_statements (statement_id, stored_us, verb_id, voided, voids_statement_id, "
        "registration, actor_key, client_id, statement, ref_statement_id) "
        "VALUES (?,?,?,?,?,?,?,?,?,?)", statements))
    seqs = [r[0] for r in db.execute("SELECT seq FROM xapi_statements WHERE seq > ? ORDER BY seq", (last_seq,))]
    last_seq = seqs[-1]
    timed("index rows", lambda: (
        db.executemany("INSERT INTO xapi_statement_agents VALUES (?,?,?,?)",
                       [(s[6], 0, q, s[1]) for s, q in zip(statements, seqs)]
                       + [(authority, 1, q, s[1]) for s, q in zip(statements, seqs)]),
        db.executemany("INSERT INTO xapi_statement_activities VALUES (?,?,?,?)",
                       [(f"https://lms.example.com/module/{(n + i) % 500}", 0, q, s[1])
                        for i, (s, q) in enumerate(zip(statements, seqs))]
                       + [("https://lms.example.com/course/compliance", 1, q, s[1]) for s, q in zip(statements, seqs)])))
    if projected:
        timed("queue", lambda: db.executemany("INSERT INTO xapi_projection_queue VALUES (?)", [(q,) for q in seqs]))
        pending[0].extend(records)
        pending[1].extend(entries)
        pending[2].extend(audit)
        for key, v in rollups.items():
            pending[3][key] = pending[3].get(key, 0) + v
    elif full:
        write_learning(records, entries, audit, rollups)
    timed("commit", lambda: db.execute("COMMIT"))
    if projected and (len(pending[0]) >= project_every or n + batch >= count):
        db.execute("BEGIN")
        write_learning(*pending)
        timed("queue", lambda: db.execute("DELETE FROM xapi_projection_queue"))
        timed("commit", lambda: db.execute("COMMIT"))
        pending = ([], [], [], {})
elapsed = time.perf_counter() - started
stop = True

for name, seconds in times.items():
    print(f"  {name:18s} {seconds / count * 1e6:6.1f} us per statement")
if background:
    print(f"  write-ahead log: {os.path.getsize(path + '-wal') / 4096 / count:.1f} pages per statement")
print(f"batches of {batch}, {mode}, "
      f"{'background' if background else 'automatic'} checkpoints: "
      f"{count / elapsed:,.0f} statements/s ({elapsed / count * 1e6:.0f} us per statement)")
db.close()
for suffix in ["", "-wal", "-shm"]:
    if os.path.exists(path + suffix):
        os.remove(path + suffix)
