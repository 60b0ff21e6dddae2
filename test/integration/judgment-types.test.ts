// Every judgment type on a real SQLite file: stored in candidate terms, revised with an audit trail,
// undone within the lease; and the history an annotator sees of their own judgments.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimNext } from "@/lib/services/assignment";
import { myJudgments, reviseJudgment, submitJudgment, undoJudgment, type JudgmentInput } from "@/lib/services/judgments";
import { AppError } from "@/lib/services/errors";
import type { ProjectJudgmentSchema } from "@/lib/formats/judgment";
import { countRowsAsync, importText, jsonl, makeProject, makeUser, ENGINES, tempDbOn, type TempDb, sql } from "../helpers/db";

let t: TempDb;

async function failure(fn: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected an error");
}

/** failure for a service call that returns a promise. */
async function failureOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("expected an error");
}

const criteria = [{ key: "helpfulness", label: "Helpfulness", min: 1, max: 5 }];
const flags = [{ key: "unsafe", label: "Unsafe" }];

/** A project of one type with `n` items of `k` responses each, and an annotator holding the first item. */
async function setup(schema: Partial<ProjectJudgmentSchema>, k = 2, n = 2) {
  const p = await makeProject(t, { judgmentSchema: schema as ProjectJudgmentSchema, overlap: 1 });
  const records = Array.from({ length: n }, (_, i) => ({
    id: `it-${i}`,
    prompt: `Prompt ${i}`,
    responses: Array.from({ length: k }, (_, j) => ({ content: `Response ${i}.${j}`, model: `m${j}` })),
  }));
  await importText(t, p.slug, jsonl(records));
  const a = await makeUser(t, "annotator");
  const claimed = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
  const { slotOrder } = (await assignmentRow(claimed.assignment.id))!;
  return { p, a, claimed, slotOrder };
}

// The stored rows these tests look at, read directly (JSON columns parsed, names as the services use them).

async function judgmentRow(id: number) {
  const r = await t.all<{ type: string; choice: string | null; winner: number | null; rationale: string | null; duration: number | null; payload: string | null; revision: number }>(
    sql`select type, choice, winner_candidate_id as winner, rationale, duration_ms as duration, payload, revision from judgments where id = ${id}`,
  );
  if (!r.length) return undefined;
  const { winner, duration, payload, ...rest } = r[0];
  return { ...rest, winnerCandidateId: winner, durationMs: duration, payload: payload === null ? null : (JSON.parse(payload) as Record<string, unknown>) };
}

async function row(id: number) {
  return (await judgmentRow(id))!;
}

async function assignmentRow(id: number) {
  const r = await t.all<{ status: string; slot: string; closed: number | null }>(sql`select status, slot_order as slot, closed_at as closed from assignments where id = ${id}`);
  return r.length ? { status: r[0].status, slotOrder: JSON.parse(r[0].slot) as number[], closedAt: r[0].closed } : undefined;
}

async function revisionsOf(judgmentId: number) {
  const r = await t.all<{ revision: number; choice: string | null; rationale: string | null; payload: string }>(
    sql`select revision, choice, rationale, payload from judgment_revisions where judgment_id = ${judgmentId} order by revision`,
  );
  return r.map((x) => ({ ...x, payload: JSON.parse(x.payload) as Record<string, unknown> }));
}

async function judgmentCountOf(itemId: number): Promise<number> {
  return (await t.one<{ n: number }>(sql`select judgment_count as n from items where id = ${itemId}`)).n;
}

describe.each(ENGINES)("judgment types on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("storing each type", () => {
    it("sends the project's schema with the claimed", async () => {
      const { claimed } = await setup({ type: "ranking" }, 4);
      expect(claimed.schema).toMatchObject({ type: "ranking", allow_tie: true });
      expect(claimed.item.candidates.map((c) => c.slot)).toEqual(["A", "B", "C", "D"]);
    });

    it("stores a pairwise strength with its derived choice, winner, ratings and flags", async () => {
      const { a, claimed, slotOrder } = await setup({ strength: true, criteria, flags });
      const input: JudgmentInput = {
        assignment_id: claimed.assignment.id,
        strength: 2,
        ratings: { A: { helpfulness: 2 }, B: { helpfulness: 5 } },
        flags: { A: ["unsafe"] },
        rationale: "B is clearer",
        duration_ms: 1234,
      };
      const { judgment } = await submitJudgment({ ctx: a.ctx, input });
      const r = await row(judgment.id);
      expect(r).toMatchObject({ type: "pairwise", choice: "B", winnerCandidateId: slotOrder[1], rationale: "B is clearer", durationMs: 1234 });
      expect(r.payload).toEqual({
        type: "pairwise",
        choice: "B",
        strength: 2,
        winner: slotOrder[1],
        ratings: { [slotOrder[0]]: { helpfulness: 2 }, [slotOrder[1]]: { helpfulness: 5 } },
        flags: { [slotOrder[0]]: ["unsafe"] },
      });
      expect(judgment.payload).toEqual({ choice: "B", strength: 2, ratings: input.ratings, flags: input.flags, rationale: "B is clearer" });
    });

    it("stores a ranking of four in candidate terms, with no pairwise choice", async () => {
      const { a, claimed, slotOrder } = await setup({ type: "ranking" }, 4);
      const { judgment } = await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, ranking: [["D"], ["B", "A"], ["C"]] } });
      const r = await row(judgment.id);
      expect(r).toMatchObject({ type: "ranking", choice: null, winnerCandidateId: null });
      expect(r.payload!.ranking).toEqual([[slotOrder[3]], [slotOrder[1], slotOrder[0]], [slotOrder[2]]]);
    });

    it("refuses a ranking that omits or repeats a response with a 400 naming the slot, and writes nothing", async () => {
      const { a, claimed } = await setup({ type: "ranking" }, 4);
      expect(await failure(() => submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, ranking: [["A"], ["B"], ["C"]] } }))).toEqual({
        code: "bad_request",
        message: "ranking: slot D is missing",
      });
      expect((await failure(() => submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, ranking: [["A"], ["B"], ["C"], ["B"]] } }))).message).toBe(
        "ranking: slot B appears twice",
      );
      expect(await countRowsAsync(t, "judgments")).toBe(0);
      expect((await assignmentRow(claimed.assignment.id))!.status).toBe("leased");
    });

    it("stores ratings of every response", async () => {
      const { a, claimed, slotOrder } = await setup({ type: "rating", criteria, rationale: "hidden" }, 3);
      const ratings = { A: { helpfulness: 1 }, B: { helpfulness: 5 }, C: { helpfulness: 3 } };
      expect(
        (await failure(() => submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, ratings, rationale: "why" } }))).message,
      ).toBe("rationale: this project does not collect a rationale");
      const { judgment } = await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, ratings } });
      expect((await row(judgment.id)).payload!.ratings).toEqual({ [slotOrder[0]]: { helpfulness: 1 }, [slotOrder[1]]: { helpfulness: 5 }, [slotOrder[2]]: { helpfulness: 3 } });
    });

    it("stores a rewrite and a demonstration", async () => {
      const pw = await setup({});
      const { judgment } = await submitJudgment({ ctx: pw.a.ctx, input: { assignment_id: pw.claimed.assignment.id, choice: "both_bad", rewrite: "A better answer." } });
      expect((await row(judgment.id)).payload).toMatchObject({ type: "pairwise", choice: "both_bad", winner: null, rewrite: "A better answer." });

      const demo = await setup({ type: "demonstration", rationale: "required" });
      expect((await failure(() => submitJudgment({ ctx: demo.a.ctx, input: { assignment_id: demo.claimed.assignment.id, demonstration: "Ideal." } }))).message).toBe(
        "rationale: required in this project",
      );
      const d = await submitJudgment({ ctx: demo.a.ctx, input: { assignment_id: demo.claimed.assignment.id, demonstration: "Ideal.", rationale: "edited A" } });
      expect(await row(d.judgment.id)).toMatchObject({ type: "demonstration", choice: null, rationale: "edited A", payload: { type: "demonstration", demonstration: "Ideal." } });
    });
  });

  describe("revising", () => {
    it("keeps the earlier version of each type and moves the winner", async () => {
      const { a, claimed, slotOrder } = await setup({ strength: true });
      const { judgment } = await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, strength: -3, rationale: "A" } });
      const revised = await reviseJudgment({ ctx: a.ctx, input: { id: judgment.id, strength: 1, rationale: "on reflection B" } });
      expect(revised).toMatchObject({ revision: 2, choice: "B", payload: { strength: 1, choice: "B", rationale: "on reflection B" } });
      expect(revised.updated_at).not.toBeNull();
      expect(await row(judgment.id)).toMatchObject({ winnerCandidateId: slotOrder[1], revision: 2 });
      const trail = await revisionsOf(judgment.id);
      expect(trail).toHaveLength(1);
      expect(trail[0]).toMatchObject({ revision: 1, choice: "A", rationale: "A", payload: { strength: -3, winner: slotOrder[0] } });
      // Still exactly one judgment counted on the item.
      expect(await judgmentCountOf(claimed.item.id)).toBe(1);
    });

    it("revises a ranking, a rating and a demonstration, refusing a bad payload without changing anything", async () => {
      for (const [schema, first, second, k] of [
        [{ type: "ranking" }, { ranking: [["A"], ["B"], ["C"]] }, { ranking: [["C"], ["A", "B"]] }, 3],
        [{ type: "rating", criteria }, { ratings: { A: { helpfulness: 1 }, B: { helpfulness: 2 } } }, { ratings: { A: { helpfulness: 5 }, B: { helpfulness: 2 } } }, 2],
        [{ type: "demonstration" }, { demonstration: "one" }, { demonstration: "two" }, 2],
      ] as const) {
        const { a, claimed } = await setup(schema as never, k);
        const { judgment } = await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, ...(first as object) } });
        expect((await failure(() => reviseJudgment({ ctx: a.ctx, input: { id: judgment.id, ranking: [["A"]], ratings: {}, demonstration: "" } as never }))).code).toBe("bad_request");
        expect((await row(judgment.id)).revision).toBe(1);
        const revised = await reviseJudgment({ ctx: a.ctx, input: { id: judgment.id, ...(second as object) } });
        expect(revised.revision).toBe(2);
        expect(revised.payload).toEqual(second);
        expect(await revisionsOf(judgment.id)).toHaveLength(1);
      }
    });

    it("lets only the owner revise", async () => {
      const { a, claimed } = await setup({});
      const { judgment } = await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, choice: "A" } });
      const other = await makeUser(t, "annotator");
      expect((await failure(() => reviseJudgment({ ctx: other.ctx, input: { id: judgment.id, choice: "B" } }))).code).toBe("not_found");
    });
  });

  describe("undoing", () => {
    it("deletes the last judgment of each type and leases the item again", async () => {
      for (const [schema, payload, k] of [
        [{}, { choice: "A" }, 2],
        [{ type: "ranking" }, { ranking: [["B"], ["A"], ["C"]] }, 3],
        [{ type: "rating", criteria }, { ratings: { A: { helpfulness: 1 }, B: { helpfulness: 2 } } }, 2],
        [{ type: "demonstration" }, { demonstration: "ideal" }, 2],
      ] as const) {
        const { a, p, claimed } = await setup(schema as never, k);
        const { judgment } = await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, ...(payload as object) } });
        expect(await undoJudgment({ ctx: a.ctx, input: { assignmentId: claimed.assignment.id } })).toEqual({ undone: true, assignment_id: claimed.assignment.id });
        expect(await judgmentRow(judgment.id)).toBeUndefined();
        expect(await judgmentCountOf(claimed.item.id)).toBe(0);
        expect(await assignmentRow(claimed.assignment.id)).toMatchObject({ status: "leased", closedAt: null });
        const audit = await t.one<{ n: number }>(sql`select count(*) as n from audit_log where action = 'judgment.undo' and target_id = ${String(judgment.id)}`);
        expect(audit.n).toBe(1);
        // The same item comes back to the annotator, and can be judged again.
        expect((await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!.assignment.id).toBe(claimed.assignment.id);
        expect((await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, ...(payload as object) } })).created).toBe(true);
      }
    });

    it("refuses to undo an older judgment, after the lease ran out, or someone else's", async () => {
      const { a, p, claimed } = await setup({}, 2, 3);
      await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, choice: "A" } });
      const second = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      await submitJudgment({ ctx: a.ctx, input: { assignment_id: second.assignment.id, choice: "B" } });
      expect((await failure(() => undoJudgment({ ctx: a.ctx, input: { assignmentId: claimed.assignment.id } }))).message).toMatch(/Only your last judgment/);
      const other = await makeUser(t, "annotator");
      expect((await failure(() => undoJudgment({ ctx: other.ctx, input: { assignmentId: second.assignment.id } }))).code).toBe("not_found");
      const later = { ...a.ctx, now: () => Date.now() + 24 * 3600_000 };
      expect((await failure(() => undoJudgment({ ctx: later, input: { assignmentId: second.assignment.id } }))).message).toMatch(/lease on this item has run out/);
      expect((await failure(() => undoJudgment({ ctx: a.ctx, input: { assignmentId: 999 } }))).code).toBe("not_found");
    });
  });

  describe("history", () => {
    it("lists only my judgments, newest first, in the slot terms I saw", async () => {
      const { a, p, claimed } = await setup({ type: "ranking" }, 3, 3);
      await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, ranking: [["C"], ["B"], ["A"]] } });
      const second = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      await submitJudgment({ ctx: a.ctx, input: { assignment_id: second.assignment.id, ranking: [["A", "B"], ["C"]] } });
      const other = await makeUser(t, "annotator");
      const third = (await claimNext({ ctx: other.ctx, input: { slug: p.slug } }))!;
      await submitJudgment({ ctx: other.ctx, input: { assignment_id: third.assignment.id, ranking: [["A"], ["B"], ["C"]] } });

      const h = await myJudgments({ ctx: a.ctx, input: { slug: p.slug } });
      expect(h.total).toBe(2);
      expect(h.schema.type).toBe("ranking");
      expect(h.judgments.map((e) => e.judgment.payload.ranking)).toEqual([[["A", "B"], ["C"]], [["C"], ["B"], ["A"]]]);
      expect(h.judgments.map((e) => e.undoable)).toEqual([true, false]);
      expect(h.judgments[0].item.candidates.map((c) => c.content)).toEqual(second.item.candidates.map((c) => c.content));
      expect(JSON.stringify(h)).not.toMatch(/"m[0-9]"/);
    });
  });

  describe("setting a project's judgment schema", () => {
    async function cli(...args: string[]) {
      const { main } = await import("@/lib/cli/main");
      let out = "";
      let err = "";
      const code = await main([...args, "--db", t.file], { out: (s) => (out += s), err: (s) => (err += s) });
      return { code, out, err };
    }
    // A file in a folder of its own (the database may be a PostgreSQL URL, not a file to sit beside).
    let folder: string;
    beforeEach(() => {
      folder = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-schema-"));
    });
    afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));
    function schemaFile(content: string): string {
      const file = path.join(folder, "schema.json");
      fs.writeFileSync(file, content);
      return file;
    }

    it("stores a valid schema and refuses a bad one naming the field", async () => {
      const p = await makeProject(t, { judgmentSchema: { type: "rating", criteria } as ProjectJudgmentSchema });
      expect(p.judgmentSchema).toMatchObject({ type: "rating", criteria: [{ key: "helpfulness", min: 1, max: 5 }], rationale: "optional" });
      expect((await failure(() => makeProject(t, { judgmentSchema: { type: "vote" } as never }))).message).toMatch(/^judgmentSchema\.type: /);
      expect((await failure(() => makeProject(t, { judgmentSchema: { criteria: [{ key: "Bad Key", label: "x" }] } as never }))).message).toMatch(/^judgmentSchema\.criteria\.0\.key: must be a short lowercase key/);
    });

    it("takes --schema FILE on project create and project set", async () => {
      const created = await cli("project", "create", "--slug", "ranked", "--name", "Ranked", "--schema", schemaFile('{"type": "ranking", "allow_tie": false}'));
      expect(created.err).toBe("");
      expect(created.code).toBe(0);
      const row = async () => JSON.parse((await t.one<{ s: string }>(sql`select judgment_schema as s from projects where slug = 'ranked'`)).s) as unknown;
      expect(await row()).toMatchObject({ type: "ranking", allow_tie: false });
      const set = await cli("project", "set", "--project", "ranked", "--schema", schemaFile('{"type": "pairwise", "strength": true}'));
      expect(set.code).toBe(0);
      expect(await row()).toMatchObject({ type: "pairwise", strength: true });
      const bad = await cli("project", "create", "--slug", "bad", "--name", "Bad", "--schema", schemaFile('{"type": "pairwise", "rationale": "sometimes"}'));
      expect(bad.code).not.toBe(0);
      expect(bad.err).toMatch(/--schema rationale: /);
      const notJson = await cli("project", "create", "--slug", "bad2", "--name", "Bad", "--schema", schemaFile("{type: pairwise}"));
      expect(notJson.code).not.toBe(0);
      expect(notJson.err).toMatch(/not valid JSON/);
    });
  });
});
