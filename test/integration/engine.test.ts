// The engine interface (db/engine.ts) on both engines: statements, write transactions (all or
// nothing, nested savepoints, one at a time), snapshots and streaming.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfirmationFailed, confirming, defineQuery, dynamicQuery, num, numberPlaceholders, type OpenEngine } from "@/db/engine";
import { openSqlite } from "@/db/sqlite";
import { openPostgres } from "@/db/postgres";
import { createTestDatabase, withPostgres } from "../helpers/postgres";
import { tempDbFile } from "../helpers/db";

const CREATE = dynamicQuery((d) => `create table t (id integer primary key, n integer not null, at ${d.kind === "sqlite" ? "integer" : "timestamptz"})`);
const INSERT = defineQuery("test.engine.insert", "insert into t (id, n, at) values (?, ?, ?)");
const COUNT = defineQuery("test.engine.count", "select count(*) as n from t", (r) => num(r.n));
const CLEAR_FROM = defineQuery("test.engine.clearFrom", "delete from t where id >= ?");
const ALL = defineQuery("test.engine.all", "select id, n, at from t order by id", (r) => ({ id: num(r.id), n: num(r.n), at: r.at == null ? null : num(r.at) }));

describe("numberPlaceholders", () => {
  it("numbers ? outside strings, identifiers and comments", () => {
    expect(numberPlaceholders(`select '?' as "a?", ? -- x?\n, ?`)).toBe(`select '?' as "a?", $1 -- x?\n, $2`);
  });
});

const engines: [string, () => Promise<{ engine: OpenEngine; done(): Promise<void> }>][] = [
  [
    "sqlite",
    async () => {
      const engine = openSqlite(tempDbFile());
      return { engine, done: () => engine.close() };
    },
  ],
];
if (await withPostgres()) {
  engines.push([
    "postgres",
    async () => {
      const database = await createTestDatabase();
      const engine = openPostgres(database.url);
      return { engine, done: async () => (await engine.close(), await database.drop()) };
    },
  ]);
}

describe.each(engines)("engine on %s", (_kind, open) => {
  let engine: OpenEngine;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ engine, done } = await open());
    await engine.exec(CREATE);
  });
  afterAll(() => done());

  it("writes all of a transaction or none of it, savepoints included", async () => {
    await engine.write(async (tx) => {
      await tx.exec(INSERT, [1, 10, new Date(1_700_000_000_123)]);
      await tx.write(async (inner) => inner.exec(INSERT, [2, 20, null])).catch(() => {});
      await tx.write(async (inner) => {
        await inner.exec(INSERT, [3, 30, null]);
        throw new Error("undo the savepoint");
      }).catch(() => {});
    });
    await expect(
      engine.write(async (tx) => {
        await tx.exec(INSERT, [4, 40, null]);
        throw new Error("undo all");
      }),
    ).rejects.toThrow("undo all");
    expect(await engine.many(ALL)).toEqual([
      { id: 1, n: 10, at: 1_700_000_000_123 },
      { id: 2, n: 20, at: null },
    ]);
  });

  it("runs write transactions one after another: a read-then-write never loses an update", async () => {
    const BUMP_READ = defineQuery(`test.engine.read.${_kind}`, "select n from t where id = 1", (r) => num(r.n));
    const BUMP_WRITE = defineQuery(`test.engine.write.${_kind}`, "update t set n = ? where id = 1");
    const before = (await engine.first(BUMP_READ))!;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        engine.write(async (tx) => {
          const n = (await tx.first(BUMP_READ))!;
          await new Promise((r) => setTimeout(r, 1));
          await tx.exec(BUMP_WRITE, [n + 1]);
        }),
      ),
    );
    expect(await engine.first(BUMP_READ)).toBe(before + 20);
  });

  it("runs one annotator's writes one at a time, and never an annotator's write beside a plain one", async () => {
    const READ = defineQuery(`test.engine.annRead.${_kind}`, "select n from t where id = 1", (r) => num(r.n));
    const SET = defineQuery(`test.engine.annSet.${_kind}`, "update t set n = ? where id = 1");
    const BUMP = defineQuery(`test.engine.annBump.${_kind}`, "update t set n = n + 1 where id = 1");
    const readThenWrite = async (tx: Pick<OpenEngine, "first" | "exec">) => {
      const n = (await tx.first(READ))!;
      await new Promise((r) => setTimeout(r, 2));
      await tx.exec(SET, [n + 1]);
    };
    const before = (await engine.first(READ))!;
    // The same annotator from many connections: their read-then-write steps never interleave.
    await Promise.all(Array.from({ length: 12 }, () => engine.write(readThenWrite, { annotator: 7 })));
    expect(await engine.first(READ)).toBe(before + 12);
    // Other annotators' writes (an update that locks the row) beside plain read-then-writes: a plain
    // write that ran beside one of them would write back a value missing its increment.
    await Promise.all(
      Array.from({ length: 16 }, (_, i) => (i % 2 ? engine.write(readThenWrite) : engine.write((tx) => tx.exec(BUMP), { annotator: 100 + i }))),
    );
    expect(await engine.first(READ)).toBe(before + 12 + 16);
  });

  it.runIf(_kind === "postgres")("runs different annotators' writes side by side", async () => {
    // The first waits inside its transaction until the second has begun its own: one at a time, it would never end.
    let started!: () => void;
    const second = new Promise<void>((r) => (started = r));
    await Promise.all([
      engine.write(async (tx) => (await second, tx.first(COUNT)), { annotator: 1 }),
      new Promise((r) => setTimeout(r, 50)).then(() => engine.write(async (tx) => (started(), tx.first(COUNT)), { annotator: 2 })),
    ]);
  }, 20_000);

  it("finishes a transaction with its last statement: committed with it, nothing may follow", async () => {
    const ROW = defineQuery(`test.engine.row.${_kind}`, "select n from t where id = ?", (r) => num(r.n));
    await engine.write(async (tx) => {
      await tx.exec(INSERT, [50, 1, null]);
      expect(await tx.finish(ROW, [50])).toBe(1);
    });
    expect(await engine.first(ROW, [50])).toBe(1);
    // Inside a savepoint a finish does not commit: the outer transaction goes on, and undoes it all.
    await expect(
      engine.write(async (tx) => {
        await tx.write(async (inner) => inner.finish(INSERT, [51, 1, null]));
        await tx.exec(INSERT, [52, 1, null]);
        throw new Error("undo all");
      }),
    ).rejects.toThrow("undo all");
    expect(await engine.first(ROW, [51])).toBeUndefined();
    if (_kind === "postgres") {
      // What follows a finish is refused (the transaction has committed).
      await expect(
        engine.write(async (tx) => {
          await tx.finish(INSERT, [53, 1, null]);
          await tx.exec(INSERT, [54, 1, null]);
        }),
      ).rejects.toThrow(/after the transaction's finish/);
      expect(await engine.first(ROW, [53])).toBe(1);
      expect(await engine.first(ROW, [54])).toBeUndefined();
    }
    await engine.exec(CLEAR_FROM, [50]);
  });

  it("sends two statements together: the second after the first, both answered, all of it undone on a failure", async () => {
    const ROW = defineQuery(`test.engine.bothRow.${_kind}`, "select n from t where id = ?", (r) => num(r.n));
    const BUMP = defineQuery(`test.engine.bothBump.${_kind}`, "update t set n = n + 1 where id = ? returning n", (r) => num(r.n));
    await engine.exec(INSERT, [70, 1, null]);
    // Several rounds: the statements are prepared on a connection the first time, then go together.
    for (let round = 0; round < 4; round++) {
      // The second sees what the first wrote; a statement with no row answers undefined.
      const [bumped, read] = await engine.write(async (tx) => tx.firstOfBoth(BUMP, [70], ROW, [70]));
      expect([bumped, read]).toEqual([2 + round, 2 + round]);
      expect(await engine.write(async (tx) => tx.firstOfBoth(ROW, [999], ROW, [70]))).toEqual([undefined, 2 + round]);
    }
    // A failing second statement undoes the first with the rest of the transaction.
    await expect(engine.write(async (tx) => tx.firstOfBoth(BUMP, [70], INSERT, [70, 0, null]))).rejects.toThrow();
    expect(await engine.first(ROW, [70])).toBe(5);
    if (_kind === "postgres") {
      // Both prepared on the connection: one round trip with BEGIN and the locks; the transaction goes on after it.
      const sent = vi.spyOn(pg.Client.prototype, "query");
      try {
        const out = await engine.write(
          async (tx) => {
            const both = await tx.firstOfBoth(BUMP, [70], ROW, [70]);
            return [...both, await tx.finish(ROW, [70])];
          },
          { annotator: 7 },
        );
        expect(out).toEqual([6, 6, 6]);
        expect(sent).toHaveBeenCalledTimes(2);
        expect(String(sent.mock.calls[0][0])).toMatch(/^begin; .*pg_advisory_xact_lock\(\d+, 7\); execute arbiter_\d+\('70'\); execute arbiter_\d+\('70'\)$/);
      } finally {
        sent.mockRestore();
      }
    }
    await engine.exec(CLEAR_FROM, [50]);
  });

  it("checks a write's confirmation before anything it did counts, with BEGIN on PostgreSQL; a confirming engine checks once", async () => {
    const ROW = defineQuery(`test.engine.confirmRow.${_kind}`, "select n from t where id = ?", (r) => num(r.n));
    await engine.exec(INSERT, [80, 5, null]);
    const confirm = (n: number) => ({ query: ROW, params: [80], accept: (row: unknown) => row === n });
    // Several rounds: the confirmation is prepared on a connection the first time, then goes with BEGIN.
    for (let round = 0; round < 4; round++) {
      // Refused: the statements sent with it (a write ending in the same round trip included) are undone.
      await expect(engine.write(async (tx) => tx.finish(INSERT, [81, 1, null]), { confirm: confirm(6) as never })).rejects.toBeInstanceOf(ConfirmationFailed);
      await expect(engine.write(async (tx) => tx.firstOfBoth(INSERT, [81, 1, null], ROW, [81]), { annotator: 9, confirm: confirm(6) as never })).rejects.toBeInstanceOf(ConfirmationFailed);
      // A write that sends nothing is still checked.
      await expect(engine.write(async () => 1, { confirm: confirm(6) as never })).rejects.toBeInstanceOf(ConfirmationFailed);
      expect(await engine.first(ROW, [81])).toBeUndefined();
      // Accepted: the write goes on.
      await engine.write(async (tx) => tx.finish(INSERT, [81, 1, null]), { confirm: confirm(5) as never });
      expect(await engine.first(ROW, [81])).toBe(1);
      await engine.exec(CLEAR_FROM, [81]);
    }
    if (_kind === "postgres") {
      // Prepared on the connection: the confirmation goes in the first round trip, after BEGIN and the locks, before the statements.
      const sent = vi.spyOn(pg.Client.prototype, "query");
      try {
        const out = await engine.write(async (tx) => tx.firstOfBoth(ROW, [80], ROW, [80]), { annotator: 7, confirm: confirm(5) as never });
        expect(out).toEqual([5, 5]);
        expect(String(sent.mock.calls[0][0])).toMatch(/^begin; .*pg_advisory_xact_lock\(\d+, 7\); execute arbiter_\d+\('80'\); execute arbiter_\d+\('80'\); execute arbiter_\d+\('80'\)$/);
        expect(sent).toHaveBeenCalledTimes(2); // that round trip and COMMIT
      } finally {
        sent.mockRestore();
      }
    }
    // A confirming engine: its first statement (here a read) is preceded by the check; refused, nothing answers.
    await expect(confirming(engine, confirm(6) as never).first(ROW, [80])).rejects.toBeInstanceOf(ConfirmationFailed);
    const confirmed = confirming(engine, confirm(5) as never);
    expect(await confirmed.write(async (tx) => tx.first(ROW, [80]))).toBe(5);
    // Once passed it is not checked again (the row may change after).
    await engine.exec(defineQuery(`test.engine.confirmBump.${_kind}`, "update t set n = 6 where id = ?"), [80]);
    expect(await confirmed.first(ROW, [80])).toBe(6);
    await engine.exec(CLEAR_FROM, [50]);
  });

  it("passes every kind of value to a statement alike, bound or sent with BEGIN and COMMIT as literals", async () => {
    const ECHO = defineQuery(
      `test.engine.echo.${_kind}`,
      "select cast(? as text) as s, cast(? as integer) as i, ? as f, cast(? as text) as absent, n from t where id = ?",
      (r) => ({ s: r.s, i: num(r.i), f: Number(r.f), nothing: r.absent, n: num(r.n) }),
    );
    await engine.exec(INSERT, [60, 7, new Date(1_700_000_000_000)]);
    const strings = ["it's", "back\\slash \\' E'x'", "line\nbreak\ttab", "emoji 🦜 and ünïcode", '{"a": "b\\"c", "d": [1, 2]}', "$1 ? -- not a comment", "); commit; drop table t; --", ""];
    for (const str of strings) {
      // Three times each: the statement is prepared on a connection the first time, then goes with BEGIN (and COMMIT).
      for (let round = 0; round < 3; round++) {
        const opened = await engine.write(async (tx) => tx.first(ECHO, [str, -42, 2.5, null, 60]));
        const finished = await engine.write(async (tx) => tx.finish(ECHO, [str, -42, 2.5, null, 60]));
        for (const got of [opened, finished]) expect(got).toEqual({ s: str, i: -42, f: 2.5, nothing: null, n: 7 });
      }
    }
    expect(await engine.first(COUNT)).toBeGreaterThan(0); // the table is still there
    if (_kind === "postgres") {
      // A statement already prepared on the connection goes with BEGIN, its locks and COMMIT in one round trip.
      const sent = vi.spyOn(pg.Client.prototype, "query");
      try {
        expect(await engine.write(async (tx) => tx.finish(ECHO, ["one trip", 1, 1, null, 60]), { annotator: 7 })).toMatchObject({ s: "one trip" });
        expect(sent).toHaveBeenCalledTimes(1);
        expect(String(sent.mock.calls[0][0])).toMatch(/^begin; .*pg_advisory_xact_lock\(\d+, 7\); execute arbiter_\d+\('one trip', '1', '1', null, '60'\); commit$/);
      } finally {
        sent.mockRestore();
      }
    }
    const STAMP = defineQuery(`test.engine.stamp.${_kind}`, "update t set at = ? where id = ? returning at", (r) => num(r.at));
    for (let round = 0; round < 3; round++) {
      const when = new Date(1_700_000_000_000 + round * 1_234);
      expect(await engine.write(async (tx) => tx.finish(STAMP, [when, 60]))).toBe(when.getTime());
    }
    await engine.exec(CLEAR_FROM, [50]);
  });

  it("streams a large result in batches from a snapshot", async () => {
    await engine.write(async (tx) => {
      for (let i = 100; i < 1100; i++) await tx.exec(INSERT, [i, i, null]);
    });
    const seen: number[] = [];
    await engine.snapshot(async (view) => {
      for await (const row of view.stream(ALL, [], 64)) seen.push(row.id);
    });
    expect(seen.length).toBe(1002);
    expect(await engine.first(COUNT)).toBe(1002);
  });
});

describe.each(engines)("engine on %s refuses", (_kind, open) => {
  it("a statement sent to the engine itself inside its own write transaction", async () => {
    const { engine, done } = await open();
    try {
      await engine.exec(CREATE);
      await expect(engine.write(async () => engine.first(COUNT))).rejects.toThrow("use the `tx` that write() passed on");
      expect(await engine.first(COUNT)).toBe(0);
    } finally {
      await done();
    }
  });
});
