// `arbiter db copy` (lib/services/db-copy.ts) on real databases: a SQLite database with a row in
// every table copied to PostgreSQL and back, equal on all three; the refusals (a target holding rows
// without --force, an unmigrated source, the same database twice); a copy failing part-way leaves the
// target as it was; the CLI's output. The suites copying into PostgreSQL are skipped (with the
// harness's message) where no PostgreSQL server answers.
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "@/db/client";
import { at, bool, dynamicQuery, json, jsonOrNull, num, numOrNull, str, strOrNull, type Engine, type EngineKind } from "@/db/engine";
import { TABLES } from "@/db/tables";
import { copyReport } from "@/lib/cli/commands/db";
import { main } from "@/lib/cli/main";
import { recordAdjudication } from "@/lib/services/adjudication";
import { claimNext } from "@/lib/services/assignment";
import { copyDatabase, tableChecksums } from "@/lib/services/db-copy";
import { AppError } from "@/lib/services/errors";
import { reviseJudgment, submitJudgment } from "@/lib/services/judgments";
import { addMember } from "@/lib/services/members";
import { createToken } from "@/lib/services/tokens";
import { countRowsAsync, ENGINES, errorCodeAsync, importText, jsonl, makeProject, makeUser, pairRecord, tempDbFile, tempDbOn, type TempDb } from "../helpers/db";
import { createTestDatabase } from "../helpers/postgres";

const WITH_POSTGRES = ENGINES.includes("postgres");

/** Everything a test opened, closed after it. */
const opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

async function temp(kind: EngineKind): Promise<TempDb> {
  const t = await tempDbOn(kind);
  opened.push(() => t.close());
  return t;
}

/** A SQLite file path that does not exist yet, and its engine once a copy has made it. */
function freshSqlite(): { file: string; open(): Db } {
  const file = tempDbFile();
  opened.push(async () => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
  return {
    file,
    open() {
      const db = openDatabase(file);
      opened.push(() => db.close());
      return db;
    },
  };
}

const EXPIRES = Date.UTC(2031, 4, 6, 7, 8, 9, 123);
const BIG_DURATION = 3_000_000_000; // past int4, which PostgreSQL's bigint column must keep

/**
 * A SQLite database with a row in every table: users, a project with items (one with messages and
 * nested metadata, keys out of jsonb's order), candidates, judgments from two annotators (one revised,
 * some without a rationale), an adjudication, a token, a member and the audit rows they write,
 * through the services; settings, a sign-in limit, a qualification attempt and answer and edge values
 * (reals, a long duration, an empty rationale beside NULL ones) by statements.
 */
async function populated(): Promise<TempDb> {
  const t = await temp("sqlite");
  const manager = await makeUser(t, "manager");
  const annotators = [await makeUser(t, "annotator"), await makeUser(t, "annotator")];
  await makeProject(t, { slug: "copy", overlap: 2 });
  await importText(
    t,
    "copy",
    jsonl([
      pairRecord(1, { metadata: { zeta: 1, alpha: { y: [1, "ü", null], b: true }, "": "empty key" } }),
      pairRecord(2),
      { id: "messages", prompt: [{ role: "user", content: 'Grüße 👋\n"quoted" \\ and \'single\'' }], responses: [{ content: "Ответ", model: "m-1" }, { content: "答え", model: "m-2" }] },
    ]),
  );
  const judged: number[] = [];
  for (const [k, a] of annotators.entries()) {
    for (let c; (c = await claimNext({ ctx: a.ctx, input: { slug: "copy" } })); ) {
      const { judgment } = await submitJudgment({ ctx: a.ctx, input: { assignment_id: c.assignment.id, choice: "A", ...(k === 1 ? { rationale: `reason ${c.item.id}` } : {}) } });
      judged.push(judgment.id);
    }
  }
  await reviseJudgment({ ctx: annotators[0].ctx, input: { id: judged[0], choice: "B", rationale: "changed my mind" } });
  const item = await t.db.first(dynamicQuery("select id from items where external_id = 'item-1'", (r) => num(r.id)));
  await recordAdjudication({ ctx: manager.ctx, input: { itemId: item!, choice: "tie", note: "Ünïcödé note" } });
  await createToken({ ctx: t.system, input: { email: manager.caller.email } });
  await addMember({ ctx: t.system, input: { slug: "copy", email: annotators[1].caller.email } });

  const exec = (text: string, params: Parameters<Engine["exec"]>[1] = []) => t.db.exec(dynamicQuery(text), params);
  await exec("insert into settings (key, value) values (?, ?), (?, ?), (?, ?)", ["auth_secret", "s3cr3t", "empty", "", "Zürich", "text key sorted by bytes"]);
  await exec("insert into sign_in_limits (key, points, expire) values (?, ?, ?), (?, ?, ?)", ["ip:127.0.0.1", 3, at(EXPIRES), "account:a@b", 0, null]);
  await exec("update projects set gold_rate = ?, min_gold_accuracy = ?, agreement_threshold = ?, allow_remote_images = ? where slug = 'copy'", [0.1, 0.30000000000000004, 1e-7, true]);
  // The service stores an empty rationale as NULL; an older row may hold ''.
  await exec("update judgments set duration_ms = ?, rationale = '' where id = ?", [BIG_DURATION, judged[1]]);
  await exec(
    "insert into qualification_attempts (project_id, user_id, attempt, status, judged, correct, started_at, decided_at) select id, ?, 1, 'passed', 1, 1, ?, ? from projects where slug = 'copy'",
    [annotators[0].caller.userId, at(EXPIRES - 1000), at(EXPIRES)],
  );
  await exec(
    "insert into qualification_answers (attempt_id, item_id, judgment_id, choice, verdict, correct, created_at) select q.id, j.item_id, j.id, 'A', 'A', ?, ? from qualification_attempts q, judgments j where j.id = ?",
    [true, at(EXPIRES), judged[0]],
  );
  // Models in the loop: an endpoint (a sealed key, real prices), a contender with two versions, a run with one response and one failure.
  await exec(
    "insert into endpoints (name, base_url, model, api_key_env, api_key_sealed, max_concurrency, timeout_s, price_in, price_out, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ["local", "http://127.0.0.1:9/v1", "m", null, "v1.aXY.dGFn.Ym9keQ", 4, 60, 0.15, 0.6000000000000001, at(EXPIRES)],
  );
  await exec("insert into contenders (name, current_version, created_at) values (?, ?, ?)", ["alpha", 2, at(EXPIRES)]);
  await exec(
    "insert into contender_versions (contender_id, version, endpoint_id, system_prompt, template, temperature, max_tokens, seed, created_at) values (1, 1, 1, ?, ?, ?, ?, ?, ?), (1, 2, 1, null, null, null, null, null, ?)",
    ["Be brief. Ünï", "Q: {prompt}", 0.7, 256, -5, at(EXPIRES), at(EXPIRES + 1)],
  );
  await exec(
    `insert into generation_runs (project_id, status, pairs, contenders, prompts, fingerprint, prompt_count, items_created, error, created_by, created_at, finished_at)
     select id, 'done', 'all', ?, ?, 'abc', 1, 0, null, ?, ?, ? from projects where slug = 'copy'`,
    [JSON.stringify([{ contender: "alpha", version: 1, versionId: 1 }]), JSON.stringify([{ id: "p1", prompt: "hi" }]), manager.caller.userId, at(EXPIRES), at(EXPIRES + 5)],
  );
  await exec("insert into generation_responses (run_id, prompt_index, contender_version_id, status, text, metrics, error, created_at) values (1, 0, 1, 'ok', ?, ?, null, ?), (1, 0, 2, 'failed', null, null, ?, ?)", [
    "Hello 👋",
    JSON.stringify({ latency_ms: 120, ttft_ms: 30, prompt_tokens: 3, completion_tokens: 2, finish_reason: "stop", cost_usd: 1.65e-6 }),
    at(EXPIRES),
    "HTTP 500: boom (gave up after 5 attempts)",
    at(EXPIRES),
  ]);
  // An AI judge with one verdict (a boolean, raw answers with non-ASCII text).
  await exec("insert into judges (name, endpoint_id, prompt, created_at) values (?, 1, ?, ?)", ["fair", "{prompt} {response_a} {response_b} → [[A]]", at(EXPIRES)]);
  await exec(
    `insert into ai_judgments (judge_id, item_id, verdict, answer_straight, answer_swapped, position_consistent, latency_ms, prompt_tokens, completion_tokens, created_at)
     values (1, ?, 'tie', ?, ?, ?, 812, 340, 41, ?)`,
    [item!, "Ünï first [[A]]", "then [[A]] again", false, at(EXPIRES + 2)],
  );
  // A judge run that finished with one failure (JSON with non-ASCII text, a null limit).
  await exec(
    `insert into judge_runs (judge_id, project_id, status, item_limit, items, judged, failed, failures, error, created_by, created_at, finished_at)
     select 1, id, 'done', null, 2, 1, 1, ?, null, ?, ?, ? from projects where slug = 'copy'`,
    [JSON.stringify([{ item: "x1", error: "no verdict in the answer: Ünï" }]), manager.caller.userId, at(EXPIRES + 3), at(EXPIRES + 4)],
  );
  return t;
}

/** Rows read back with decoders written here (not the copy's), to compare values across engines. */
async function sample(db: Engine) {
  return {
    judgments: await db.many(
      dynamicQuery("select * from judgments order by id", (r) => ({
        id: num(r.id),
        choice: strOrNull(r.choice),
        slotOrder: json<number[]>(r.slot_order),
        payload: jsonOrNull(r.payload),
        rationale: strOrNull(r.rationale),
        durationMs: numOrNull(r.duration_ms),
        gold: bool(r.gold),
        revision: num(r.revision),
        createdAt: num(r.created_at),
        updatedAt: numOrNull(r.updated_at),
      })),
    ),
    projects: await db.many(
      dynamicQuery("select * from projects order by id", (r) => ({
        goldRate: num(r.gold_rate),
        minGoldAccuracy: numOrNull(r.min_gold_accuracy),
        agreementThreshold: numOrNull(r.agreement_threshold),
        allowRemoteImages: bool(r.allow_remote_images),
        tagKeys: json(r.tag_keys),
        createdAt: num(r.created_at),
      })),
    ),
    items: await db.many(dynamicQuery("select id, prompt, metadata from items order by id", (r) => ({ id: num(r.id), prompt: json(r.prompt), metadata: jsonOrNull(r.metadata) }))),
    limits: await db.many(dynamicQuery("select * from sign_in_limits order by key", (r) => ({ key: str(r.key), points: num(r.points), expire: numOrNull(r.expire) }))),
    settings: await db.many(dynamicQuery("select * from settings order by key", (r) => ({ key: str(r.key), value: str(r.value) }))),
  };
}

/** A new user's id: the engine's own id generation after the copy. */
async function newUserId(db: Engine): Promise<number> {
  return (await db.first(dynamicQuery("insert into users (email, name, role) values ('after@copy.test', 'after', 'annotator') returning id", (r) => num(r.id))))!;
}

async function counts(db: Engine): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t.name] = (await db.first(dynamicQuery(`select count(*) as n from ${t.name}`, (r) => num(r.n))))!;
  return out;
}

const empty = () => Object.fromEntries(TABLES.map((t) => [t.name, 0]));

describe.skipIf(!WITH_POSTGRES)("db copy: SQLite → PostgreSQL → SQLite", () => {
  it("keeps every row of every table: row counts, checksums and values equal on all three", async () => {
    const a = await populated();
    const p = await temp("postgres");
    const c = freshSqlite();

    const there = await copyDatabase({ input: { from: a.file, to: p.file } });
    expect(there.verified).toBe(true);
    expect(there.differences).toEqual([]);
    const back = await copyDatabase({ input: { from: p.file, to: c.file } });
    expect(back.verified).toBe(true);
    const cdb = c.open();

    const source = await tableChecksums(a.db);
    expect(Object.keys(source)).toEqual(TABLES.map((t) => t.name));
    for (const t of TABLES) expect(source[t.name].rows, `${t.name} has rows in the source`).toBeGreaterThan(0);
    expect(await countRowsAsync(a, "judgment_revisions")).toBe(1);
    expect(there.tables).toEqual(source);
    expect(await tableChecksums(p.db)).toEqual(source);
    expect(back.tables).toEqual(source);
    expect(await tableChecksums(cdb)).toEqual(source);

    const values = await sample(a.db);
    expect(values.judgments.some((j) => j.durationMs === BIG_DURATION)).toBe(true);
    expect(values.judgments.map((j) => j.rationale)).toContain("");
    expect(values.limits).toContainEqual({ key: "ip:127.0.0.1", points: 3, expire: EXPIRES });
    expect(await sample(p.db)).toEqual(values);
    expect(await sample(cdb)).toEqual(values);

    // New rows get ids after the copied ones (PostgreSQL's identity sequences were moved past them).
    const maxUser = Math.max(...(await a.db.many(dynamicQuery("select id from users", (r) => num(r.id)))));
    expect(await newUserId(p.db)).toBe(maxUser + 1);
    expect(await newUserId(cdb)).toBe(maxUser + 1);
  });
});

describe.each(ENGINES)("db copy into %s", (kind) => {
  it("refuses a target that already holds rows, and with --force replaces them in its transaction", async () => {
    const a = await populated();
    const target = await temp(kind);
    await copyDatabase({ input: { from: a.file, to: target.file } });
    const before = await tableChecksums(target.db);

    await a.db.exec(dynamicQuery("insert into settings (key, value) values ('later', 'added after the first copy')"));
    await a.db.exec(dynamicQuery("delete from api_tokens"));
    const refused = copyDatabase({ input: { from: a.file, to: target.file } });
    await expect(refused).rejects.toThrow(/already holds data \(in projects, .*\); add --force/);
    expect(await errorCodeAsync(() => copyDatabase({ input: { from: a.file, to: target.file } }))).toBe("conflict");
    expect(await tableChecksums(target.db)).toEqual(before);

    const forced = await copyDatabase({ input: { from: a.file, to: target.file, force: true } });
    expect(forced.verified).toBe(true);
    expect(await tableChecksums(target.db)).toEqual(await tableChecksums(a.db));
    expect(await countRowsAsync(target, "api_tokens")).toBe(0);
  });

  it("rolls the whole copy back when it fails part-way: the target is left as it was", async () => {
    const a = await populated();
    const target = await temp(kind);
    const seen: string[] = [];
    const failing = {
      afterTable(table: string) {
        seen.push(table);
        if (table === "judgments") throw new Error("injected failure after judgments");
      },
    };
    await expect(copyDatabase({ input: { from: a.file, to: target.file }, hooks: failing })).rejects.toThrow("injected failure after judgments");
    expect(seen.length).toBeGreaterThan(5);
    expect(await counts(target.db)).toEqual(empty());

    // With --force the rows it deleted come back too.
    await copyDatabase({ input: { from: a.file, to: target.file } });
    const before = await tableChecksums(target.db);
    await a.db.exec(dynamicQuery("insert into settings (key, value) values ('later', 'x')"));
    await expect(copyDatabase({ input: { from: a.file, to: target.file, force: true }, hooks: failing })).rejects.toThrow("injected failure");
    expect(await tableChecksums(target.db)).toEqual(before);
  });

  it("verifies what was committed: a row changed on the target during the copy is reported, table by table", async () => {
    const a = await populated();
    const target = await temp(kind);
    const tamper = {
      async afterTable(table: string, _rows: number, tx: Engine) {
        if (table === "candidates") await tx.exec(dynamicQuery("update candidates set content = 'tampered' where id = (select min(id) from candidates)"));
        if (table === "settings") await tx.exec(dynamicQuery("delete from settings where key = 'empty'"));
      },
    };
    const result = await copyDatabase({ input: { from: a.file, to: target.file }, hooks: tamper });
    expect(result.verified).toBe(false);
    const source = await tableChecksums(a.db);
    const copied = await tableChecksums(target.db);
    expect(result.differences).toEqual([
      { table: "candidates", source: source.candidates, target: copied.candidates },
      { table: "settings", source: source.settings, target: copied.settings },
    ]);
    expect(copied.candidates.rows).toBe(source.candidates.rows);
    expect(copied.candidates.checksum).not.toBe(source.candidates.checksum);
    expect(copied.settings.rows).toBe(source.settings.rows - 1);

    const report = copyReport(result).split("\n");
    expect(report.slice(-3)).toEqual([
      "NOT verified: these tables differ on the target:",
      `  candidates: source ${source.candidates.rows} rows ${source.candidates.checksum}, target ${copied.candidates.rows} rows ${copied.candidates.checksum}`,
      `  settings: source ${source.settings.rows} rows ${source.settings.checksum}, target ${copied.settings.rows} rows ${copied.settings.checksum}`,
    ]);
  });

  it.skipIf(kind !== "postgres")("stops at a source row PostgreSQL cannot take, names it, and leaves the target empty", async () => {
    const a = await populated();
    // SQLite stores U+0000 in text; PostgreSQL refuses it. settings comes late in the copy order.
    await a.db.exec(dynamicQuery("insert into settings (key, value) values ('nul', 'a' || char(0) || 'b')"));
    const target = await temp(kind);
    const err = await copyDatabase({ input: { from: a.file, to: target.file } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/^Copying settings failed: .*NUL character.*The copy was rolled back: .* is as it was\.$/);
    expect(await counts(target.db)).toEqual(empty());
  });

  it("refuses a value that is not of its column's kind, naming the row", async () => {
    const a = await populated();
    // SQLite keeps text in an integer column; no engine could store it as the integer it should be.
    await a.db.exec(dynamicQuery("update items set priority = 'high' where external_id = 'item-2'"));
    const target = await temp(kind);
    await expect(copyDatabase({ input: { from: a.file, to: target.file } })).rejects.toThrow(/^Copying items failed: items row id \d+: priority holds "high", not an integer/);
    expect(await counts(target.db)).toEqual(empty());
  });

  it("refuses a source that is not migrated to this version, saying how to migrate it", async () => {
    let from: string;
    if (kind === "sqlite") {
      from = tempDbFile();
      fs.writeFileSync(from, "");
      opened.push(async () => fs.rmSync(path.dirname(from), { recursive: true, force: true }));
    } else {
      const bare = await createTestDatabase();
      opened.push(() => bare.drop());
      from = bare.url;
    }
    const to = freshSqlite();
    const flag = kind === "sqlite" ? "--db" : "--database-url";
    await expect(copyDatabase({ input: { from, to: to.file } })).rejects.toThrow(`is not migrated to this version's schema: run \`arbiter migrate ${flag}`);
    expect(fs.existsSync(to.file)).toBe(false);
  });

  it("refuses to copy a database onto itself, however it is named", async () => {
    const t = await temp(kind);
    let other: string;
    if (kind === "sqlite") {
      other = path.join(path.dirname(t.file), "link.db");
      fs.symlinkSync(t.file, other);
    } else {
      const u = new URL(t.file);
      u.searchParams.set("application_name", "another-spelling");
      other = u.toString();
    }
    for (const to of [t.file, other]) {
      await expect(copyDatabase({ input: { from: t.file, to } })).rejects.toThrow(/--from and --to name the same database/);
    }
  });
});

/** `arbiter …` in this process, with its output. */
async function arbiter(...args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

describe.each(ENGINES)("arbiter db copy into %s", (kind) => {
  it("prints the tables with rows and checksums and 'verified', or with --json exactly {tables, verified}", async () => {
    const a = await populated();
    const target = await temp(kind);
    const r = await arbiter("db", "copy", "--from", a.file, "--to", target.file, "--json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out);
    expect(Object.keys(printed)).toEqual(["tables", "verified"]);
    expect(printed.verified).toBe(true);
    expect(Object.keys(printed.tables)).toEqual(TABLES.map((t) => t.name));
    for (const sum of Object.values(printed.tables)) expect(sum).toEqual({ rows: expect.any(Number), checksum: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(printed.tables).toEqual(await tableChecksums(target.db));

    const again = await arbiter("db", "copy", "--from", a.file, "--to", target.file, "--force");
    expect(again.code).toBe(0);
    const lines = again.out.trimEnd().split("\n");
    expect(lines[0]).toBe(`Copied ${a.file} to ${target.db.location}`);
    expect(lines[1]).toMatch(/^ {2}table +rows {2}checksum$/);
    expect(lines[2]).toMatch(new RegExp(`^  ${TABLES[0].name} +\\d+  ${printed.tables[TABLES[0].name].checksum}$`));
    expect(lines.at(-1)).toBe("verified");
    expect(lines).toHaveLength(TABLES.length + 3);

    const refused = await arbiter("db", "copy", "--from", a.file, "--to", target.file, "--json");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^arbiter: .* already holds data/);
    expect(JSON.parse(refused.out)).toEqual({ error: { code: "conflict", message: expect.stringContaining("add --force") } });
  });

});

describe("arbiter db copy's command line", () => {
  it("answers a usage error for a missing --to or a --db beside --from", async () => {
    const a = await populated();
    const missing = await arbiter("db", "copy", "--from", a.file);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/missing --to/);
    const both = await arbiter("db", "copy", "--from", a.file, "--to", tempDbFile(), "--db", a.file);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/with --from and --to, not --db/);
    expect((await arbiter("help")).out).toContain("  db copy --from SRC --to DST [--force]");
  });
});
