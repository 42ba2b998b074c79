-- The PostgreSQL floor under xAPI ingestion (run by benches/floor/postgres.sh on a copy of a
-- database `cargo bench --bench xapi` left behind): the rows the server writes, made by
-- PostgreSQL itself, so no client, HTTP or JSON handling is counted.

-- One stored batch: `n` statements (the template's text, random ids and registrations), their
-- two agent and two activity index rows and their queue rows, in the caller's transaction.
CREATE PROCEDURE floor_store(first bigint, n int) LANGUAGE sql AS $$
WITH t AS (SELECT statement FROM xapi_statements ORDER BY seq LIMIT 1),
stored AS (
    INSERT INTO xapi_statements (statement_id, stored_us, verb_id, voided, registration, actor_key, client_id, statement)
    SELECT gen_random_uuid()::text, 1795455172331275 + g, 'http://adlnet.gov/expapi/verbs/completed', false,
           gen_random_uuid()::text, 'mbox:mailto:person.' || (g % 1000) || '@bench.example', 'client', t.statement
    FROM t, generate_series(first, first + n - 1) g
    RETURNING seq, stored_us, actor_key),
agents AS (
    INSERT INTO xapi_statement_agents
    SELECT actor_key, false, seq, stored_us FROM stored
    UNION ALL SELECT 'account:urn:learnwell:lrs|client:bench', true, seq, stored_us FROM stored),
activities AS (
    INSERT INTO xapi_statement_activities
    SELECT 'https://lms.example.com/module/' || (seq % 500), false, seq, stored_us FROM stored
    UNION ALL SELECT 'https://lms.example.com/course/compliance', true, seq, stored_us FROM stored)
INSERT INTO xapi_projection_queue SELECT seq FROM stored;
$$;

-- The projection: takes up to 2,000 queued statements at a time, oldest first, and writes their
-- learning records, time entries, monthly rollups and two audit events each, one transaction per
-- batch; waits while the queue is empty, and returns once it is empty and `floor_done` has a row.
CREATE TABLE floor_done (done boolean);
CREATE PROCEDURE floor_project() LANGUAGE plpgsql AS $$
DECLARE taken int;
BEGIN
    CREATE TEMP TABLE claimed (seq bigint, person text, record text, entry text, day date);
    LOOP
        TRUNCATE claimed;
        WITH q AS (
            DELETE FROM xapi_projection_queue
            WHERE seq IN (SELECT seq FROM xapi_projection_queue ORDER BY seq LIMIT 2000 FOR UPDATE SKIP LOCKED)
            RETURNING seq)
        INSERT INTO claimed
        SELECT q.seq, e.id, gen_random_uuid()::text, gen_random_uuid()::text, DATE '2026-01-01' + (q.seq % 300)::int
        FROM q JOIN xapi_statements s ON s.seq = q.seq JOIN employees e ON e.email = substr(s.actor_key, 13);
        GET DIAGNOSTICS taken = ROW_COUNT;
        IF taken = 0 THEN
            COMMIT;
            EXIT WHEN EXISTS (SELECT 1 FROM floor_done);
            PERFORM pg_sleep(0.05);
            CONTINUE;
        END IF;
        INSERT INTO learning_records (id, employee_id, course_id, title, completed_on, minutes, score, source, source_id, created_at)
        SELECT record, person, NULL, 'Module', day, 13, 82.0, 'xapi', 'floor-' || seq, now() FROM claimed;
        INSERT INTO time_entries (id, employee_id, entry_date, minutes, in_work_time, category, course_id, skill_id,
                                  note, approval, decided_by, version, created_at, updated_at, learning_record_id)
        SELECT entry, person, day, 13, true, 'role_related', NULL, NULL, NULL, 'approved', 'xapi', 1, now(), now(), record
        FROM claimed;
        INSERT INTO time_rollups (employee_id, month, in_work, outside_work, assigned, role_related, exploratory, mentoring, coaching)
        SELECT person, date_trunc('month', day)::date, 13 * count(*), 0, 0, 13 * count(*), 0, 0, 0 FROM claimed GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (employee_id, month) DO UPDATE SET in_work = time_rollups.in_work + excluded.in_work,
                                                       role_related = time_rollups.role_related + excluded.role_related;
        INSERT INTO audit_events
        SELECT gen_random_uuid()::text, now(), 'lrs-client:bench', 'learning_record.create', 'learning_record', record, 'xapi-projection' FROM claimed
        UNION ALL
        SELECT gen_random_uuid()::text, now(), 'lrs-client:bench', 'time_entry.create', 'time_entry', entry, 'xapi-projection' FROM claimed;
        COMMIT;
    END LOOP;
END $$;
