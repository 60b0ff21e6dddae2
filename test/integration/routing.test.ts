// Routing by skill: annotators' skills, items' tags and the project's routing rule (open, required,
// preferred), and the annotator's narrowing of their own stream (setting skills and the CSV import of
// users are in users.test.ts). The claims run through the real claim path on a real SQLite file; the
// exactness case in 32 processes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimNext } from "@/lib/services/assignment";
import { submitJudgment } from "@/lib/services/judgments";
import { updateProject } from "@/lib/services/projects";
import { setSkills } from "@/lib/services/users";
import { AppError } from "@/lib/services/errors";
import { main } from "@/lib/cli/main";
import { countRowsAsync, errorCode, errorCodeAsync, importText, jsonl, makeProject, makeUser, pairRecord, ENGINES, tempDbOn, type TempDb, fragment, sql } from "../helpers/db";
import { runWorkerProcess } from "../helpers/worker-process";

let t: TempDb;

function runWorker(args: string[]): Promise<{ judged: number; skipped: number }> {
  return runWorkerProcess("test/helpers/annotator-worker.ts", args);
}

/** A project created and then set as given, `active` explicitly (new projects may start as drafts). */
async function project(settings: { overlap?: number } & Omit<Parameters<typeof updateProject>[0]["input"], "slug">) {
  const { overlap, ...rest } = settings;
  const p = await makeProject(t, overlap ? { overlap } : {});
  return await updateProject({ ctx: t.system, input: { slug: p.slug, status: "active", ...rest } });
}

/** An annotator with the given skills. */
async function annotator(skills: string[]) {
  const u = await makeUser(t, "annotator");
  if (skills.length) await setSkills({ ctx: t.system, input: { email: u.caller.email, set: skills } });
  return u;
}

async function judge(u: Awaited<ReturnType<typeof annotator>>, slug: string, skills?: string[]): Promise<number | null> {
  const claimed = await claimNext({ ctx: u.ctx, input: { slug, skills } });
  if (!claimed) return null;
  await submitJudgment({ ctx: u.ctx, input: { assignment_id: claimed.assignment.id, choice: "A", client_id: `c-${claimed.assignment.id}` } });
  return claimed.item.id;
}

/** The item's stored tags (a JSON array on both engines), parsed; null when it has none. */
const tagsOf = async (itemId: number) => parsed((await t.one<{ tags: string | null }>(sql`select tags from items where id = ${itemId}`)).tags);
const parsed = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

describe.each(ENGINES)("routing on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("routing exactness under concurrency", () => {
    it("32 annotators with different skills, some narrowing: nobody gets an item without all its tags, none past overlap", async () => {
      const OVERLAP = 3;
      const TAG_SETS = [[], ["code"], ["medical"], ["code", "lang:de"], ["lang:fr"], ["lang:de", "medical"], ["law"]];
      const p = await project({ overlap: OVERLAP, status: "active" });
      await importText(t, p.slug, jsonl(Array.from({ length: 140 }, (_, i) => pairRecord(i, TAG_SETS[i % TAG_SETS.length].length ? { tags: TAG_SETS[i % TAG_SETS.length] } : {}))));
      await updateProject({ ctx: t.system, input: { slug: p.slug, routing: "required" } });
      const SKILL_SETS = [[], ["code"], ["medical"], ["code", "lang:de"], ["lang:de", "medical"], ["code", "lang:fr", "medical"], ["lang:fr"], ["code", "lang:de", "lang:fr", "medical"]];
      const people = [];
      for (let i = 0; i < 32; i++) people.push({ user: await annotator(SKILL_SETS[i % SKILL_SETS.length]), skills: SKILL_SETS[i % SKILL_SETS.length], narrow: i % 4 === 3 && SKILL_SETS[i % SKILL_SETS.length].length ? [SKILL_SETS[i % SKILL_SETS.length][0]] : null });
      const results = await Promise.all(
        people.map((a, i) => runWorker([t.file, String(a.user.caller.userId), a.user.caller.email, p.slug, i % 3 === 0 ? "5" : "0", a.narrow?.join(",") ?? ""])),
      );
      const rows = await t.all<{ itemId: number; userId: number; tags: string | null }>(sql`select j.item_id as "itemId", j.user_id as "userId", i.tags from judgments j join items i on i.id = j.item_id`);
      expect(rows.length).toBe(results.reduce((s, r) => s + r.judged, 0));
      const byUser = new Map(people.map((a) => [a.user.caller.userId, a]));
      for (const row of rows) {
        const tags = row.tags ? (JSON.parse(row.tags) as string[]) : [];
        const who = byUser.get(row.userId)!;
        // Every judgment was made by someone holding all of the item's tags…
        expect(tags.filter((tag) => !who.skills.includes(tag)), `item ${row.itemId} judged by ${who.user.caller.email}`).toEqual([]);
        // …and a narrowed annotator only judged items sharing a tag with their choice.
        if (who.narrow) expect(tags.some((tag) => who.narrow!.includes(tag))).toBe(true);
      }
      // No item past its overlap, no annotator twice on one item, the counter right.
      expect(await t.all(sql`select item_id from judgments group by item_id having count(*) > ${OVERLAP}`)).toEqual([]);
      expect(await t.all(sql`select item_id, user_id from judgments group by item_id, user_id having count(*) > 1`)).toEqual([]);
      expect(await t.all(sql`select i.id from items i where i.judgment_count <> (select count(*) from judgments j where j.item_id = i.id)`)).toEqual([]);
      // Items whose tags enough annotators hold were finished; `law` items, which nobody holds, were never served.
      const unfinished = (await t.all<{ tags: string | null }>(sql`select tags from items where judgment_count < ${OVERLAP} group by tags`)).map((r) => parsed(r.tags));
      expect(unfinished).toEqual([["law"]]);
      expect((await t.one<{ n: number }>(sql`select count(*) as n from assignments a join items i on i.id = a.item_id where i.tags = '["law"]'`)).n).toBe(0);
      expect(results.filter((r) => r.judged > 0).length).toBeGreaterThan(8);
    }, 240_000);
  });

  describe("routing rules", () => {
    it("required: untagged items go to everyone, tagged ones only to annotators holding all their tags", async () => {
      const p = await project({ overlap: 1, status: "active", orderPolicy: "import" });
      await importText(t, p.slug, jsonl([pairRecord(1, { tags: ["code", "lang:de"] }), pairRecord(2), pairRecord(3, { tags: ["code"] })]));
      await updateProject({ ctx: t.system, input: { slug: p.slug, routing: "required" } });
      const coder = await annotator(["code"]);
      const nobody = await annotator([]);
      // The coder lacks lang:de: item 1 is skipped over, item 3 (code) is theirs after the untagged item 2.
      const first = (await judge(coder, p.slug))!;
      expect(await tagsOf(first)).toBeNull();
      expect(await tagsOf((await judge(coder, p.slug))!)).toEqual(["code"]);
      expect(await judge(coder, p.slug)).toBeNull();
      expect(await judge(nobody, p.slug)).toBeNull(); // only item 1 is left, and it needs code and lang:de
      const german = await annotator(["code", "lang:de"]);
      expect(await tagsOf((await judge(german, p.slug))!)).toEqual(["code", "lang:de"]);
    });

    it("open serves tagged items to anyone, as before", async () => {
      const p = await project({ overlap: 1, status: "active", orderPolicy: "import" });
      await importText(t, p.slug, jsonl([pairRecord(1, { tags: ["medical"] })]));
      expect(await tagsOf((await judge((await annotator([])), p.slug))!)).toEqual(["medical"]);
    });

    it("preferred: matching items first, in the project's order, then the rest; others get the rest first", async () => {
      const p = await project({ overlap: 2, status: "active", orderPolicy: "import" });
      // Import order puts the untagged and the medical items before the code ones.
      await importText(
        t,
        p.slug,
        jsonl([pairRecord(1), pairRecord(2, { tags: ["medical"] }), pairRecord(3), pairRecord(4, { tags: ["code"] }), pairRecord(5, { tags: ["code"] }), pairRecord(6, { tags: ["code", "medical"] })]),
      );
      await updateProject({ ctx: t.system, input: { slug: p.slug, routing: "preferred" } });
      const externalIdOf = async (id: number) => (await t.one<{ e: string }>(sql`select external_id as e from items where id = ${id}`)).e;
      const order = async (u: Awaited<ReturnType<typeof annotator>>) => {
        const seen: string[] = [];
        for (let id = await judge(u, p.slug); id != null; id = await judge(u, p.slug)) seen.push(await externalIdOf(id));
        return seen;
      };
      expect(await order(await annotator(["code"]))).toEqual(["item-4", "item-5", "item-1", "item-2", "item-3", "item-6"]);
      expect(await order(await annotator(["code", "medical"]))).toEqual(["item-2", "item-4", "item-5", "item-6", "item-1", "item-3"]);
      // Both seats of every item are taken now.
      expect(await order(await annotator([]))).toEqual([]);
    });

    it("preferred with finish-first keeps the order among matching items: most judgments first", async () => {
      const p = await project({ overlap: 3, status: "active", orderPolicy: "finish_first" });
      await importText(t, p.slug, jsonl([pairRecord(1, { tags: ["code"] }), pairRecord(2, { tags: ["lang:de"] }), pairRecord(3, { tags: ["code"] }), pairRecord(4)]));
      await updateProject({ ctx: t.system, input: { slug: p.slug, routing: "preferred" } });
      const ids = (await t.all<{ id: number }>(sql`select id from items order by id`)).map((r) => r.id);
      // Someone without skills matches nothing, so they get plain finish-first order: item 1.
      const plain = await annotator([]);
      expect(await judge(plain, p.slug)).toBe(ids[0]);
      // Now item 1 leads among the code items (one judgment); then item 3; only then untagged and lang:de items.
      const coder = await annotator(["code"]);
      expect(await judge(coder, p.slug)).toBe(ids[0]);
      expect(await judge(coder, p.slug)).toBe(ids[2]);
      expect(await judge(coder, p.slug)).toBe(ids[1]);
    });

    it("answers 204 at once for an annotator whose skills match none of 100,000 waiting items", async () => {
      const p = await project({ overlap: 3, status: "active" });
      // 100,000 items for German speakers, one untagged item already finished.
      // JSON literals typed as the engine's JSON type (jsonb on PostgreSQL, which text does not turn into when selected).
      const json = (literal: string) => fragment((d) => (d.kind === "postgres" ? `${literal}::jsonb` : literal));
      await t.run(sql`
        insert into items (project_id, external_id, prompt, tags, tag_key, created_at)
        with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000)
        select ${p.id}, 'de-' || i, ${json(`'"Frage?"'`)}, ${json(`'["lang:de"]'`)}, 'lang:de', ${fragment((d) => d.now)} from n`);
      await t.run(sql`insert into items (project_id, external_id, prompt, judgment_count, created_at) values (${p.id}, 'done', '"Q"', 3, ${fragment((d) => d.now)})`);
      await t.run(sql`update projects set tag_keys = '["lang:de"]' where id = ${p.id}`);
      await updateProject({ ctx: t.system, input: { slug: p.slug, routing: "required" } });
      for (const order of ["finish_first", "import", "random"] as const) {
        await updateProject({ ctx: t.system, input: { slug: p.slug, orderPolicy: order } });
        expect(await claimNext({ ctx: (await annotator(["code", "lang:fr"])).ctx, input: { slug: p.slug } })).toBeNull();
        expect(await claimNext({ ctx: (await annotator([])).ctx, input: { slug: p.slug } })).toBeNull();
        const claimed = await claimNext({ ctx: (await annotator(["lang:de"])).ctx, input: { slug: p.slug } });
        expect(await tagsOf(claimed!.item.id)).toEqual(["lang:de"]);
      }
      // Preferred serves them to anyone once nothing matches.
      await updateProject({ ctx: t.system, input: { slug: p.slug, routing: "preferred" } });
      expect(await tagsOf((await claimNext({ ctx: (await annotator(["code"])).ctx, input: { slug: p.slug } }))!.item.id)).toEqual(["lang:de"]);
    });
  });

  describe("narrowing a stream to some of one's skills", () => {
    it("serves only items sharing a tag with the chosen skills, releases a held lease outside them, refuses a skill not held", async () => {
      const p = await project({ overlap: 1, status: "active", orderPolicy: "import" });
      await importText(t, p.slug, jsonl([pairRecord(1), pairRecord(2, { tags: ["medical"] }), pairRecord(3, { tags: ["code"] }), pairRecord(4, { tags: ["code", "medical"] })]));
      const u = await annotator(["code", "medical"]);
      // Open project: a plain claim takes the untagged item 1 first; narrowed to code, the lease on item 1 is let go.
      const plain = (await claimNext({ ctx: u.ctx, input: { slug: p.slug } }))!;
      expect(await tagsOf(plain.item.id)).toBeNull();
      const narrowed = (await claimNext({ ctx: u.ctx, input: { slug: p.slug, skills: ["code"] } }))!;
      expect(await tagsOf(narrowed.item.id)).toEqual(["code"]);
      expect((await t.one<{ expires: number }>(sql`select expires_at as expires from assignments where id = ${plain.assignment.id}`)).expires).toBeLessThanOrEqual(Date.now());
      await submitJudgment({ ctx: u.ctx, input: { assignment_id: narrowed.assignment.id, choice: "A", client_id: "n1" } });
      expect(await tagsOf((await judge(u, p.slug, ["code"]))!)).toEqual(["code", "medical"]);
      expect(await judge(u, p.slug, ["code"])).toBeNull();
      // Someone else may take item 1 at once: its seat was freed.
      expect(await tagsOf((await judge((await annotator([])), p.slug))!)).toBeNull();
      const refused = await (async () => {
        try {
          await claimNext({ ctx: u.ctx, input: { slug: p.slug, skills: ["law"] } });
        } catch (e) {
          return e as AppError;
        }
      })();
      expect(refused?.code).toBe("bad_request");
      expect(refused?.message).toBe('You do not hold the skill "law"; choose among code, medical.');
      expect(await errorCodeAsync(() => claimNext({ ctx: u.ctx, input: { slug: p.slug, skills: ["Not A Tag"] } }))).toBe("bad_request");
    });
  });

  describe("item tags at import and from a metadata key", () => {
    it("stores the normalised tags and the tag key, and takes them from the project's tagsFrom key", async () => {
      const p = await project({ status: "active" });
      await importText(t, p.slug, jsonl([pairRecord(1, { tags: ["Code", "lang:de", "code"] }), pairRecord(2, { metadata: { topic: "medical;law" } })]));
      const rows = async () =>
        (await t.all<{ e: string; tags: string | null; key: string }>(sql`select external_id as e, tags, tag_key as key from items order by id`)).map((r) => ({ ...r, tags: parsed(r.tags) }));
      expect(await rows()).toEqual([
        { e: "item-1", tags: ["code", "lang:de"], key: "code|lang:de" },
        { e: "item-2", tags: null, key: "" },
      ]);
      // Setting tagsFrom re-tags the items that have the key; new imports take their tags from it too.
      await updateProject({ ctx: t.system, input: { slug: p.slug, tagsFrom: "topic" } });
      expect((await rows())[1]).toEqual({ e: "item-2", tags: ["law", "medical"], key: "law|medical" });
      await importText(t, p.slug, jsonl([pairRecord(3, { metadata: { topic: ["code"] } })]));
      expect((await rows())[2]).toEqual({ e: "item-3", tags: ["code"], key: "code" });
      // The project keeps its tag keys for routed claims.
      expect(parsed((await t.one<{ keys: string }>(sql`select tag_keys as keys from projects where id = ${p.id}`)).keys)).toEqual(["code", "code|lang:de", "law|medical"]);
      // A bad value is that row's error (naming the line and the key), and the file writes nothing.
      const summary = await importText(t, p.slug, jsonl([pairRecord(4), pairRecord(5, { metadata: { topic: "deep learning" } })]));
      expect(summary.rejected).toBe(true);
      expect(summary.errors).toEqual([{ line: 2, field: "metadata.topic", message: 'metadata.topic: "deep learning" is not a valid tag: use lowercase letters, digits and : - _ . (1–40 characters)' }]);
      expect(await countRowsAsync(t, "items")).toBe(3);
    });

    it("refuses a tagsFrom key whose values are not tags, naming the item", async () => {
      const p = await project({ status: "active" });
      await importText(t, p.slug, jsonl([pairRecord(1, { metadata: { lang: "English (US)" } })]));
      await expect(updateProject({ ctx: t.system, input: { slug: p.slug, tagsFrom: "lang" } })).rejects.toThrow('tagsFrom: item "item-1" (id 1): metadata.lang: "English (US)" is not a valid tag');
      expect((await t.one<{ f: string | null }>(sql`select tags_from as f from projects where id = ${p.id}`)).f).toBeNull();
    });
  });

  describe("the arbiter commands for skills and routing", () => {
    // In this process, as other CLI suites do: a dozen commands each started as a process took a
    // minute on a loaded machine.
    async function arbiter(...args: string[]) {
      let out = "";
      let err = "";
      const code = await main([...args, "--db", t.file], { out: (s) => (out += s), err: (s) => (err += s) });
      return { code, out, err };
    }

    it("user skills, user import, user list and project set --routing / --tags-from", async () => {
      const u = await makeUser(t, "annotator", "ann@test.local");
      const set = await arbiter("user", "skills", "--email", "ann@test.local", "--set", "code,Medical");
      expect(set).toMatchObject({ code: 0, out: "ann@test.local: code, medical\n" });
      const added = JSON.parse((await arbiter("user", "skills", "--email", "ann@test.local", "--add", "lang:de", "--remove", "medical", "--json")).out);
      expect(added.user).toMatchObject({ email: "ann@test.local", skills: ["code", "lang:de"] });
      const bad = await arbiter("user", "skills", "--email", "ann@test.local", "--add", "c++");
      expect(bad.code).not.toBe(0);
      expect(bad.err).toContain('add: "c++" is not a valid tag');

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-users-"));
      fs.writeFileSync(path.join(dir, "bad.csv"), "email,name,role,skills\nbob@test.local,Bob,annotator,law\nnope,X,annotator,\n");
      const refused = await arbiter("user", "import", "--file", path.join(dir, "bad.csv"));
      expect(refused.code).toBe(1);
      expect(refused.out).toContain("Nothing imported: 1 error(s)\nline 3 (email): must be an email address");
      fs.writeFileSync(path.join(dir, "users.csv"), "email,name,role,skills,password\nbob@test.local,Bob,annotator,law|medical,bobs-password\nann@test.local,,annotator,code;medical,\n");
      const imported = JSON.parse((await arbiter("user", "import", "--file", path.join(dir, "users.csv"), "--json")).out);
      expect(imported).toMatchObject({ created: 1, updated: 1, errors: [], passwords: [], imported: true });
      const listed = await arbiter("user", "list");
      expect(listed.out).toMatch(/ann@test\.local\t.*\tskills code,medical\n/);
      expect(JSON.parse((await arbiter("user", "list", "--json")).out).users.find((x: { email: string }) => x.email === "bob@test.local").skills).toEqual(["law", "medical"]);
      fs.rmSync(dir, { recursive: true, force: true });

      const p = await makeProject(t);
      const routed = JSON.parse((await arbiter("project", "set", "--project", p.slug, "--routing", "required", "--tags-from", "topic", "--json")).out);
      expect(routed.project).toMatchObject({ routing: "required", tags_from: "topic" });
      expect(JSON.parse((await arbiter("project", "set", "--project", p.slug, "--tags-from", "none", "--json")).out).project.tags_from).toBeNull();
      const wrong = await arbiter("project", "set", "--project", p.slug, "--routing", "strict");
      expect(wrong.err).toContain("must be one of open, required, preferred");
      expect((await arbiter("project", "--help")).out).toMatch(/--routing R\s+open \(any annotator gets any item\), required/);
      expect(u.caller.email).toBe("ann@test.local");
    });
  });
});
