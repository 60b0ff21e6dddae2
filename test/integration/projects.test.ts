// The projects service on every engine: creating a project, who finds it (status, visibility,
// membership), the project lists with progress and "finished", every setting written and read back
// (nulls, booleans, JSON), the refusals, re-tagging items from a metadata key with the project's tag
// keys kept, the admin checklist; and the health check and the benchmark's scratch insert.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, defineQuery, jsonOrNull, num, str, strOrNull, jsonText } from "@/db/engine";
import type { ProjectJudgmentSchema } from "@/lib/formats/judgment";
import { insertBenchRow } from "@/lib/services/bench";
import { checkDatabase } from "@/lib/services/health";
import {
  createProject,
  getProject,
  getWorkProject,
  hasWorkLeft,
  isMember,
  listAllProjects,
  listProjects,
  projectChecklist,
  projectProgress,
  updateProject,
} from "@/lib/services/projects";
import { countRowsAsync, ENGINES, errorCodeAsync, makeProject, tempDbOn, type TempDb } from "../helpers/db";
import { insertCandidate, insertItem, insertJudgment, insertUser } from "../helpers/rows";

const SET_ITEM = defineQuery("test.projects.setItem", "update items set judgment_count = ?, judgment_target = ?, extra_overlap = ? where id = ?");
const MEMBER = defineQuery("test.projects.member", "insert into project_members (project_id, user_id) values (?, ?)");
const SKIPPED = defineQuery(
  "test.projects.skipped",
  "insert into assignments (project_id, item_id, user_id, status, slot_order, leased_at, expires_at, closed_at) values (?, ?, ?, 'skipped', ?, ?, ?, ?)",
);
const ITEM_TAGS = defineQuery("test.projects.itemTags", "select external_id, tags, tag_key from items where project_id = ? order by id", (r) => ({
  e: str(r.external_id),
  tags: jsonOrNull<string[]>(r.tags),
  key: str(r.tag_key),
}));
const AUDIT = defineQuery("test.projects.audit", "select action, detail from audit_log where project_id = ? order by id", (r) => ({
  action: str(r.action),
  detail: jsonOrNull<Record<string, unknown>>(r.detail),
}));
const TAGS_FROM = defineQuery("test.projects.tagsFrom", "select tags_from from projects where id = ?", (r) => strOrNull(r.tags_from));
const BENCH_ROWS = defineQuery("test.projects.benchRows", "select count(*) as n from bench_rows", (r) => num(r.n));

describe.each(ENGINES)("projects on %s", (kind) => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  /** n items of two candidates each (judgment counts as given), their ids. */
  async function items(projectId: number, n: number, extra: { metadata?: (i: number) => Record<string, unknown> | null; gold?: (i: number) => boolean } = {}) {
    const ids: number[] = [];
    for (let i = 1; i <= n; i++) {
      const id = await insertItem(t.db, { projectId, externalId: `item-${i}`, prompt: `Prompt ${i}`, metadata: extra.metadata?.(i) ?? null, gold: extra.gold?.(i) ? { choice: "A" } : null });
      await insertCandidate(t.db, { itemId: id, position: 0, content: `a ${i}` });
      await insertCandidate(t.db, { itemId: id, position: 1, content: `b ${i}` });
      ids.push(id);
    }
    return ids;
  }

  describe("creating and finding a project", () => {
    it("creates a draft unless asked, refuses a taken slug, and records the creation", async () => {
      const admin = await insertUser(t, "admin");
      const schema = { type: "rating", criteria: [{ key: "helpful", label: "Helpful", min: 1, max: 5 }] } as unknown as ProjectJudgmentSchema;
      const draft = await createProject({ ctx: admin.ctx, input: { slug: "fresh", name: "Fresh", judgmentSchema: schema } });
      expect(draft).toMatchObject({ slug: "fresh", name: "Fresh", status: "draft", overlap: 3, leaseMinutes: 30, guidelines: "", visibility: "everyone", tagKeys: [], allowRemoteImages: false, trainingMode: false });
      expect(draft.judgmentSchema).toMatchObject({ type: "rating", criteria: [{ key: "helpful" }] });
      expect(typeof draft.createdAt).toBe("number");
      expect(await getProject({ ctx: admin.ctx, input: { slug: "fresh" } })).toEqual(draft);
      expect((await createProject({ ctx: admin.ctx, input: { slug: "live", name: "Live", status: "active", overlap: 2 } })).status).toBe("active");
      expect(await errorCodeAsync(() => createProject({ ctx: admin.ctx, input: { slug: "fresh", name: "Again" } }))).toBe("conflict");
      expect(await errorCodeAsync(() => createProject({ ctx: admin.ctx, input: { slug: "Not A Slug", name: "x" } }))).toBe("bad_request");
      expect(await errorCodeAsync(async () => createProject({ ctx: (await insertUser(t, "annotator")).ctx, input: { slug: "mine", name: "x" } }))).toBe("forbidden");
      expect(await countRowsAsync(t, "projects")).toBe(2);
      expect(await t.db.many(AUDIT, [draft.id])).toEqual([{ action: "project.create", detail: { slug: "fresh" } }]);
      expect(await errorCodeAsync(() => getProject({ ctx: admin.ctx, input: { slug: "nope" } }))).toBe("not_found");
    });

    it("shows annotators only active or paused projects open to them", async () => {
      const ann = await insertUser(t, "annotator");
      const manager = await insertUser(t, "manager");
      const draft = await makeProject(t, { slug: "draft", status: "draft" });
      const open = await makeProject(t, { slug: "open" });
      const closed = await makeProject(t, { slug: "closed" });
      await updateProject({ ctx: t.system, input: { slug: "closed", visibility: "members" } });
      const find = (slug: string, ctx = ann.ctx) => errorCodeAsync(() => getWorkProject({ ctx, input: { slug } }));
      expect([await find("draft"), await find("open"), await find("closed")]).toEqual(["not_found", undefined, "not_found"]);
      expect([await find("draft", manager.ctx), await find("closed", manager.ctx)]).toEqual([undefined, undefined]);
      expect([await isMember(t.system, open.id, ann.caller.userId), await isMember(t.system, closed.id, ann.caller.userId)]).toEqual([true, false]);
      await t.db.exec(MEMBER, [closed.id, ann.caller.userId]);
      expect(await isMember(t.system, closed.id, ann.caller.userId)).toBe(true);
      expect((await getWorkProject({ ctx: ann.ctx, input: { slug: "closed" } })).id).toBe(closed.id);
      await updateProject({ ctx: t.system, input: { slug: "closed", status: "paused" } });
      expect(await find("closed")).toBeUndefined();
      await updateProject({ ctx: t.system, input: { slug: "closed", status: "archived" } });
      expect(await find("closed")).toBe("not_found");
      expect(await isMember(t.system, draft.id + 1000, ann.caller.userId)).toBe(false);
    });
  });

  describe("progress and the project lists", () => {
    it("counts items, judgments and complete items, with adaptive targets and extra overlap", async () => {
      const p = await makeProject(t, { overlap: 2 });
      const [a, b, c, d] = await items(p.id, 4);
      await t.db.exec(SET_ITEM, [2, null, 0, a]); // complete: 2 of the overlap's 2
      await t.db.exec(SET_ITEM, [2, null, 1, b]); // sent back: wants 3
      await t.db.exec(SET_ITEM, [1, 1, 0, c]); // an adaptive target of 1, met
      await t.db.exec(SET_ITEM, [0, null, 0, d]);
      expect(await projectProgress(t.system, p)).toEqual({ items: 4, judgments: 5, completeItems: 2 });
      const empty = await makeProject(t);
      expect(await projectProgress(t.system, empty)).toEqual({ items: 0, judgments: 0, completeItems: 0 });
      const all = await listAllProjects({ ctx: t.system });
      expect(all.map((x) => [x.project.slug, x.progress.completeItems])).toEqual([
        [p.slug, 2],
        [empty.slug, 0],
      ]);
      expect(await errorCodeAsync(async () => listAllProjects({ ctx: (await insertUser(t, "annotator")).ctx }))).toBe("forbidden");
    });

    it("lists an annotator's projects with what they did and whether anything is left for them", async () => {
      const me = await insertUser(t, "annotator");
      const other = await insertUser(t, "annotator");
      const p = await makeProject(t, { slug: "f", overlap: 1 });
      await makeProject(t, { slug: "hidden", status: "draft" });
      const [one, two, three] = await items(p.id, 3);
      const mine = async (ctx = me.ctx) => (await listProjects({ ctx })).map(({ slug, mine, finished, progress }) => ({ slug, mine, finished, items: progress.items }));
      expect(await mine()).toEqual([{ slug: "f", mine: 0, finished: false, items: 3 }]);
      const judged = async (itemId: number, userId: number) => {
        await insertJudgment(t.db, { projectId: p.id, itemId, userId, choice: "A", slotOrder: [], createdAt: Date.UTC(2026, 0, 5) });
        await t.db.exec(SET_ITEM, [1, null, 0, itemId]);
      };
      await judged(one, me.caller.userId);
      await judged(two, other.caller.userId);
      expect(await mine()).toEqual([{ slug: "f", mine: 1, finished: false, items: 3 }]);
      expect(await hasWorkLeft(t.system, p, me.caller.userId)).toBe(true);
      // The one item left was skipped by me, so nothing is left for me; the other annotator still has it.
      const now = Date.UTC(2026, 0, 5);
      await t.db.exec(SKIPPED, [p.id, three, me.caller.userId, jsonText([]), at(now), at(now + 60_000), at(now)]);
      expect(await mine()).toEqual([{ slug: "f", mine: 1, finished: true, items: 3 }]);
      expect(await hasWorkLeft(t.system, p, me.caller.userId)).toBe(false);
      expect(await mine(other.ctx)).toEqual([{ slug: "f", mine: 1, finished: false, items: 3 }]);
      await updateProject({ ctx: t.system, input: { slug: "f", quota: 1 } });
      expect(await mine(other.ctx)).toEqual([{ slug: "f", mine: 1, finished: true, items: 3 }]);
      // Managers see every project; a members-only project is listed to its members only.
      const manager = await insertUser(t, "manager");
      expect((await listProjects({ ctx: manager.ctx })).map((x) => x.slug)).toEqual(["f", "hidden"]);
      await updateProject({ ctx: t.system, input: { slug: "f", visibility: "members" } });
      expect(await mine()).toEqual([]);
      await t.db.exec(MEMBER, [p.id, me.caller.userId]);
      expect((await mine()).map((x) => x.slug)).toEqual(["f"]);
    });
  });

  describe("settings", () => {
    it("writes every setting and reads it back, nulls, booleans and the judgment schema included", async () => {
      const p = await makeProject(t, { status: "draft" });
      const schema = { type: "ranking", flags: [{ key: "unsafe", label: "Unsafe" }] } as unknown as ProjectJudgmentSchema;
      const updated = await updateProject({
        ctx: t.system,
        input: {
          slug: p.slug,
          name: "Renamed",
          guidelines: "Be kind.",
          status: "paused",
          visibility: "members",
          orderPolicy: "random",
          overlap: 4,
          leaseMinutes: 45,
          routing: "preferred",
          quota: 7,
          goldRate: 0.25,
          minGoldAccuracy: 0.6,
          minGoldAfter: 3,
          agreementThreshold: 0.7,
          qualificationAccuracy: 0.9,
          trainingMode: "yes",
          allowRemoteImages: true,
          timeCapSeconds: 120,
          judgmentSchema: schema,
        },
      });
      const expected = {
        id: p.id,
        slug: p.slug,
        name: "Renamed",
        guidelines: "Be kind.",
        status: "paused",
        visibility: "members",
        orderPolicy: "random",
        overlap: 4,
        leaseMinutes: 45,
        routing: "preferred",
        quota: 7,
        goldRate: 0.25,
        minGoldAccuracy: 0.6,
        minGoldAfter: 3,
        agreementThreshold: 0.7,
        qualificationItems: null,
        qualificationAccuracy: 0.9,
        trainingMode: true,
        allowRemoteImages: true,
        timeCapSeconds: 120,
        minJudgments: null,
        maxJudgments: null,
        stopAgreement: null,
        tagsFrom: null,
        tagKeys: [],
        createdAt: p.createdAt,
      };
      expect(updated).toMatchObject(expected);
      expect(updated.judgmentSchema).toMatchObject({ type: "ranking", flags: [{ key: "unsafe" }] });
      expect(await getProject({ ctx: t.system, input: { slug: p.slug } })).toEqual(updated);
      const cleared = await updateProject({ ctx: t.system, input: { slug: p.slug, quota: null, minGoldAccuracy: null, minGoldAfter: null, agreementThreshold: null, trainingMode: "no", judgmentSchema: null } });
      expect(cleared).toMatchObject({ quota: null, minGoldAccuracy: null, minGoldAfter: null, agreementThreshold: null, trainingMode: false, judgmentSchema: null, allowRemoteImages: true, name: "Renamed" });
      // Nothing to change: the project as it is, and no audit row.
      expect(await updateProject({ ctx: t.system, input: { slug: p.slug } })).toEqual(cleared);
      const audits = await t.db.many(AUDIT, [p.id]);
      expect(audits.map((a) => a.action)).toEqual(["project.create", "project.update", "project.update"]);
      expect(audits[2].detail).toEqual({ slug: p.slug, changes: { quota: null, minGoldAccuracy: null, minGoldAfter: null, agreementThreshold: null, trainingMode: false, judgmentSchema: null } });
    });

    it("refuses settings that do not hold together, naming the field, and changes nothing", async () => {
      const p = await makeProject(t, { status: "draft" });
      await items(p.id, 2, { gold: (i) => i === 1 });
      const refusal = async (input: Record<string, unknown>) => {
        try {
          await updateProject({ ctx: t.system, input: { slug: p.slug, ...input } });
        } catch (e) {
          return { code: (e as { code?: string }).code, message: (e as Error).message, fields: (e as { fields?: Record<string, string> }).fields };
        }
        return undefined;
      };
      expect((await refusal({ goldRate: 2 }))?.message).toMatch(/goldRate: must be between 0 and 1/);
      expect((await refusal({ minGoldAccuracy: 0.8 }))?.message).toMatch(/minGoldAfter/);
      expect((await refusal({ minJudgments: 2 }))?.fields).toEqual({ maxJudgments: expect.stringContaining("required") });
      // One gold item: a qualification of two is refused when the project is activated.
      expect(await refusal({ qualificationItems: 2 })).toBeUndefined();
      expect(await refusal({ status: "active" })).toMatchObject({ code: "bad_request", fields: { qualificationItems: "more than the project's 1 gold item(s)" } });
      expect(await refusal({ qualificationItems: 1, status: "active" })).toBeUndefined();
      expect(await refusal({ judgmentSchema: { type: "ranking" } })).toMatchObject({ fields: { qualificationItems: "needs a pairwise judgment schema" } });
      expect((await refusal({ quota: 1, slug: "nope" }))?.code).toBe("not_found");
      expect(await errorCodeAsync(async () => updateProject({ ctx: (await insertUser(t, "annotator")).ctx, input: { slug: p.slug, quota: 1 } }))).toBe("forbidden");
      expect(await getProject({ ctx: t.system, input: { slug: p.slug } })).toMatchObject({ status: "active", qualificationItems: 1, goldRate: 0, judgmentSchema: null });
    });

    it("re-tags the items that have the tagsFrom key, keeps the project's tag keys, and refuses a bad value naming the item", async () => {
      const p = await makeProject(t);
      const topics: Record<number, unknown> = { 1: "medical;law", 2: ["code"], 4: "code" };
      await items(p.id, 4, { metadata: (i) => (i === 3 ? { other: "x" } : { topic: topics[i] }) });
      const updated = await updateProject({ ctx: t.system, input: { slug: p.slug, tagsFrom: "topic" } });
      expect(await t.db.many(ITEM_TAGS, [p.id])).toEqual([
        { e: "item-1", tags: ["law", "medical"], key: "law|medical" },
        { e: "item-2", tags: ["code"], key: "code" },
        { e: "item-3", tags: null, key: "" },
        { e: "item-4", tags: ["code"], key: "code" },
      ]);
      expect(updated).toMatchObject({ tagsFrom: "topic", tagKeys: ["code", "law|medical"] });
      expect((await t.db.many(AUDIT, [p.id])).at(-1)?.detail).toEqual({ slug: p.slug, changes: { tagsFrom: "topic" }, retagged: 3 });

      const bad = await makeProject(t);
      await items(bad.id, 1, { metadata: () => ({ lang: "English (US)" }) });
      const [item] = await t.db.many(ITEM_TAGS, [bad.id]);
      await expect(updateProject({ ctx: t.system, input: { slug: bad.slug, tagsFrom: "lang" } })).rejects.toThrow(/^tagsFrom: item "item-1" \(id \d+\): metadata.lang: "English \(US\)" is not a valid tag/);
      expect(await t.db.first(TAGS_FROM, [bad.id])).toBeNull();
      expect(await t.db.many(ITEM_TAGS, [bad.id])).toEqual([item]);
    });
  });

  it("has a checklist of what a project still lacks", async () => {
    const admin = await insertUser(t, "admin");
    const annotator = await insertUser(t, "annotator");
    const p = await createProject({ ctx: admin.ctx, input: { slug: "todo", name: "To do" } });
    expect(await projectChecklist({ ctx: admin.ctx, input: { slug: "todo" } })).toEqual({ status: "draft", items: 0, guidelines: false, judgmentSchema: false, visibility: "everyone", members: 0 });
    await items(p.id, 2);
    await updateProject({ ctx: t.system, input: { slug: "todo", guidelines: "Be kind.", judgmentSchema: { strength: true } as never, visibility: "members" } });
    await t.db.exec(MEMBER, [p.id, annotator.caller.userId]);
    expect(await projectChecklist({ ctx: admin.ctx, input: { slug: "todo" } })).toEqual({ status: "draft", items: 2, guidelines: true, judgmentSchema: true, visibility: "members", members: 1 });
    await expect(projectChecklist({ ctx: annotator.ctx, input: { slug: "todo" } })).rejects.toThrow(/does not allow project:write/);
  });

  it("answers the health check and inserts the benchmark's scratch rows", async () => {
    expect(await checkDatabase({ ctx: t.system })).toEqual({ ok: true });
    const first = await insertBenchRow({ ctx: t.system });
    const second = await insertBenchRow({ ctx: t.system });
    expect(second.id).toBeGreaterThan(first.id);
    expect(await t.db.first(BENCH_ROWS)).toBe(2);
  });
});
