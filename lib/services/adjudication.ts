// Adjudication: the queue of items whose judgments disagree, a manager's final verdict on one, and
// sending an item back for more judgments. Everything here is a verdict (lib/formats/verdict.ts):
// A is the item's first candidate (the import record's first response), B its second, whatever
// slots the annotators saw. Exports prefer an adjudication over the majority.
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { adjudications, candidates, CHOICES, items, projects, users } from "@/db/schema";
import type { StoredJudgment } from "@/lib/formats/judgment";
import type { Prompt } from "@/lib/formats/record";
import type { Verdict } from "@/lib/formats/verdict";
import { audit } from "./audit";
import { nowOf, requireScope, type Ctx, type Untrusted, writing } from "./context";
import { badRequest, notFound, parseInput } from "./errors";
import { getProjectSync } from "./projects";
import { adaptiveRule, baseOverlap } from "./adaptive";
import { VERDICT_JOIN_SQL, VERDICT_SQL } from "./verdict-sql";

const POSITION_LABELS = ["A", "B"] as const;

export interface QueueJudgment {
  id: number;
  annotator: { id: number; email: string; name: string; external: boolean };
  /** The judgment's verdict (A = the item's first candidate); the JSON key stays `choice`. */
  choice: Verdict | null;
  rationale: string | null;
  source: string;
  created_at: string;
}

export interface QueueItem {
  id: number;
  external_id: string;
  prompt: Prompt;
  /** In position order, with model names: managers only. */
  candidates: { label: string; position: number; content: string; model: string | null }[];
  judgments: QueueJudgment[];
  /** Judgments per verdict, e.g. {"A": 1, "B": 1, "tie": 1}. */
  votes: Partial<Record<Verdict, number>>;
  /** Share of judgments on the most common verdict. */
  agreement: number;
  /** Why the item is in the queue. */
  reason: "no_majority" | "below_threshold";
  effective_overlap: number;
  adjudication: AdjudicationView | null;
}

export interface AdjudicationView {
  item_id: number;
  /** The manager's verdict (stored in `adjudications.choice`). */
  choice: Verdict;
  winner_candidate_id: number | null;
  note: string | null;
  by: string | null;
  created_at: string;
}

const queueInput = z.object({
  slug: z.string().trim().min(1),
  /** Include items that already have an adjudication. */
  resolved: z.coerce.boolean().default(false),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/**
 * Items with at least two pairwise judgments and no strict majority, or whose agreement (share of the
 * most common verdict) is below the project's agreement threshold. Gold items are left out: their
 * answer is known. Under adaptive overlap only items that ended (as many judgments as they need) are
 * listed: an item whose first judgments disagree is still collecting more, and may settle by itself.
 */
export function adjudicationQueue({ ctx, input }: { ctx: Ctx; input: z.input<typeof queueInput> }): { total: number; items: QueueItem[] } {
  requireScope(ctx, "judgment:read_all");
  const data = parseInput(queueInput, input);
  const project = getProjectSync({ ctx, input: { slug: data.slug } });
  const client = ctx.db.$client;
  const disputed = client
    .prepare(
      `with verdicts as (
         select j.item_id, ${VERDICT_SQL} as verdict from judgments j
         join items i on i.id = j.item_id and i.gold is null
         ${VERDICT_JOIN_SQL}
         where j.project_id = @project and j.choice is not null),
       counts as (select item_id, verdict, count(*) as n from verdicts where verdict is not null group by item_id, verdict),
       per_item as (select item_id, sum(n) as total, max(n) as top from counts group by item_id)
       select p.item_id as itemId, p.total, p.top from per_item p join items i on i.id = p.item_id
       where p.total >= 2 and (p.top * 2 <= p.total or (@threshold is not null and 1.0 * p.top / p.total < @threshold))
         and (not @adaptive or i.judgment_count >= coalesce(i.judgment_target, @base) + i.extra_overlap)
         and (@resolved or not exists (select 1 from adjudications a where a.item_id = p.item_id))
       order by p.item_id`,
    )
    .all({ project: project.id, threshold: project.agreementThreshold, resolved: data.resolved ? 1 : 0, adaptive: adaptiveRule(project) ? 1 : 0, base: baseOverlap(project) }) as { itemId: number; total: number; top: number }[];
  const page = disputed.slice(data.offset, data.offset + data.limit);
  return {
    total: disputed.length,
    items: page.map((d) => ({
      ...itemDetail(ctx, d.itemId, baseOverlap(project)),
      agreement: d.top / d.total,
      reason: d.top * 2 <= d.total ? "no_majority" : "below_threshold",
    })),
  };
}

function itemDetail(ctx: Ctx, itemId: number, overlap: number): Omit<QueueItem, "agreement" | "reason"> {
  const client = ctx.db.$client;
  const item = ctx.db.select().from(items).where(eq(items.id, itemId)).get()!;
  const cands = ctx.db.select().from(candidates).where(eq(candidates.itemId, itemId)).orderBy(asc(candidates.position)).all();
  const rows = client
    .prepare(
      `select j.id, ${VERDICT_SQL} as verdict, j.rationale, j.source, j.created_at as createdAt,
              u.id as userId, u.email, u.name, u.external
       from judgments j join users u on u.id = j.user_id ${VERDICT_JOIN_SQL}
       where j.item_id = ? order by j.created_at, j.id`,
    )
    .all(itemId) as { id: number; verdict: Verdict | null; rationale: string | null; source: string; createdAt: number; userId: number; email: string; name: string; external: number }[];
  const votes: Partial<Record<Verdict, number>> = {};
  for (const r of rows) if (r.verdict) votes[r.verdict] = (votes[r.verdict] ?? 0) + 1;
  return {
    id: item.id,
    external_id: item.externalId,
    prompt: item.prompt as Prompt,
    candidates: cands.map((c) => ({ label: POSITION_LABELS[c.position] ?? String(c.position + 1), position: c.position, content: c.content, model: c.model })),
    judgments: rows.map((r) => ({
      id: r.id,
      annotator: { id: r.userId, email: r.email, name: r.name, external: !!r.external },
      choice: r.verdict,
      rationale: r.rationale,
      source: r.source,
      created_at: new Date(r.createdAt).toISOString(),
    })),
    votes,
    effective_overlap: (item.judgmentTarget ?? overlap) + item.extraOverlap,
    adjudication: adjudicationOf(ctx, itemId),
  };
}

function adjudicationOf(ctx: Ctx, itemId: number): AdjudicationView | null {
  const row = ctx.db
    .select({ a: adjudications, email: users.email })
    .from(adjudications)
    .leftJoin(users, eq(users.id, adjudications.userId))
    .where(eq(adjudications.itemId, itemId))
    .get();
  if (!row) return null;
  return {
    item_id: row.a.itemId,
    choice: row.a.choice as Verdict,
    winner_candidate_id: row.a.winnerCandidateId,
    note: row.a.note,
    by: row.email,
    created_at: new Date(row.a.createdAt).toISOString(),
  };
}

const adjudicationInput = z.object({
  itemId: z.coerce.number().int().positive(),
  choice: z.enum(CHOICES, { message: `must be one of ${CHOICES.join(", ")} (A = the item's first response)` }),
  note: z.string().trim().max(5000, "must be at most 5000 characters").optional(),
});

/**
 * Records (or replaces) the final verdict on an item. The input's `choice` is that verdict (A is the
 * item's first candidate); it is stored as `adjudications.choice` with the winning candidate's id.
 */
export function recordAdjudication({ ctx, input }: { ctx: Ctx; input: Untrusted<z.input<typeof adjudicationInput>> }): AdjudicationView {
  requireScope(ctx, "judgment:read_all");
  const data = parseInput(adjudicationInput, input);
  const now = nowOf(ctx);
  writing(ctx.db, 
    (tx) => {
      const item = tx.select({ id: items.id, projectId: items.projectId }).from(items).where(eq(items.id, data.itemId)).get();
      if (!item) throw notFound(`Item ${data.itemId}`);
      const cands = tx.select({ id: candidates.id, position: candidates.position }).from(candidates).where(eq(candidates.itemId, item.id)).orderBy(asc(candidates.position)).all();
      if (cands.length !== 2) throw badRequest(`Item ${item.id} has ${cands.length} candidates; a verdict needs exactly two.`);
      const winner = data.choice === "A" ? cands[0].id : data.choice === "B" ? cands[1].id : null;
      const payload: StoredJudgment = { type: "pairwise", choice: data.choice, winner };
      const previous = tx.select().from(adjudications).where(eq(adjudications.itemId, item.id)).get();
      const values = { userId: ctx.caller?.userId ?? null, choice: data.choice, winnerCandidateId: winner, payload, note: data.note || null, createdAt: now };
      tx.insert(adjudications)
        .values({ itemId: item.id, ...values })
        .onConflictDoUpdate({ target: adjudications.itemId, set: values })
        .run();
      audit(tx, ctx, {
        action: "adjudication.record",
        targetType: "item",
        targetId: item.id,
        projectId: item.projectId,
        detail: { choice: data.choice, note: data.note || null, previous: previous ? { choice: previous.choice, note: previous.note, by: previous.userId } : null },
      });
    },
  );
  return adjudicationOf(ctx, data.itemId)!;
}

const requeueInput = z.object({
  itemId: z.coerce.number().int().positive(),
  // Required: a requeue says how much it adds, so a repeated or empty request cannot raise the overlap unasked.
  extra: z.coerce.number({ message: "required: how many more judgments (1–20)" }).int("must be a whole number").min(1, "must be at least 1").max(20, "must be at most 20"),
});

/** Sends an item back for more judgments: its effective overlap grows by `extra`. */
export function requeueItem({ ctx, input }: { ctx: Ctx; input: z.input<typeof requeueInput> }): { item_id: number; extra_overlap: number; effective_overlap: number } {
  requireScope(ctx, "judgment:read_all");
  const data = parseInput(requeueInput, input);
  return writing(ctx.db, 
    (tx) => {
      const row = tx
        .update(items)
        .set({ extraOverlap: sql`${items.extraOverlap} + ${data.extra}` })
        .where(and(eq(items.id, data.itemId)))
        .returning({ extra: items.extraOverlap, projectId: items.projectId })
        .get();
      if (!row) throw notFound(`Item ${data.itemId}`);
      const project = tx.select().from(projects).where(eq(projects.id, row.projectId)).get()!;
      const overlap = tx.select({ target: items.judgmentTarget }).from(items).where(eq(items.id, data.itemId)).get()!.target ?? baseOverlap(project);
      audit(tx, ctx, { action: "item.requeue", targetType: "item", targetId: data.itemId, detail: { extra: data.extra, extra_overlap: row.extra } });
      return { item_id: data.itemId, extra_overlap: row.extra, effective_overlap: overlap + row.extra };
    },
  );
}
