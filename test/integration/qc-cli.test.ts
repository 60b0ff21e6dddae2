// The assignment and quality-control commands: project set, member, item set, batch.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "@/lib/cli/main";
import { importText, jsonl, makeProject, makeUser, pairRecord, tempDb, type TempDb, sql } from "../helpers/db";

let t: TempDb;
beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.close());

async function run(...args: string[]) {
  let out = "";
  let err = "";
  const code = await main([...args, "--db", t.file], { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe("arbiter project set", () => {
  it("sets the policies and prints them", async () => {
    const p = await makeProject(t);
    const r = await run("project", "set", "--project", p.slug, "--overlap", "5", "--lease-minutes", "10", "--order", "random", "--quota", "40", "--gold-rate", "0.1", "--min-gold-accuracy", "0.7", "--after", "5", "--status", "paused", "--agreement-threshold", "0.6");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/status paused, overlap 5, lease 10 min, order random, quota 40, gold rate 0.1, min gold accuracy 0.7 after 5, agreement threshold 0.6/);
    const row = await t.one<Record<string, unknown>>(sql`select overlap, lease_minutes, order_policy, quota, gold_rate, min_gold_accuracy, min_gold_after, status, agreement_threshold from projects where slug = ${p.slug}`);
    expect(row).toEqual({ overlap: 5, lease_minutes: 10, order_policy: "random", quota: 40, gold_rate: 0.1, min_gold_accuracy: 0.7, min_gold_after: 5, status: "paused", agreement_threshold: 0.6 });
    const cleared = await run("project", "set", "--project", p.slug, "--quota", "none", "--min-gold-accuracy", "none", "--json");
    expect(JSON.parse(cleared.out).project).toMatchObject({ quota: null, min_gold_accuracy: null, min_gold_after: null });
  });

  it("explains bad values and half a gold cut-off", async () => {
    const p = await makeProject(t);
    const order = await run("project", "set", "--project", p.slug, "--order", "newest");
    expect(order.code).toBe(1);
    expect(order.err).toMatch(/--order: must be finish-first, random or import/);
    const half = await run("project", "set", "--project", p.slug, "--min-gold-accuracy", "0.8");
    expect(half.code).toBe(2);
    expect(half.err).toMatch(/--after N/);
    const status = await run("project", "set", "--project", p.slug, "--status", "closed");
    expect(status.code).toBe(1);
    expect(status.err).toMatch(/--status: must be one of draft, active, paused, archived/);
    expect((await run("project", "set", "--project", "nope", "--overlap", "2")).err).toMatch(/Project "nope" not found/);
  });

  it("sets the judgment schema from a file, refusing an invalid one", async () => {
    const p = await makeProject(t);
    const fs = await import("node:fs");
    const good = t.file + ".schema.json";
    fs.writeFileSync(good, JSON.stringify({ type: "rating", criteria: [{ key: "helpful", label: "Helpful" }] }));
    expect((await run("project", "set", "--project", p.slug, "--schema", good)).code).toBe(0);
    expect(JSON.parse((await t.one<{ s: string }>(sql`select judgment_schema as s from projects`)).s)).toMatchObject({ type: "rating" });
    fs.writeFileSync(good, JSON.stringify({ type: "poll" }));
    const bad = await run("project", "set", "--project", p.slug, "--schema", good);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--schema type: /);
  });
});

describe("arbiter member, item and batch", () => {
  it("adds, lists and removes members", async () => {
    const p = await makeProject(t);
    const a = await makeUser(t, "annotator");
    expect((await run("member", "list", "--project", p.slug)).out).toMatch(/Every annotator may work/);
    expect((await run("member", "add", "--project", p.slug, "--email", a.caller.email)).out).toMatch(/Added/);
    expect((await run("member", "list", "--project", p.slug)).out).toContain(a.caller.email);
    expect((await run("member", "remove", "--project", p.slug, "--email", a.caller.email)).code).toBe(0);
    const again = await run("member", "remove", "--project", p.slug, "--email", a.caller.email);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/not found/);
    expect((await run("member", "add", "--project", p.slug)).code).toBe(2);
  });

  it("sets an item's priority and gold answer, and a batch's priority", async () => {
    const p = await makeProject(t);
    await importText(t, p.slug, jsonl([pairRecord(1), pairRecord(2)]));
    const id = (await t.one<{ id: number }>(sql`select id from items order by id limit 1`)).id;
    expect((await run("item", "set", "--id", String(id), "--priority", "7", "--gold", "B")).code).toBe(0);
    expect(await t.one(sql`select priority, gold from items where id = ${id}`)).toEqual({ priority: 7, gold: '{"choice":"B"}' });
    expect((await run("item", "set", "--id", String(id), "--gold", "none")).code).toBe(0);
    expect(await t.one(sql`select gold from items where id = ${id}`)).toEqual({ gold: null });
    const bad = await run("item", "set", "--id", String(id), "--gold", "C");
    expect(bad.err).toMatch(/gold: must be one of A, B, tie, both_bad/);
    const batches = JSON.parse((await run("batch", "list", "--project", p.slug, "--json")).out).batches;
    expect(batches).toHaveLength(1);
    expect((await run("batch", "set", "--id", String(batches[0].id), "--priority", "3")).out).toMatch(/Set priority 3 on 2 item\(s\)/);
  });
});
