// Adaptive pairing as a project setting, on both engines: under `contender_pairing: adaptive` the open
// generated items of the pair the judgments have not told apart get the top priority and are served
// first; recomputing is idempotent and leaves other items alone; judgments trigger it every N, after
// their commit; turning it off puts the generated items back; `generate` without a rule follows it.
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { num, str } from "@/db/engine";
import { claimNext } from "@/lib/services/assignment";
import { addContender } from "@/lib/services/contenders";
import { addEndpoint } from "@/lib/services/endpoints";
import { runGeneration, startGeneration } from "@/lib/services/generation";
import { importItems } from "@/lib/services/importer";
import { submitJudgment } from "@/lib/services/judgments";
import { judgmentsBetween, pairingSettled, reprioritiseItems, PAIRING_LEVELS } from "@/lib/services/pairing";
import { getProject, updateProject } from "@/lib/services/projects";
import { ENGINES, errorCodeAsync, jsonl, makeProject, makeUser, sql, tempDbOn, type TempDb } from "../helpers/db";
import { startModelServer, type ModelServer } from "../helpers/model-server";

const generated = (id: string, a: string, b: string, extra: Record<string, unknown> = {}) => ({
  id,
  prompt: `prompt ${id}`,
  responses: [a, b].map((c) => ({ content: `${c} answers ${id}`, model: c, metadata: { contender: c, contender_version: 1 } })),
  ...extra,
});

/**
 * Alpha beat beta and gamma 30 times each; beta and gamma split two. Then open items (no judgment
 * yet) of every pair, an imported item that is not generated (priority 2, inside adaptive serving's
 * band), a generated gold item (priority 3) and a generated item an admin held back (priority -1).
 */
function constructed(): string {
  const judged = [
    ...Array.from({ length: 30 }, (_, i) => generated(`ab${i}`, "alpha", "beta", { annotations: [{ annotator: "ada", choice: "A" }] })),
    ...Array.from({ length: 30 }, (_, i) => generated(`ag${i}`, "alpha", "gamma", { annotations: [{ annotator: "ada", choice: "A" }] })),
    generated("bg-a", "beta", "gamma", { annotations: [{ annotator: "ada", choice: "A" }] }),
    generated("bg-b", "beta", "gamma", { annotations: [{ annotator: "ada", choice: "B" }] }),
  ];
  const open = [
    ...Array.from({ length: 5 }, (_, i) => generated(`open-ab${i}`, "alpha", "beta")),
    ...Array.from({ length: 5 }, (_, i) => generated(`open-ag${i}`, "gamma", "alpha")),
    ...Array.from({ length: 5 }, (_, i) => generated(`open-bg${i}`, i % 2 ? "gamma" : "beta", i % 2 ? "beta" : "gamma")),
  ];
  const others = [
    { id: "imported", prompt: "not generated", responses: [{ content: "x", model: "m1" }, { content: "y", model: "m2" }], priority: 2 },
    generated("gold-bg", "beta", "gamma", { gold: { choice: "A" }, priority: 3 }),
    generated("held-bg", "beta", "gamma", { priority: -1 }),
  ];
  return jsonl([...judged, ...open, ...others]);
}

describe.each(ENGINES)("adaptive pairing on %s", (kind) => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(async () => {
    await pairingSettled(t.db);
    await t.close();
  });

  // Overlap 1: the judged items are finished, so only the open ones have seats.
  async function seeded(overlap = 1) {
    const project = await makeProject(t, { overlap });
    const text = constructed();
    expect(await importItems({ ctx: t.system, input: { slug: project.slug, source: () => Readable.from([text]) } })).toMatchObject({ inserted: 80, annotations: 62 });
    return project;
  }

  async function priorities(projectId: number): Promise<Record<string, number>> {
    const rows = await t.all(sql`select external_id, priority from items where project_id = ${projectId} order by external_id`);
    return Object.fromEntries(rows.map((r) => [str(r.external_id), num(r.priority)]));
  }

  async function reprioritisations(projectId: number): Promise<{ trigger: string; changed: number }[]> {
    const rows = await t.all(sql`select detail from audit_log where project_id = ${projectId} and action = 'items.reprioritise' order by id`);
    return rows.map((r) => {
      const detail = (typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail) as { trigger: string; changed: number };
      return { trigger: detail.trigger, changed: detail.changed };
    });
  }

  it("serves the open items of the undecided pair first once the setting is adaptive", async () => {
    const project = await seeded();
    const before = await priorities(project.id);
    expect((await updateProject({ ctx: t.system, input: { slug: project.slug, contenderPairing: "adaptive" } })).contenderPairing).toBe("adaptive");
    const after = await priorities(project.id);
    for (let i = 0; i < 5; i++) {
      expect(after[`open-bg${i}`]).toBe(PAIRING_LEVELS);
      // alpha's pairs are told apart: the lowest level.
      expect(after[`open-ab${i}`]).toBe(0);
      expect(after[`open-ag${i}`]).toBe(0);
    }
    // Finished items, the imported item, the gold item and the held-back item keep their priority.
    for (const id of Object.keys(before).filter((id) => !id.startsWith("open-"))) expect([id, after[id]]).toEqual([id, before[id]]);
    expect(after).toMatchObject({ imported: 2, "gold-bg": 3, "held-bg": -1 });
    expect(await reprioritisations(project.id)).toEqual([{ trigger: "setting", changed: 5 }]);

    // Five annotators each claim one item: all five are beta-vs-gamma items, in either candidate order.
    const served: string[] = [];
    for (let i = 0; i < 5; i++) {
      const claim = (await claimNext({ ctx: (await makeUser(t, "annotator")).ctx, input: { slug: project.slug } }))!;
      served.push(claim.item.candidates.map((c) => c.content.split(" ")[0]).sort().join("~"));
    }
    expect(served).toEqual(Array(5).fill("beta~gamma"));
  });

  it("recomputes idempotently, leaves pinned and non-generated items alone, and puts the items back when turned off", async () => {
    const project = await seeded();
    await updateProject({ ctx: t.system, input: { slug: project.slug, contenderPairing: "adaptive" } });
    const set = await priorities(project.id);
    const again = await reprioritiseItems({ ctx: t.system, input: { slug: project.slug } });
    expect(again).toMatchObject({ project: project.slug, open_items: 15, changed: 0, pinned: 1, levels: { [PAIRING_LEVELS]: 5, 0: 10 } });
    expect(again.pairs[0]).toMatchObject({ a: "beta@v1", b: "gamma@v1", level: PAIRING_LEVELS, open_items: 5 });
    expect(again.pairs[0].weight).toBeGreaterThan(0.9);
    expect(await priorities(project.id)).toEqual(set);

    // An admin moves an open beta-vs-gamma item into the band: the next recompute moves it back.
    await t.run(sql`update items set priority = 1 where external_id = 'open-bg0' and project_id = ${project.id}`);
    expect((await reprioritiseItems({ ctx: t.system, input: { slug: project.slug } })).changed).toBe(1);
    expect(await priorities(project.id)).toEqual(set);

    // Managers may not; an unknown project is not found.
    const manager = await makeUser(t, "manager");
    expect(await errorCodeAsync(() => reprioritiseItems({ ctx: manager.ctx, input: { slug: project.slug } }))).toBe("forbidden");
    expect(await errorCodeAsync(() => reprioritiseItems({ ctx: t.system, input: { slug: "nowhere" } }))).toBe("not_found");

    // Off: the generated items leave the band (back to 0); the others keep theirs.
    await updateProject({ ctx: t.system, input: { slug: project.slug, contenderPairing: "uniform" } });
    const off = await priorities(project.id);
    for (let i = 0; i < 5; i++) expect(off[`open-bg${i}`]).toBe(0);
    expect(off).toMatchObject({ imported: 2, "gold-bg": 3, "held-bg": -1 });
    expect(await errorCodeAsync(() => reprioritiseItems({ ctx: t.system, input: { slug: project.slug } }))).toBe("conflict");
  });

  it("changes nothing with the setting uniform, judgments or not", async () => {
    // Overlap 2: every item has a seat, so more judgments than make a recompute under adaptive pairing.
    const project = await seeded(2);
    expect((await getProject({ ctx: t.system, input: { slug: project.slug } })).contenderPairing).toBe("uniform");
    const before = await priorities(project.id);
    expect(await errorCodeAsync(() => reprioritiseItems({ ctx: t.system, input: { slug: project.slug } }))).toBe("conflict");
    for (let i = 0; i < judgmentsBetween(62) + 5; i++) {
      const who = await makeUser(t, "annotator");
      const claim = (await claimNext({ ctx: who.ctx, input: { slug: project.slug } }))!;
      await submitJudgment({ ctx: who.ctx, input: { assignment_id: claim.assignment.id, choice: "A" } });
    }
    await pairingSettled(t.db);
    expect(await priorities(project.id)).toEqual(before);
    expect(await reprioritisations(project.id)).toEqual([]);
  });

  it("recomputes after every N judgments, once their transactions committed", async () => {
    // 40 open beta-vs-gamma items and 40 open alpha-vs-beta ones, nothing judged: every pair alike.
    const project = await makeProject(t, { overlap: 1 });
    const text = jsonl([...Array.from({ length: 40 }, (_, i) => generated(`bg${i}`, "beta", "gamma")), ...Array.from({ length: 40 }, (_, i) => generated(`ab${i}`, "alpha", "beta"))]);
    await importItems({ ctx: t.system, input: { slug: project.slug, source: () => Readable.from([text]) } });
    await updateProject({ ctx: t.system, input: { slug: project.slug, contenderPairing: "adaptive" } });
    // No judgments yet: the first recompute comes after 20.
    const n = judgmentsBetween(0);
    expect(n).toBe(20);
    const start = (await reprioritisations(project.id)).length;
    expect(start).toBe(1);
    let judged = 0;
    // Every judgment says beta beats alpha, and beta and gamma split: alpha–beta gets decided.
    const judge = async () => {
      const who = await makeUser(t, "annotator");
      const claim = (await claimNext({ ctx: who.ctx, input: { slug: project.slug } }))!;
      const names = claim.item.candidates.map((c) => c.content.split(" ")[0]);
      const pick = names.includes("alpha") ? names.indexOf("beta") : judged++ % 2;
      await submitJudgment({ ctx: who.ctx, input: { assignment_id: claim.assignment.id, choice: claim.item.candidates[pick].slot as "A" | "B" } });
    };
    for (let i = 0; i < n - 1; i++) await judge();
    await pairingSettled(t.db);
    expect((await reprioritisations(project.id)).length).toBe(start);
    await judge();
    await pairingSettled(t.db);
    const log = await reprioritisations(project.id);
    expect(log.slice(start).map((e) => e.trigger)).toEqual(["judgments"]);
    // What the judgments left is what a recompute now sets: it changes nothing more.
    expect((await reprioritiseItems({ ctx: t.system, input: { slug: project.slug } })).changed).toBe(0);
  });
});

describe.each(ENGINES)("generate without a pairing rule on %s", (kind) => {
  let t: TempDb;
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ chunkDelayMs: 1 });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    t = await tempDbOn(kind);
    server.reset();
    await addEndpoint({ ctx: t.system, input: { name: "local", base_url: server.baseUrl, model: "test-model", max_concurrency: 4, timeout_s: 10 } });
    for (const name of ["alpha", "beta", "gamma"]) await addContender({ ctx: t.system, input: { name, endpoint: "local", system: `persona ${name}` } });
  });
  afterEach(async () => {
    await pairingSettled(t.db);
    await t.close();
  });

  const prompts = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i + 1}`, prompt: `${prefix} ${i + 1} asks something` }));

  it("follows the project's contender pairing, and serves a generation's new items by their pair's level", async () => {
    const uniform = await makeProject(t, { overlap: 1 });
    const { run: all } = await startGeneration({ ctx: t.system, input: { slug: uniform.slug, prompts: prompts(2, "u"), contenders: ["alpha", "beta", "gamma"] } });
    expect(all.pairs).toBe("all");
    expect((await runGeneration({ ctx: t.system, input: { id: all.id } })).items).toBe(6);
    expect(Object.values(await t.all(sql`select priority from items where project_id = ${uniform.id}`)).every((r) => num(r.priority) === 0)).toBe(true);

    const project = await makeProject(t, { overlap: 1 });
    await updateProject({ ctx: t.system, input: { slug: project.slug, contenderPairing: "adaptive" } });
    // The judged items of the first test: alpha is told apart, beta and gamma are not.
    const judged = jsonl([
      ...Array.from({ length: 30 }, (_, i) => generated(`ab${i}`, "alpha", "beta", { annotations: [{ annotator: "ada", choice: "A" }] })),
      ...Array.from({ length: 30 }, (_, i) => generated(`ag${i}`, "alpha", "gamma", { annotations: [{ annotator: "ada", choice: "A" }] })),
      generated("bg-a", "beta", "gamma", { annotations: [{ annotator: "ada", choice: "A" }] }),
      generated("bg-b", "beta", "gamma", { annotations: [{ annotator: "ada", choice: "B" }] }),
    ]);
    await importItems({ ctx: t.system, input: { slug: project.slug, source: () => Readable.from([judged]) } });
    const { run } = await startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: prompts(20, "a"), contenders: ["alpha", "beta", "gamma"] } });
    expect(run.pairs).toBe("adaptive:1");
    expect((await runGeneration({ ctx: t.system, input: { id: run.id } })).items).toBe(20);
    const rows = await t.all(sql`select i.priority, (select count(*) from candidates c where c.item_id = i.id and c.model = 'alpha') as alpha
      from items i where i.project_id = ${project.id} and i.external_id like 'gen-%'`);
    const bg = rows.filter((r) => num(r.alpha) === 0);
    expect(bg.length).toBeGreaterThanOrEqual(15);
    for (const r of rows) expect(num(r.priority)).toBe(num(r.alpha) === 0 ? PAIRING_LEVELS : 0);
    // An explicit rule still wins over the setting.
    const { run: explicit } = await startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: prompts(1, "x"), contenders: ["alpha", "beta"], pairs: "all" } });
    expect(explicit.pairs).toBe("all");
  });
});
