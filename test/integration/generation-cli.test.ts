// `arbiter generate` as users run it (a subprocess through lib/cli/bin.mjs), on both engines: killed
// with SIGKILL half-way, the same command resumes the run and the model server's request counts
// prove it called only for the responses that were not yet stored.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dynamicQuery, num, str } from "@/db/engine";
import { addContender } from "@/lib/services/contenders";
import { addEndpoint } from "@/lib/services/endpoints";
import { ENGINES, makeProject, tempDbOn, type TempDb } from "../helpers/db";
import { answerFor, startModelServer, type ModelServer } from "../helpers/model-server";

const ROOT = path.resolve(__dirname, "../..");

function start(t: TempDb, args: string[]) {
  const target = t.db.kind === "sqlite" ? ["--db", t.file] : ["--database-url", t.file];
  const child = spawn(process.execPath, [path.join(ROOT, "lib/cli/bin.mjs"), ...args, ...target], { cwd: ROOT, env: { ...process.env } });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, out, err })));
  return { child, exited };
}

const storedCount = (t: TempDb) => t.db.first(dynamicQuery("select count(*) as n from generation_responses where status = 'ok'", (r) => num(r.n))).then((n) => n ?? 0);

describe.each(ENGINES)("arbiter generate on %s", (kind) => {
  let t: TempDb;
  let server: ModelServer;
  let dir: string;
  beforeAll(async () => {
    // Slow enough that a run takes seconds: the kill lands half-way.
    server = await startModelServer({ chunkDelayMs: 15 });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    t = await tempDbOn(kind);
    server.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-generate-"));
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("resumes after SIGKILL, calling the server only for the responses it lacks", async () => {
    await addEndpoint({ ctx: t.system, input: { name: "local", base_url: server.baseUrl, model: "m", max_concurrency: 2 } });
    for (const name of ["alpha", "beta"]) await addContender({ ctx: t.system, input: { name, endpoint: "local", system: `persona ${name}` } });
    const project = await makeProject(t);
    const prompts = Array.from({ length: 20 }, (_, i) => ({ id: `q${i + 1}`, prompt: `question ${i + 1} for the models` }));
    const file = path.join(dir, "prompts.jsonl");
    fs.writeFileSync(file, prompts.map((p) => JSON.stringify(p)).join("\n") + "\n");
    const args = ["generate", "--project", project.slug, "--prompts", file, "--contenders", "alpha,beta", "--json"];

    const first = start(t, args);
    for (let i = 0; i < 600 && (await storedCount(t)) < 16; i++) await new Promise((r) => setTimeout(r, 25));
    first.child.kill("SIGKILL");
    const killed = await first.exited;
    expect(killed.signal).toBe("SIGKILL");
    const stored = await storedCount(t);
    expect(stored).toBeGreaterThanOrEqual(16);
    expect(stored).toBeLessThan(40);
    const had = new Set(
      await t.db.many(
        dynamicQuery(
          "select r.prompt_index, c.name from generation_responses r join contender_versions v on v.id = r.contender_version_id join contenders c on c.id = v.contender_id where r.status = 'ok'",
          (r) => `${prompts[num(r.prompt_index)].prompt}|${str(r.name)}`,
        ),
      ),
    );
    expect(await t.db.first(dynamicQuery("select count(*) as n from items", (r) => num(r.n)))).toBe(0);

    server.reset();
    const second = await start(t, args).exited;
    expect(second.err).toBe("");
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toEqual({ prompts: 20, responses: 40, failed: [], items: 20 });
    // Exactly the missing responses were asked for, none of the stored ones.
    expect(server.totalRequests()).toBe(40 - stored);
    for (const s of server.served) expect(had.has(`${s.prompt}|${s.system!.replace("persona ", "")}`)).toBe(false);
    const items = await t.db.many(dynamicQuery("select c.content, c.model from candidates c", (r) => ({ content: str(r.content), model: str(r.model) })));
    expect(items).toHaveLength(40);
    for (const c of items) expect(prompts.some((p) => c.content === answerFor(`persona ${c.model}`, p.prompt))).toBe(true);

    // The kill and the resume were one run, not two.
    const runs = await t.db.many(dynamicQuery("select status from generation_runs", (r) => str(r.status)));
    expect(runs).toEqual(["done"]);
  });

  it("lists endpoints and contenders without the key, and refuses what it cannot run", async () => {
    const add = await start(t, ["endpoint", "add", "--name", "env-keyed", "--base-url", server.baseUrl, "--model", "m", "--api-key-env", "ARBITER_TEST_KEY", "--max-concurrency", "2", "--price-in", "0.5", "--json"]).exited;
    expect(add.code).toBe(0);
    const list = await start(t, ["endpoint", "list", "--json"]).exited;
    expect(JSON.parse(list.out).endpoints[0]).toMatchObject({ name: "env-keyed", api_key: "env:ARBITER_TEST_KEY", max_concurrency: 2, price_in: 0.5, price_out: null });
    const test = await start(t, ["endpoint", "test", "--name", "env-keyed"]).exited;
    expect(test.code).toBe(1);
    expect(test.err).toMatch(/ARBITER_TEST_KEY that holds its API key is not set/);
    const bad = await start(t, ["endpoint", "add", "--name", "x", "--base-url", server.baseUrl, "--model", "m", "--max-concurrency", "0"]).exited;
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--max-concurrency: must be at least 1/);
    const noFile = await start(t, ["generate", "--project", "p", "--prompts", path.join(dir, "missing.jsonl"), "--contenders", "a,b"]).exited;
    expect(noFile.code).toBe(1);
    expect(noFile.err).toMatch(/missing\.jsonl not found/);
  });
});
