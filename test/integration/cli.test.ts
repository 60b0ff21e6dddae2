// The `arbiter` command end to end: run as a subprocess through lib/cli/bin.mjs, as users run it.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { projectSettingRows } from "@/lib/services/project-settings";
import { dynamicQuery, num } from "@/db/engine";
import { isMigrated, PG_MIGRATIONS_DIR } from "@/db/migrate";
import { openPostgres } from "@/db/postgres";
import { ENGINES, importText, jsonl, makeProject, pairRecord, tempDb, type TempDb } from "../helpers/db";
import { createTestDatabase } from "../helpers/postgres";

const ROOT = path.resolve(__dirname, "../..");
let t: TempDb;
beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.close());

function arbiter(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "lib/cli/bin.mjs"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ARBITER_DB: t.file } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every key of a JSON value, at any depth. */
function keysOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(keysOf);
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => [k, ...keysOf(x)]);
  return [];
}

describe("arbiter help", () => {
  it("lists every command's usage, and each command's --help explains its flags", () => {
    const help = arbiter("help");
    expect(help.code).toBe(0);
    for (const usage of ["start [--demo]", "migrate", "seed --demo", "user add --email E", "user password", "user list", "token create", "project create --slug S", "project list", "project set --project S", "member add", "member remove", "member list", "item set --id N", "batch list", "batch set", "import --project S FILE", "export --project S --format F", "stats --project S"]) {
      expect(help.out).toContain(`  ${usage}`);
    }
    expect(arbiter().out).toBe(help.out);
    const project = arbiter("project", "--help");
    expect(project.code).toBe(0);
    expect(project.out).toMatch(/--lease-minutes M\s+how long an annotator holds an item/);
    expect(project.out).toMatch(/--min-gold-accuracy A\s+serve nothing more to annotators below this gold accuracy/);
    // project set's flags come from the settings table, one per setting.
    for (const s of projectSettingRows()) expect(project.out).toMatch(new RegExp(`--${s.flag} ${s.value}\\s+${s.help.replace(/[()…|]/g, ".")}`));
    expect(arbiter("help", "project").out).toBe(project.out);
    expect(arbiter("user", "add", "--help").out).toMatch(/--role R\s+admin, manager or annotator/);
  });
});

describe("exit codes and messages", () => {
  it("answers 2 for a command line it cannot run, naming what is wrong", () => {
    for (const [args, message] of [
      [["frobnicate"], /unknown command "frobnicate"/],
      [["project"], /project needs a subcommand: create, list or set/],
      [["project", "set", "--overlap", "2"], /missing --project/],
      [["project", "list", "--colour"], /Unknown option '--colour'/],
      [["item", "set", "--id", "1"], /item set needs --priority P and\/or --gold CHOICE/],
      [["import", "--project", "p"], /import needs a FILE/],
    ] as const) {
      const r = arbiter(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).toContain('Run "arbiter help" for usage.');
    }
  });

  it("answers 1 for a value it refuses, naming the flag as typed, and prints the error as JSON with --json", async () => {
    const p = await makeProject(t);
    const lease = arbiter("project", "set", "--project", p.slug, "--lease-minutes", "0");
    expect(lease.code).toBe(1);
    expect(lease.err).toMatch(/^arbiter: --lease-minutes: /);
    expect(lease.err).not.toMatch(/leaseMinutes/);
    const rounds = arbiter("stats", "--project", p.slug, "--rounds", "many", "--json");
    expect(rounds.code).toBe(1);
    expect(rounds.err).toMatch(/--rounds: /);
    expect(JSON.parse(rounds.out)).toEqual({ error: { code: "bad_request", message: expect.stringMatching(/^--rounds: /) } });
    const votes = arbiter("export", "--project", p.slug, "--format", "trl-dpo", "--min-votes", "abc");
    expect(votes.code).toBe(1);
    expect(votes.err).toMatch(/--min-votes: /);
    expect(votes.err).not.toMatch(/minVotes/);
    // Export options come from one table: every problem is named by its flag, the checks across options too.
    const options = arbiter("export", "--project", p.slug, "--format", "openai-dpo", "--file-format", "parquet", "--out", "x.parquet");
    expect(options.err).toBe("arbiter: --file-format: openai-dpo has no Parquet form (OpenAI takes JSONL); use jsonl\n");
    const split = arbiter("export", "--project", p.slug, "--format", "trl-dpo", "--split", "test=0.1", "--part", "dev", "--min-votes", "0");
    expect(split.err).toBe('arbiter: --min-votes: must be a whole number from 1 to 1000; --part: "dev" is not one of the splits (train, test)\n');
    const missing = arbiter("member", "list", "--project", "nope");
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/Project "nope" not found/);
  });
});

describe("--json output", () => {
  it("uses snake_case keys in every command's JSON", async () => {
    const schema = `${t.file}.schema.json`;
    fs.writeFileSync(schema, JSON.stringify({ type: "pairwise", strength: true }));
    const outputs = [
      arbiter("user", "add", "--email", "ann@example.com", "--role", "annotator", "--json"),
      arbiter("user", "list", "--json"),
      arbiter("token", "create", "--email", "ann@example.com", "--json"),
      arbiter("project", "create", "--slug", "demo", "--name", "Demo", "--schema", schema, "--json"),
      arbiter("project", "set", "--project", "demo", "--min-gold-accuracy", "0.7", "--after", "3", "--order", "random", "--json"),
      arbiter("member", "add", "--project", "demo", "--email", "ann@example.com", "--json"),
      arbiter("member", "list", "--project", "demo", "--json"),
    ];
    await importText(t, "demo", jsonl([pairRecord(1), pairRecord(2)]));
    const batchId = String(JSON.parse(arbiter("batch", "list", "--project", "demo", "--json").out).batches[0].id);
    outputs.push(
      arbiter("batch", "list", "--project", "demo", "--json"),
      arbiter("batch", "set", "--id", batchId, "--priority", "4", "--json"),
      arbiter("project", "list", "--json"),
      arbiter("stats", "--project", "demo", "--rounds", "0", "--json"),
      arbiter("migrate", "--json"),
    );
    for (const r of outputs) {
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      const bad = keysOf(JSON.parse(r.out)).filter((k) => !/^[a-z0-9]+(_[a-z0-9]+)*$|^[A-Z]$/.test(k));
      expect(bad, r.out).toEqual([]);
    }
    const [user, , , created, updated] = outputs.map((r) => JSON.parse(r.out));
    expect(user.user).toMatchObject({ email: "ann@example.com", role: "annotator", external: false, created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(created.project).toMatchObject({ slug: "demo", status: "draft", lease_minutes: 30, order_policy: "finish_first", judgment_schema: { type: "pairwise", strength: true } });
    expect(updated.project).toMatchObject({ order_policy: "random", min_gold_accuracy: 0.7, min_gold_after: 3 });
    expect(JSON.parse(arbiter("project", "list", "--json").out)).toEqual({
      projects: [{ slug: "demo", name: "Demo", status: "draft", overlap: 3, progress: { items: 2, judgments: 0, complete_items: 0 } }],
    });
    expect(JSON.parse(outputs[8].out)).toEqual({ batch_id: Number(batchId), priority: 4, items: 2 });
  });

  it("project list reads other projects than the ones it made (through the projects service)", async () => {
    await makeProject(t, { slug: "first", name: "First" });
    await makeProject(t, { slug: "second", name: "Second" });
    const r = arbiter("project", "list");
    expect(r.code).toBe(0);
    expect(r.out.trim().split("\n")).toEqual(["first\tFirst\titems 0\tjudgments 0\tcomplete 0", "second\tSecond\titems 0\tjudgments 0\tcomplete 0"]);
  });
});

describe("accounts from the command line", () => {
  it("deactivates, reactivates and changes roles; lists and revokes tokens; member list says who may work", async () => {
    expect(arbiter("user", "add", "--email", "ann@example.test", "--role", "annotator", "--password", "password-123").code).toBe(0);
    expect(arbiter("user", "add", "--email", "boss@example.test", "--role", "admin", "--password", "password-123").code).toBe(0);

    const off = arbiter("user", "deactivate", "--email", "ann@example.test", "--json");
    expect(off.code).toBe(0);
    expect(JSON.parse(off.out).user).toMatchObject({ email: "ann@example.test", status: "deactivated" });
    const listed = JSON.parse(arbiter("user", "list", "--json").out).users as { email: string; status: string; last_sign_in_at: string | null }[];
    expect(listed.find((u) => u.email === "ann@example.test")).toMatchObject({ status: "deactivated", last_sign_in_at: null });
    expect(arbiter("user", "list").out).toMatch(/annotator\tdeactivated\tann@example\.test\tnever signed in/);
    expect(JSON.parse(arbiter("user", "activate", "--email", "ann@example.test", "--json").out).user.status).toBe("active");

    expect(JSON.parse(arbiter("user", "role", "--email", "ann@example.test", "--role", "manager", "--json").out).user.role).toBe("manager");
    const badRole = arbiter("user", "role", "--email", "ann@example.test", "--role", "king");
    expect(badRole.code).toBe(1);
    expect(badRole.err).toMatch(/--role: must be one of admin, manager, annotator/);
    // The last active admin can be neither deactivated nor demoted.
    expect(arbiter("user", "deactivate", "--email", "boss@example.test").code).toBe(1);
    expect(arbiter("user", "role", "--email", "boss@example.test", "--role", "annotator").code).toBe(1);

    const token = JSON.parse(arbiter("token", "create", "--email", "ann@example.test", "--name", "laptop", "--json").out).token as string;
    const tokens = JSON.parse(arbiter("token", "list", "--email", "ann@example.test", "--json").out).tokens as { id: number; prefix: string; name: string; revoked_at: string | null }[];
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ name: "laptop", revoked_at: null });
    expect(token.startsWith(tokens[0].prefix)).toBe(true);
    expect(arbiter("token", "list").out).not.toContain(token);
    expect(arbiter("token", "revoke", "--id", String(tokens[0].id)).code).toBe(0);
    expect(JSON.parse(arbiter("token", "list", "--json").out).tokens[0].revoked_at).not.toBeNull();
    expect(arbiter("token", "revoke", "--id", "abc").err).toMatch(/--id: must be a whole number/);

    const p = await makeProject(t);
    expect(arbiter("member", "list", "--project", p.slug).out).toMatch(/Every annotator may work/);
    expect(arbiter("project", "set", "--project", p.slug, "--visibility", "members").code).toBe(0);
    const members = JSON.parse(arbiter("member", "list", "--project", p.slug, "--json").out);
    expect(members).toEqual({ visibility: "members", members: [] });
    expect(arbiter("member", "list", "--project", p.slug).out).toMatch(/Only its members may work on .*nobody can/);
  });
});

describe("concurrent writers", () => {
  /** Runs the CLI without waiting for it: the exit code, stdout and stderr once it ends. */
  function arbiterAsync(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, "lib/cli/bin.mjs"), ...args], { cwd: ROOT, env: { ...process.env, ARBITER_DB: t.file } });
      let out = "";
      let err = "";
      child.stdout.on("data", (b) => (out += b));
      child.stderr.on("data", (b) => (err += b));
      child.on("close", (code) => resolve({ code, out, err }));
    });
  }

  it("16 CLI commands that write at once, during an import, all succeed", async () => {
    const p = await makeProject(t);
    for (let i = 0; i < 8; i++) await arbiterAsync("user", "add", "--email", `owner${i}@example.test`, "--role", "annotator", "--password", "password-123");
    const file = path.join(path.dirname(t.file), "big.jsonl");
    fs.writeFileSync(file, jsonl(Array.from({ length: 3000 }, (_, i) => pairRecord(i))));
    const runs = await Promise.all([
      arbiterAsync("import", "--project", p.slug, file, "--json"),
      ...Array.from({ length: 8 }, (_, i) => arbiterAsync("user", "add", "--email", `writer${i}@example.test`, "--role", "annotator", "--password", "password-123")),
      ...Array.from({ length: 8 }, (_, i) => arbiterAsync("token", "create", "--email", `owner${i}@example.test`, "--name", `t${i}`)),
    ]);
    for (const r of runs) expect(r.err).not.toMatch(/locked/i);
    expect(runs.map((r) => r.code)).toEqual(Array(17).fill(0));
    expect(JSON.parse(runs[0].out).inserted).toBe(3000);
    expect(JSON.parse(arbiter("user", "list", "--json").out).users).toHaveLength(16);
    expect(JSON.parse(arbiter("token", "list", "--json").out).tokens).toHaveLength(8);
  }, 180_000);
});

describe("the database flags", () => {
  it("refuses --db and --database-url together, and a --database-url that is not a PostgreSQL URL", () => {
    for (const [args, message] of [
      [["migrate", "--db", t.file, "--database-url", "postgres://localhost/arbiter"], /--db and --database-url both name a database/],
      [["project", "list", "--database-url", t.file], /--database-url: must start with postgres:\/\/ or postgresql:\/\//],
    ] as const) {
      const r = arbiter(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it.skipIf(!ENGINES.includes("postgres"))("migrates a PostgreSQL database with --database-url, once however many start at the same moment", async () => {
    const database = await createTestDatabase();
    try {
      const run = (): Promise<{ code: number | null; out: string; err: string }> =>
        new Promise((resolve) => {
          // ARBITER_DB names a file, to show the flag wins over it.
          const child = spawn(process.execPath, [path.join(ROOT, "lib/cli/bin.mjs"), "migrate", "--database-url", database.url, "--json"], { cwd: ROOT, env: { ...process.env, ARBITER_DB: t.file } });
          let out = "";
          let err = "";
          child.stdout.on("data", (b) => (out += b));
          child.stderr.on("data", (b) => (err += b));
          child.on("close", (code) => resolve({ code, out, err }));
        });
      const runs = await Promise.all([run(), run(), run()]);
      for (const r of runs) {
        expect(r.err).toBe("");
        expect(r.code).toBe(0);
        expect(JSON.parse(r.out)).toEqual({ ok: true, db: database.url });
      }
      const engine = openPostgres(database.url, { max: 1 });
      try {
        expect(await isMigrated(engine)).toBe(true);
        const applied = dynamicQuery("select count(*) as n from drizzle.__drizzle_migrations", (r) => num(r.n));
        const journal = JSON.parse(fs.readFileSync(path.join(PG_MIGRATIONS_DIR, "meta/_journal.json"), "utf8")) as { entries: unknown[] };
        expect(await engine.first(applied)).toBe(journal.entries.length);
      } finally {
        await engine.close();
      }
    } finally {
      await database.drop();
    }
  }, 120_000);
});

describe("arbiter item reprioritise", () => {
  it("sets adaptive serving's priorities under adaptive pairing, lists the pairs, and refuses a uniform project", async () => {
    const p = await makeProject(t, { overlap: 1 });
    const generated = (id: string, a: string, b: string, choice?: string) => ({
      id,
      prompt: `prompt ${id}`,
      responses: [a, b].map((c) => ({ content: `${c} on ${id}`, model: c, metadata: { contender: c, contender_version: 1 } })),
      ...(choice ? { annotations: [{ annotator: "ada", choice }] } : {}),
    });
    await importText(
      t,
      p.slug,
      jsonl([
        ...Array.from({ length: 30 }, (_, i) => generated(`ab${i}`, "alpha", "beta", "A")),
        ...Array.from({ length: 30 }, (_, i) => generated(`ag${i}`, "alpha", "gamma", "A")),
        generated("bg-a", "beta", "gamma", "A"),
        generated("bg-b", "beta", "gamma", "B"),
        generated("open-ab", "alpha", "beta"),
        generated("open-bg", "beta", "gamma"),
      ]),
    );
    const refused = arbiter("item", "reprioritise", "--project", p.slug);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/pairs contenders uniformly.*--contender-pairing adaptive/);
    const set = arbiter("project", "set", "--project", p.slug, "--contender-pairing", "adaptive", "--json");
    expect(set.code).toBe(0);
    expect(JSON.parse(set.out).project.contender_pairing).toBe("adaptive");
    const r = arbiter("item", "reprioritise", "--project", p.slug, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({ project: p.slug, open_items: 2, changed: 0, pinned: 0, levels: { "4": 1, "0": 1 } });
    expect(out.pairs.map((x: { a: string; b: string; level: number }) => [x.a, x.b, x.level])).toEqual([
      ["beta@v1", "gamma@v1", 4],
      ["alpha@v1", "beta@v1", 0],
    ]);
    const text = arbiter("item", "reprioritise", "--project", p.slug);
    expect(text.out).toContain("beta@v1 vs gamma@v1: level 4");
  });
});
