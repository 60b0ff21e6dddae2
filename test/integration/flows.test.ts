// Everyday flows (issue 13): new projects start as drafts that annotators never see, the draft's
// checklist, and searching one's own judgments by the prompt's text.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimNext, skipAssignment } from "@/lib/services/assignment";
import { AppError } from "@/lib/services/errors";
import { myJudgments, submitJudgment } from "@/lib/services/judgments";
import { addMember } from "@/lib/services/members";
import { createProject, listProjects, projectChecklist, updateProject } from "@/lib/services/projects";
import { importText, jsonl, makeUser, ENGINES, tempDbOn, type TempDb } from "../helpers/db";

let t: TempDb;

describe.each(ENGINES)("everyday flows on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("a new project", () => {
    it("starts as a draft that annotators neither list nor open, until it is activated", async () => {
      const annotator = await makeUser(t, "annotator");
      const project = await createProject({ ctx: t.system, input: { slug: "fresh", name: "Fresh" } });
      expect(project.status).toBe("draft");
      await importText(t, "fresh", jsonl([{ id: "x1", prompt: "Hello?", responses: [{ content: "a" }, { content: "b" }] }]));
      expect((await listProjects({ ctx: annotator.ctx })).map((p) => p.slug)).toEqual([]);
      await expect(claimNext({ ctx: annotator.ctx, input: { slug: "fresh" } })).rejects.toThrow(AppError);

      await updateProject({ ctx: t.system, input: { slug: "fresh", status: "active" } });
      expect((await listProjects({ ctx: annotator.ctx })).map((p) => p.slug)).toEqual(["fresh"]);
      expect((await claimNext({ ctx: annotator.ctx, input: { slug: "fresh" } }))?.item.prompt).toBe("Hello?");
    });

    it("can be created active when asked", async () => {
      expect((await createProject({ ctx: t.system, input: { slug: "live", name: "Live", status: "active" } })).status).toBe("active");
    });

    it("has a checklist of what it still lacks", async () => {
      const admin = await makeUser(t, "admin");
      const annotator = await makeUser(t, "annotator");
      await createProject({ ctx: t.system, input: { slug: "todo", name: "To do" } });
      expect(await projectChecklist({ ctx: admin.ctx, input: { slug: "todo" } })).toEqual({
        status: "draft",
        items: 0,
        guidelines: false,
        judgmentSchema: false,
        visibility: "everyone",
        members: 0,
      });
      await importText(t, "todo", jsonl([1, 2].map((i) => ({ id: `t${i}`, prompt: `P${i}`, responses: [{ content: "a" }, { content: "b" }] }))));
      await updateProject({ ctx: t.system, input: { slug: "todo", guidelines: "Be kind.", judgmentSchema: { strength: true } as never, visibility: "members" } });
      await addMember({ ctx: t.system, input: { slug: "todo", email: annotator.caller.email } });
      expect(await projectChecklist({ ctx: admin.ctx, input: { slug: "todo" } })).toMatchObject({ items: 2, guidelines: true, judgmentSchema: true, visibility: "members", members: 1 });
      await expect(projectChecklist({ ctx: annotator.ctx, input: { slug: "todo" } })).rejects.toThrow(/does not allow project:write/);
    });
  });

  describe("a finished project", () => {
    it("is finished for an annotator who judged or skipped every item still wanting judgments, or reached the quota", async () => {
      await createProject({ ctx: t.system, input: { slug: "f", name: "Finish", overlap: 1, status: "active" } });
      await importText(t, "f", jsonl([1, 2, 3].map((i) => ({ id: `f${i}`, prompt: `P${i}`, responses: [{ content: "a" }, { content: "b" }] }))));
      const me = await makeUser(t, "annotator");
      const other = await makeUser(t, "annotator");
      const mine = async () => (await listProjects({ ctx: me.ctx }))[0];
      expect(await mine()).toMatchObject({ mine: 0, finished: false });
      const first = (await claimNext({ ctx: me.ctx, input: { slug: "f" } }))!;
      await submitJudgment({ ctx: me.ctx, input: { assignment_id: first.assignment.id, choice: "A" } });
      const second = (await claimNext({ ctx: other.ctx, input: { slug: "f" } }))!;
      await submitJudgment({ ctx: other.ctx, input: { assignment_id: second.assignment.id, choice: "B" } });
      expect(await mine()).toMatchObject({ mine: 1, finished: false });
      const third = (await claimNext({ ctx: me.ctx, input: { slug: "f" } }))!;
      await skipAssignment({ ctx: me.ctx, input: { id: third.assignment.id } });
      // The one item left was skipped by me, so nothing is left for me; the other annotator still has it.
      expect(await mine()).toMatchObject({ mine: 1, finished: true });
      expect((await listProjects({ ctx: other.ctx }))[0]).toMatchObject({ mine: 1, finished: false });
      expect(await claimNext({ ctx: me.ctx, input: { slug: "f" } })).toBeNull();

      await updateProject({ ctx: t.system, input: { slug: "f", quota: 1 } });
      expect((await listProjects({ ctx: other.ctx }))[0]).toMatchObject({ finished: true });
    });
  });

  describe("searching one's judgments", () => {
    const records = [
      { id: "cats", prompt: "Why do cats purr when they are content?", responses: [{ content: "a" }, { content: "b" }] },
      { id: "dogs", prompt: [{ role: "system", content: "Be brief." }, { role: "user", content: "How do DOGS dream?" }], responses: [{ content: "a" }, { content: "b" }] },
      { id: "rates", prompt: "What is 50% of 10_000?", responses: [{ content: "a" }, { content: "b" }] },
    ];

    async function judgeAll() {
      await createProject({ ctx: t.system, input: { slug: "s", name: "Search", overlap: 2, status: "active" } });
      await importText(t, "s", jsonl(records));
      const me = await makeUser(t, "annotator");
      const other = await makeUser(t, "annotator");
      for (const who of [me, other]) {
        for (let i = 0; i < records.length; i++) {
          const claim = (await claimNext({ ctx: who.ctx, input: { slug: "s" } }))!;
          await submitJudgment({ ctx: who.ctx, input: { assignment_id: claim.assignment.id, choice: "A" } });
        }
      }
      return me;
    }

    it("finds the prompt's words in any turn, ignoring case, and pages over the matches", async () => {
      const me = await judgeAll();
      const find = async (q: string) => await myJudgments({ ctx: me.ctx, input: { slug: "s", q } });
      expect((await find("purr")).judgments.map((e) => e.item.external_id)).toEqual(["cats"]);
      expect((await find("dogs dream")).judgments.map((e) => e.item.external_id)).toEqual(["dogs"]);
      expect((await find("dogs dream")).total).toBe(1);
      // Only the text, never the JSON around it: "role" and "content" are not in any prompt's words.
      expect((await find("content")).judgments.map((e) => e.item.external_id)).toEqual(["cats"]);
      expect((await find("role")).total).toBe(0);
      // LIKE's wildcards are taken literally.
      expect((await find("50%")).judgments.map((e) => e.item.external_id)).toEqual(["rates"]);
      expect((await find("10_0")).total).toBe(1);
      expect((await find("5_%")).total).toBe(0);
      // An item's external id finds it too; a blank search lists everything.
      expect((await find("rates")).total).toBe(1);
      expect((await myJudgments({ ctx: me.ctx, input: { slug: "s", q: "  " } })).total).toBe(3);
      const page = await myJudgments({ ctx: me.ctx, input: { slug: "s", q: "?", limit: 2, offset: 2 } });
      expect(page.total).toBe(3);
      expect(page.judgments).toHaveLength(1);
    });

    it("refuses a search longer than 200 characters, naming the field", async () => {
      const me = await judgeAll();
      await expect(myJudgments({ ctx: me.ctx, input: { slug: "s", q: "x".repeat(201) } })).rejects.toThrow(/^q: must be at most 200 characters/);
    });
  });
});
