// Calls a running demo through a client generated from openapi/openapi.json (openapi-typescript's
// types, openapi-fetch's calls) and checks its real answers: the values, and at run time that the
// key fields have the types the document declares (tsc trusts the document; this checks the server).
//
//   LEARNWELL_URL=http://127.0.0.1:8080 LEARNWELL_TOKEN=... node dist/smoke.js
//
// The token is the one `learnwell serve --demo` prints (hr_admin + ld_admin). Run by .ci/client.
import createClient from "openapi-fetch";
import type { components, paths } from "./learnwell.gen.js";

type Schemas = components["schemas"];
type Employee = Schemas["EmployeeResource"];
type Course = Schemas["CourseResource"];
type Enrollment = Schemas["EnrollmentResource"];
type Totals = Schemas["TotalsResource"];
type Problem = Schemas["Problem"];

function env(name: string): string {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
}

const api = createClient<paths>({
    baseUrl: env("LEARNWELL_URL"),
    headers: { Authorization: `Bearer ${env("LEARNWELL_TOKEN")}` },
});

let passed = 0;

function check(condition: boolean, what: string): asserts condition {
    if (!condition) throw new Error(`check failed: ${what}`);
}

function ok(what: string): void {
    passed += 1;
    console.log(`ok ${passed} - ${what}`);
}

// An openapi-fetch answer: the body of the expected status, or a failure that shows the other.
interface Answer<T, E> {
    data?: T;
    error?: E;
    response: Response;
}

function expectData<T, E>(answer: Answer<T, E>, status: number, what: string): T {
    const { data, error, response } = answer;
    if (data === undefined || response.status !== status) {
        throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(error ?? data)}`);
    }
    return data;
}

// A problem+json answer, typed by the error responses the document declares for the operation.
function expectProblem<T>(answer: Answer<T, Problem>, status: number, code: string, what: string): Problem {
    const { error, response } = answer;
    if (error === undefined) throw new Error(`${what}: expected ${status}, got ${response.status}`);
    check(response.status === status, `${what}: HTTP ${response.status}, expected ${status}`);
    check(response.headers.get("content-type") === "application/problem+json", `${what}: media type`);
    check(error.status === status, `${what}: problem status ${error.status}`);
    check(error.type === `urn:learnwell:problem:${code}`, `${what}: problem type ${error.type}`);
    check(error.code === code, `${what}: problem code ${error.code}`);
    for (const field of [error.title, error.detail, error.request_id]) {
        check(typeof field === "string" && field.length > 0, `${what}: title, detail and request_id`);
    }
    return error;
}

// ---- run-time checks of what the document declares ----

const isString = (v: unknown): v is string => typeof v === "string";
const isInteger = (v: unknown): v is number => Number.isInteger(v);
const isDate = (v: unknown): boolean => isString(v) && /^\d{4}-\d{2}-\d{2}$/.test(v);
const isInstant = (v: unknown): boolean => isString(v) && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v));
const optional = (v: unknown, test: (v: unknown) => boolean): boolean => v === undefined || v === null || test(v);

function checkEmployee(e: Employee): void {
    const what = `employee ${JSON.stringify(e)}`;
    check([e.id, e.display_name, e.given_name, e.family_name].every(isString), `${what}: id and names`);
    check([e.job_title, e.manager_id, e.org_unit_id].every((v) => optional(v, isString)), `${what}: optional strings`);
    // The demo's token reads everyone's full record.
    check(e.view === "full", `${what}: view`);
    const d = e.details;
    check(d !== undefined && d !== null, `${what}: details of a full view`);
    check(isString(d.email) && d.email.includes("@"), `${what}: email`);
    check(isInteger(d.job_level) && d.job_level >= 1 && d.job_level <= 8, `${what}: job_level`);
    check(["pending", "active", "leave", "terminated"].includes(d.status), `${what}: status`);
    check(isString(d.employment_type), `${what}: employment_type`);
    check(typeof d.contracted_hours_per_week === "number", `${what}: contracted_hours_per_week`);
    check(isInteger(d.version), `${what}: version`);
    check(isInstant(d.created_at) && isInstant(d.updated_at), `${what}: created_at, updated_at`);
    for (const day of [d.hire_date, d.termination_date, d.leave_start_date, d.leave_end_date]) {
        check(optional(day, isDate), `${what}: dates`);
    }
}

function checkCourse(c: Course): void {
    const what = `course ${JSON.stringify(c)}`;
    check([c.id, c.code, c.title, c.provider, c.modality].every(isString), `${what}: strings`);
    check(["internal", "external"].includes(c.provider), `${what}: provider`);
    check(optional(c.level, (l) => ["beginner", "intermediate", "advanced"].includes(l as string)), `${what}: level`);
    check(isInteger(c.estimated_minutes) && c.estimated_minutes >= 0, `${what}: estimated_minutes`);
    check(Array.isArray(c.skill_ids) && c.skill_ids.every(isString), `${what}: skill_ids`);
    check(typeof c.archived === "boolean" && isInteger(c.version), `${what}: archived, version`);
    check(isInstant(c.created_at) && isInstant(c.updated_at), `${what}: created_at, updated_at`);
}

function checkEnrollment(e: Enrollment): void {
    const what = `enrolment ${JSON.stringify(e)}`;
    check([e.id, e.employee_id, e.course_id].every(isString), `${what}: ids`);
    check(["self_enrolled", "assigned"].includes(e.origin), `${what}: origin`);
    check(["enrolled", "in_progress", "completed", "withdrawn"].includes(e.status), `${what}: status`);
    check(optional(e.due_date, isDate) && optional(e.completed_on, isDate), `${what}: dates`);
    check(optional(e.score, (s) => typeof s === "number"), `${what}: score`);
    check(isInteger(e.version) && isInstant(e.created_at) && isInstant(e.updated_at), `${what}: version, instants`);
}

function checkTotals(t: Totals, what: string): void {
    check(typeof t.suppressed === "boolean", `${what}: suppressed`);
    const minutes = [t.allocated_minutes, t.carried_in_minutes, t.used_in_work_minutes, t.used_outside_work_minutes];
    check(minutes.every((m) => optional(m, isInteger)), `${what}: minutes are integers`);
    check(optional(t.people, isInteger), `${what}: people`);
    check(optional(t.by_category_minutes, (b) => Object.values(b as object).every(isInteger)), `${what}: by category`);
}

// ---- the calls ----

async function employees(): Promise<Employee> {
    const first = expectData(await api.GET("/api/v1/employees", { params: { query: { first: 3 } } }), 200, "employees, page 1");
    check(first.items.length === 3, `page 1 has ${first.items.length} of 3 people`);
    check(isString(first.next_cursor), "page 1 has a next_cursor");
    const second = expectData(
        await api.GET("/api/v1/employees", { params: { query: { first: 3, after: first.next_cursor } } }),
        200,
        "employees, page 2",
    );
    check(second.items.length === 3, `page 2 has ${second.items.length} of 3 people`);
    const ids = [...first.items, ...second.items].map((e) => e.id);
    check(new Set(ids).size === 6, "the pages do not overlap");
    check(ids.every((id, i) => i === 0 || ids[i - 1]! < id), "the pages are in id (creation) order");
    [...first.items, ...second.items].forEach(checkEmployee);
    ok("GET /api/v1/employees?first=3, then after=next_cursor: two pages of three, in order");

    const listed = second.items[0]!;
    const answer = await api.GET("/api/v1/employees/{id}", { params: { path: { id: listed.id } } });
    const one = expectData(answer, 200, "one employee");
    checkEmployee(one);
    check(one.id === listed.id && one.display_name === listed.display_name, "the same person as listed");
    check(answer.response.headers.get("etag") === `"${one.details?.version}"`, "ETag is the version");
    ok(`GET /api/v1/employees/{id}: ${one.display_name}, ETag "${one.details?.version}"`);

    const active = expectData(
        await api.GET("/api/v1/employees", { params: { query: { status: "active", first: 1 } } }),
        200,
        "active employees",
    ).items[0];
    check(active !== undefined && active.details?.status === "active", "someone is active");
    return active;
}

async function courses(): Promise<Course> {
    const page = expectData(await api.GET("/api/v1/courses", { params: { query: { first: 5 } } }), 200, "courses");
    check(page.items.length === 5, `the demo's catalog has ${page.items.length} of 5 courses`);
    page.items.forEach(checkCourse);
    check(page.items.every((c) => !c.archived), "archived courses are left out by default");
    ok(`GET /api/v1/courses?first=5: ${page.items.map((c) => c.code).join(", ")}`);

    const code = `smoke-${Date.now()}`;
    const answer = await api.POST("/api/v1/courses", {
        body: { code, title: "Client smoke test", modality: "self_paced", level: "beginner", estimated_minutes: 45 },
    });
    const created = expectData(answer, 201, "create a course");
    checkCourse(created);
    check(created.code === code.toUpperCase(), `code stored upper-case: ${created.code}`);
    check(created.provider === "internal" && created.modality === "self_paced", "provider defaults to internal");
    check(created.estimated_minutes === 45 && created.skill_ids.length === 0 && !created.archived, "as sent");
    check(answer.response.headers.get("etag") === `"${created.version}"`, "ETag is the version");
    ok(`POST /api/v1/courses: 201 ${created.code}`);
    return created;
}

async function enrol(person: Employee, course: Course): Promise<void> {
    const body = { course_id: course.id, employee_id: person.id, due_date: "2099-12-31" };
    const enrolment = expectData(await api.POST("/api/v1/enrollments", { body }), 201, "enrol");
    checkEnrollment(enrolment);
    check(enrolment.employee_id === person.id && enrolment.course_id === course.id, "whom and what");
    check(enrolment.origin === "assigned" && enrolment.status === "enrolled", "assigned, enrolled");
    check(enrolment.due_date === "2099-12-31", "due date");
    ok(`POST /api/v1/enrollments: 201, ${person.display_name} assigned ${course.code}`);

    const again = expectData(await api.POST("/api/v1/enrollments", { body }), 200, "enrol again");
    check(again.id === enrolment.id, "enrolling again answers the same enrolment");
    const listed = expectData(
        await api.GET("/api/v1/enrollments", { params: { query: { course_id: course.id } } }),
        200,
        "the course's enrolments",
    );
    listed.items.forEach(checkEnrollment);
    check(listed.items.length === 1 && listed.items[0]?.id === enrolment.id, "the course lists its one enrolment");
    ok("POST again: 200 with the same enrolment; GET /api/v1/enrollments?course_id lists it");
}

// Last month: the demo seeds a year of learning up to today.
function lastMonth(): string {
    const now = new Date();
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

async function learningTime(person: Employee): Promise<void> {
    const period = lastMonth();
    const org = expectData(
        await api.GET("/api/v1/learning-time/summary", { params: { query: { period } } }),
        200,
        "the organisation's summary",
    );
    check(org.period_start === `${period}-01` && isDate(org.period_end), `period ${org.period_start}..${org.period_end}`);
    check(org.period_start < org.period_end, "the period ends after it starts");
    checkTotals(org.totals, "organisation");
    check(!org.totals.suppressed, "an admin's organisation figures are not suppressed");
    check((org.totals.people ?? 0) > 100, `the organisation has ${org.totals.people} people`);
    check((org.totals.allocated_minutes ?? 0) > 0, "learning time is allocated");
    check((org.totals.used_in_work_minutes ?? 0) > 0, "learning time was used");
    ok(`GET /api/v1/learning-time/summary?period=${period}: ${org.totals.people} people, ${org.totals.used_in_work_minutes} of ${org.totals.allocated_minutes} minutes used in work`);

    const mine = expectData(
        await api.GET("/api/v1/learning-time/summary", {
            params: { query: { period, employee_id: person.id, include_people: true } },
        }),
        200,
        "a person's summary",
    );
    checkTotals(mine.totals, "person");
    check(mine.totals.people === 1, "a person's summary counts one person");
    const people = mine.people ?? [];
    check(people.length === 1 && people[0]?.employee_id === person.id, "person by person: that person");
    checkTotals(people[0]!, "person by person");
    ok(`GET /api/v1/learning-time/summary?employee_id: ${person.display_name}, ${mine.totals.allocated_minutes} minutes allocated`);
}

async function problems(): Promise<void> {
    // A well-formed UUIDv7 no record has.
    const id = "01890000-0000-7000-8000-000000000000";
    const missing = await api.GET("/api/v1/employees/{id}", { params: { path: { id } } });
    expectProblem(missing, 404, "not_found", "an unknown employee");
    ok("GET /api/v1/employees/{unknown id}: 404 application/problem+json not_found");

    const invalid = await api.POST("/api/v1/courses", { body: { code: "has spaces", estimated_minutes: -5 } });
    const problem = expectProblem(invalid, 422, "validation_failed", "an invalid course");
    const fields = (problem.errors ?? []).map((e) => e.field).sort();
    check(problem.errors?.every((e) => isString(e.field) && isString(e.message)) ?? false, "errors: field and message");
    check(["code", "estimated_minutes", "title"].every((f) => fields.includes(f)), `every field at once: ${fields.join(", ")}`);
    ok(`POST /api/v1/courses with bad fields: 422 validation_failed on ${fields.join(", ")}`);
}

const person = await employees();
const course = await courses();
await enrol(person, course);
await learningTime(person);
await problems();
console.log(`client smoke: all ${passed} checks passed against ${env("LEARNWELL_URL")}`);
