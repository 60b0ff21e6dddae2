// Hands out work: leases the next item an annotator may judge, exactly, under concurrent callers.
// Capacity is counted as submitted judgments plus unexpired leases, so an item never collects more
// judgments than it wants: the project's overlap, or under adaptive overlap the item's judgment_target
// (lib/services/adaptive.ts), plus the item's extra_overlap; expired leases are ignored at claim
// time, no background job needed. Gold items are exempt from the overlap: every
// annotator may get each one once, mixed into their stream at the project's gold rate.
// The claim path runs on prepared statements inside one immediate transaction: it is the hottest
// path of the application (see test/bench/claim.bench.ts).
import type Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { randomInt } from "node:crypto";
import { z } from "zod";
import { assignments } from "@/db/schema";
import type { Prompt } from "@/lib/formats/record";
import { effectiveSchema, SLOT_LABELS, type ProjectJudgmentSchema } from "@/lib/formats/judgment";
import { audit } from "./audit";
import { connectionOf, findRow, immediate, prepared } from "./statements";
import { nowOf, requireCaller, requireScope, type Ctx, writing } from "./context";
import { AppError, conflict, forbidden, notFound, parseInput } from "./errors";
import { can } from "@/lib/auth/permissions";
import { isMemberSync, isWorkable, type Project } from "./projects";
import { GOLD_VERDICT_SQL, VERDICT_JOIN_SQL, VERDICT_SQL } from "./verdict-sql";
import { baseOverlap, overlapBound, type OverlapSettings } from "./adaptive";
import { failedQualifications, pickQualificationItem, qualificationGate } from "./qualification";
import { MAX_SKILLS, servableKeys, TAG_PATTERN, TAG_RULE, type RoutingRule } from "@/lib/formats/tags";

/** What claiming answers: the caller's assignment, its item as shown (slots, no model names), their progress and the schema. */
export interface Claim {
  assignment: { id: number; expires_at: string };
  item: { id: number; prompt: Prompt; candidates: { slot: string; content: string }[] };
  progress: ClaimProgress;
  /** What the annotator records on this item (the project's judgment schema, defaults filled in). */
  schema: ProjectJudgmentSchema;
}

export interface ClaimProgress {
  /** Judgments this annotator has recorded in the project. */
  judged: number;
  /** Items in the project and how many have all the judgments they need. */
  items: number;
  complete_items: number;
}

/**
 * Why an annotator gets no item although the project may have work left. Thrown as an AppError whose
 * `details.reason` is one of these, so the API answers 403/409 with a message the UI shows.
 */
export const CLAIM_REFUSALS = ["project_not_active", "not_member", "quota_reached", "gold_accuracy", "qualification_failed", "qualification_unavailable"] as const;
export type ClaimRefusal = (typeof CLAIM_REFUSALS)[number];

const stmt = (db: Database.Database, text: string) => prepared(db, text);

function shuffled<T>(values: T[]): T[] {
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface ProjectRow {
  id: number;
  slug: string;
  overlap: number;
  leaseMinutes: number;
  status: Project["status"];
  orderPolicy: Project["orderPolicy"];
  quota: number | null;
  goldRate: number;
  minGoldAccuracy: number | null;
  minGoldAfter: number | null;
  judgmentSchema: string | null;
  minJudgments: number | null;
  maxJudgments: number | null;
  stopAgreement: number | null;
  routing: RoutingRule;
  /** Gold items a new annotator must judge first (the qualification); null for none. */
  qualificationItems: number | null;
  /** JSON: the project's non-empty tag keys (projects.tag_keys). */
  tagKeys: string;
}

const PROJECT_SQL = `select id, slug, overlap, lease_minutes as leaseMinutes, status, order_policy as orderPolicy, quota,
  gold_rate as goldRate, min_gold_accuracy as minGoldAccuracy, min_gold_after as minGoldAfter, judgment_schema as judgmentSchema,
  min_judgments as minJudgments, max_judgments as maxJudgments, stop_agreement as stopAgreement,
  routing, tag_keys as tagKeys, qualification_items as qualificationItems from projects where slug = ?`;

// Conditions every served item meets, for caller @user at time @now.
const NOT_MINE = `
  and not exists (select 1 from assignments a where a.item_id = i.id and a.user_id = @user
                    and (a.status <> 'leased' or a.expires_at > @now))
  and not exists (select 1 from judgments j where j.item_id = i.id and j.user_id = @user)`;
// @overlap is the judgments an item wants when it has no adaptive target (baseOverlap): the fixed
// overlap, or the adaptive rule's min. OPEN_ITEM repeats items_claim_idx's condition (db/schema/projects.ts),
// which a statement must state to walk that partial index; it leaves out items that reached their target.
const OPEN_ITEM = `(i.judgment_target is null or i.judgment_count < i.judgment_target + i.extra_overlap)`;
const HAS_SEAT = `
  and i.gold is null
  and ${OPEN_ITEM}
  and i.judgment_count < coalesce(i.judgment_target, @overlap) + i.extra_overlap
  and i.judgment_count + (select count(*) from assignments l
        where l.item_id = i.id and l.status = 'leased' and l.expires_at > @now and l.user_id <> @user)
      < coalesce(i.judgment_target, @overlap) + i.extra_overlap`;

/**
 * The first free item of one priority level, in the project's order. Each statement walks an index
 * in serving order and stops at the first item that qualifies: no sort, no scan of finished items
 * for finish_first (the judgment_count bound is part of the index range).
 */
const PICK_SQL = {
  finish_first: `select i.id from items i indexed by items_claim_idx
    where i.project_id = @project and i.priority = @priority and i.judgment_count < @bound ${HAS_SEAT} ${NOT_MINE}
    order by i.judgment_count desc, i.id asc limit 1`,
  import: `select i.id from items i indexed by items_project_priority_idx
    where i.project_id = @project and i.priority = @priority ${HAS_SEAT} ${NOT_MINE}
    order by i.id asc limit 1`,
  random_from: `select i.id from items i indexed by items_project_priority_idx
    where i.project_id = @project and i.priority = @priority and i.id >= @start ${HAS_SEAT} ${NOT_MINE}
    order by i.id asc limit 1`,
  random_before: `select i.id from items i indexed by items_project_priority_idx
    where i.project_id = @project and i.priority = @priority and i.id < @start ${HAS_SEAT} ${NOT_MINE}
    order by i.id asc limit 1`,
  gold: `select i.id from items i indexed by items_project_gold_idx
    where i.project_id = @project and i.gold is not null ${NOT_MINE}
    order by random() limit 1`,
  gold_keys: `select i.id from items i indexed by items_project_gold_idx
    where i.project_id = @project and i.gold is not null and i.tag_key in (select value from json_each(@keys)) ${NOT_MINE}
    order by random() limit 1`,
} as const;

/**
 * The same picks restricted to some tag keys (routing by skill): for each key of the JSON array
 * @keys, a correlated subquery walks that key's own range of items_tag_claim_idx /
 * items_tag_priority_idx in the serving order and stops at its first free item (a key with none costs
 * one index seek); the outer query takes the best of those firsts in the same order. So the result is
 * the item the unrouted pick would give among the allowed keys, in one statement.
 */
function amongKeys(index: string, range: string, order: string): string {
  return `select o.id from items o where o.id in (
      select (select i.id from items i indexed by ${index}
        where i.project_id = @project and i.tag_key = k.value and i.priority = @priority ${range} ${HAS_SEAT} ${NOT_MINE}
        order by ${order} limit 1)
      from json_each(@keys) k)
    order by ${order.replaceAll("i.", "o.")} limit 1`;
}
const PICK_KEYS_SQL = {
  finish_first: amongKeys("items_tag_claim_idx", "and i.judgment_count < @bound", "i.judgment_count desc, i.id asc"),
  import: amongKeys("items_tag_priority_idx", "", "i.id asc"),
  random_from: amongKeys("items_tag_priority_idx", "and i.id >= @start", "i.id asc"),
  random_before: amongKeys("items_tag_priority_idx", "and i.id < @start", "i.id asc"),
} as const;

/**
 * The tag keys a claim may serve, pass by pass (null: any item; as JSON for the statements), and the
 * restriction gold items and held leases follow.
 */
interface Routes {
  passes: (string | null)[];
  restriction: { keys: Set<string>; json: string } | null;
}

const UNROUTED: Routes = { passes: [null], restriction: null };
const asJson = (keys: string[] | null) => (keys ? JSON.stringify(keys) : null);
const asRestriction = (keys: string[] | null) => (keys ? { keys: new Set(keys), json: JSON.stringify(keys) } : null);

// Routes depend only on values read in the claim's transaction (the project's keys, the caller's
// skills), so a cached entry is exactly what working them out again would give.
const routesCache = new Map<string, Routes>();

/**
 * Which items a claim may serve under the project's routing rule and the caller's skills, narrowed
 * to `chosen` when the annotator picked some of their skills in the workspace.
 */
function routesFor(db: Database.Database, project: ProjectRow, userId: number, chosen: string[] | null): Routes {
  if (project.routing === "open" && !chosen) return UNROUTED;
  const skillsText = (stmt(db, `select skills from users where id = ?`).get(userId) as { skills: string } | undefined)?.skills ?? "[]";
  // The same project keys, skills and choice give the same routes: worked out once per combination.
  const cacheKey = `${project.routing}\u0000${project.tagKeys}\u0000${skillsText}\u0000${chosen?.join(",") ?? ""}`;
  const hit = routesCache.get(cacheKey);
  if (hit) return hit;
  const skills = JSON.parse(skillsText) as string[];
  for (const skill of chosen ?? []) {
    if (!skills.includes(skill)) throw new AppError("bad_request", `You do not hold the skill "${skill}"; choose among ${skills.length ? skills.join(", ") : "none (you hold no skills)"}.`, undefined, { skills: `"${skill}" is not one of your skills` });
  }
  const keys = ["", ...(JSON.parse(project.tagKeys) as string[])];
  // Every key servable is no restriction at all: the plain claim (someone holding every tag, say).
  const pass = (p: "first" | "rest") => {
    const servable = servableKeys({ keys, rule: project.routing, skills, chosen, pass: p });
    return servable && servable.length === keys.length ? null : servable;
  };
  let routes: Routes;
  if (project.routing === "preferred") {
    const rest = pass("rest");
    routes = { passes: [asJson(pass("first")), asJson(rest)], restriction: asRestriction(rest) };
  } else {
    const only = pass("first");
    routes = { passes: [asJson(only)], restriction: asRestriction(only) };
  }
  if (routesCache.size > 1000) routesCache.clear();
  routesCache.set(cacheKey, routes);
  return routes;
}

const skillsInput = z
  .array(z.string().regex(TAG_PATTERN, `each must be ${TAG_RULE}`))
  .max(MAX_SKILLS, `at most ${MAX_SKILLS} skills`)
  .optional();

const excludeInput = z.array(z.number().int().positive()).max(5, "at most 5 assignments").default([]);

/** Leases the next item for the caller, or returns the lease they already hold; null when nothing is left. */
export function claimNext({ ctx, input }: { ctx: Ctx; input: { slug: string; exclude?: number[]; skills?: string[] } }): Claim | null {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const exclude = parseInput(excludeInput, input.exclude);
  // Skills the annotator narrowed their stream to (the workspace's choice); none or empty: no narrowing.
  const chosen = parseInput(skillsInput, input.skills);
  const claim = immediate(ctx.db, claimIn, ctx, input.slug, caller.userId, nowOf(ctx), exclude, chosen?.length ? [...new Set(chosen)] : null);
  return claim && loadClaim(ctx.db.$client, claim.project, claim.assignmentId, claim.judged);
}

/** The claim itself, in one immediate transaction: the checks that may refuse, then the lease. */
function claimIn(ctx: Ctx, slug: string, userId: number, now: number, exclude: number[], chosen: string[] | null): { assignmentId: number; project: ProjectRow; judged: number } | null {
  const db = ctx.db.$client;
  const project = stmt(db, PROJECT_SQL).get(slug) as ProjectRow | undefined;
  if (!project) throw notFound(`Project "${slug}"`);
  // An annotator learns nothing of a project they may not work on, not even that it exists.
  const readsAll = can(ctx.caller!.role, "project:read");
  if (!readsAll && !(isWorkable(project.status) && isMemberSync(ctx, project.id, userId))) throw notFound(`Project "${slug}"`);
  if (project.status !== "active") {
    throw new AppError("conflict", `Project "${project.slug}" is ${project.status}: it serves no items${project.status === "paused" ? " until an admin resumes it" : ""}.`, {
      reason: "project_not_active" satisfies ClaimRefusal,
      status: project.status,
    });
  }
  // (An annotator's membership was checked above; an admin, who sees every project, may still not be a member.)
  if (readsAll && !isMemberSync(ctx, project.id, userId)) {
    throw new AppError("forbidden", `You are not a member of project "${project.slug}"; an admin chooses who works on it.`, {
      reason: "not_member" satisfies ClaimRefusal,
    });
  }
  const judged = (stmt(db, `select count(*) as n from judgments where user_id = ? and project_id = ?`).get(userId, project.id) as { n: number }).n;
  if (project.quota != null && judged >= project.quota) {
    throw new AppError("conflict", `You have reached your quota of ${project.quota} judgment(s) in project "${project.slug}".`, {
      reason: "quota_reached" satisfies ClaimRefusal,
      quota: project.quota,
    });
  }
  if (project.minGoldAccuracy != null && project.minGoldAfter != null) {
    const gold = goldScore(db, project.id, userId);
    if (belowGoldMinimum(project, gold)) {
      throw new AppError(
        "forbidden",
        `Your accuracy on check items is ${pct(gold.correct / gold.judged)} over ${gold.judged}, below this project's minimum of ${pct(project.minGoldAccuracy)}; ` +
          `you get no more items in "${project.slug}". A manager can tell you more.`,
        { reason: "gold_accuracy" satisfies ClaimRefusal, accuracy: gold.correct / gold.judged, gold_judged: gold.judged },
      );
    }
  }

  // An annotator who has not passed the project's qualification gets only its gold items (a failed attempt is refused here).
  // (Read with the project row: a project without a qualification pays nothing more per claim.)
  const qualification = project.qualificationItems == null ? null : qualificationGate(db, project.id, userId, now);

  // A lease the caller already holds comes back (a reload of the page), unless a limit above stopped
  // them. `exclude` names leases the client is showing already: the workspace prefetches the next
  // item while the current one is on screen, so it holds at most one extra lease.
  const routes = routesFor(db, project, userId, chosen);
  const heldLeases = stmt(
    db,
    `select a.id, i.tag_key as tagKey from assignments a join items i on i.id = a.item_id
       where a.user_id = ? and a.project_id = ? and a.status = 'leased' and a.expires_at > ?
       and a.id not in (select value from json_each(?)) order by a.leased_at`,
  ).all(userId, project.id, now, JSON.stringify(exclude)) as { id: number; tagKey: string }[];
  const allowed = routes.restriction?.keys;
  const held = heldLeases.find((h) => !allowed || allowed.has(h.tagKey));
  // A held lease outside what the caller may now be served (they narrowed their stream, or lost a
  // skill) is released at once, so its seat goes to someone else instead of waiting for the expiry.
  for (const h of heldLeases) if (allowed && !allowed.has(h.tagKey)) stmt(db, `update assignments set expires_at = ? where id = ?`).run(now, h.id);
  if (held) return { assignmentId: held.id, project, judged };

  const pickGold = () => {
    const restricted = routes.restriction != null;
    const params = restricted ? { project: project.id, user: userId, now, keys: routes.restriction!.json } : { project: project.id, user: userId, now };
    return ((restricted ? stmt(db, PICK_SQL.gold_keys).get(params) : stmt(db, PICK_SQL.gold).get(params)) as { id: number } | undefined)?.id ?? null;
  };
  let itemId: number | null = null;
  if (qualification?.status === "pending") {
    itemId = pickQualificationItem(db, project.id, userId, now, qualification, pickGold);
    if (itemId == null) return null;
  } else {
    for (const keys of routes.passes) {
      itemId = pickRegular(db, project, userId, now, keys);
      if (itemId != null) break;
    }
    if (itemId == null) return null; // gold items alone are not work: the stream ends with the real items
    if (project.goldRate > 0 && Math.random() < project.goldRate) itemId = pickGold() ?? itemId;
  }

  const candidateIds = (stmt(db, `select id from candidates where item_id = ? order by position`).all(itemId) as { id: number }[]).map((c) => c.id);
  const expiresAt = now + project.leaseMinutes * 60_000;
  // A row exists only when this annotator's earlier lease on the item expired: renew it.
  const row = stmt(
    db,
    `insert into assignments (project_id, item_id, user_id, status, slot_order, leased_at, expires_at)
     values (?, ?, ?, 'leased', ?, ?, ?)
     on conflict (item_id, user_id) do update set status = 'leased', leased_at = excluded.leased_at,
       expires_at = excluded.expires_at, closed_at = null
     returning id`,
  ).get(project.id, itemId, userId, JSON.stringify(shuffled(candidateIds)), now, expiresAt) as { id: number };
  return { assignmentId: row.id, project, judged };
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/**
 * The next non-gold item with a free seat: highest priority first, then the project's order policy.
 * With `keys` (routing by skill, a JSON array), only items with one of those tag keys (PICK_KEYS_SQL).
 */
function pickRegular(db: Database.Database, project: ProjectRow, userId: number, now: number, keys: string | null): number | null {
  if (keys === "[]") return null;
  const maxExtra = (stmt(db, `select max(extra_overlap) as m from items where project_id = ?`).get(project.id) as { m: number | null }).m ?? 0;
  // bound: no item wants more than the overlap (or the adaptive max) plus the largest extra_overlap.
  const params = { project: project.id, user: userId, now, overlap: baseOverlap(project), bound: overlapBound(project) + maxExtra, priority: 0, start: 0 };
  const levelBelow = stmt(db, `select max(priority) as p from items where project_id = ? and priority < ?`);
  let level = (stmt(db, `select max(priority) as p from items where project_id = ?`).get(project.id) as { p: number | null }).p;
  while (level != null) {
    params.priority = level;
    let row: { id: number } | undefined;
    if (project.orderPolicy === "random") {
      // A random start among this project's ids at this priority, then the first free item from there.
      const span = stmt(db, `select min(id) as lo, max(id) as hi from items where project_id = ? and priority = ?`).get(project.id, level) as { lo: number; hi: number };
      params.start = span.lo + randomInt(span.hi - span.lo + 1);
    }
    if (keys) {
      const keyed = { ...params, keys };
      row = (project.orderPolicy === "random"
        ? stmt(db, PICK_KEYS_SQL.random_from).get(keyed) ?? stmt(db, PICK_KEYS_SQL.random_before).get(keyed)
        : stmt(db, PICK_KEYS_SQL[project.orderPolicy]).get(keyed)) as { id: number } | undefined;
    } else if (project.orderPolicy === "random") {
      row = (stmt(db, PICK_SQL.random_from).get(params) ?? stmt(db, PICK_SQL.random_before).get(params)) as { id: number } | undefined;
    } else {
      row = stmt(db, PICK_SQL[project.orderPolicy]).get(params) as { id: number } | undefined;
    }
    if (row) return row.id;
    level = (levelBelow.get(project.id, level) as { p: number | null }).p;
  }
  return null;
}

// A judgment on a gold item is correct when its verdict equals the gold verdict exactly (the rule of
// matchesGold in lib/formats/verdict.ts: tie and both_bad are different answers). Every judgment on a
// gold item counts as judged.
const GOLD_SCORE_SQL = `
  select j.user_id as userId, count(*) as judged,
    coalesce(sum(${VERDICT_SQL} = ${GOLD_VERDICT_SQL}), 0) as correct
  from judgments j
  join items i on i.id = j.item_id
  ${VERDICT_JOIN_SQL}
  where j.project_id = @project and i.gold is not null`;

interface GoldScore {
  judged: number;
  correct: number;
}

function goldScore(db: Database.Database, projectId: number, userId: number): GoldScore {
  const row = stmt(db, `${GOLD_SCORE_SQL} and j.user_id = @user`).get({ project: projectId, user: userId }) as GoldScore;
  return { judged: row.judged, correct: row.correct };
}

/** The cut-off: at least `minGoldAfter` gold judgments with an accuracy below `minGoldAccuracy`. */
function belowGoldMinimum(project: Pick<ProjectRow, "minGoldAccuracy" | "minGoldAfter">, gold: GoldScore): boolean {
  if (project.minGoldAccuracy == null || project.minGoldAfter == null || gold.judged === 0) return false;
  return gold.judged >= project.minGoldAfter && gold.correct / gold.judged < project.minGoldAccuracy;
}

/** An annotator's standing in a project: judgments, gold score, and whether a limit stopped them. */
export interface GoldStanding {
  user_id: number;
  email: string;
  judged: number;
  gold_judged: number;
  gold_correct: number;
  /** Share of gold items judged correctly; null before the first gold judgment. */
  gold_accuracy: number | null;
  /** Why this annotator gets no more items in the project, or null. */
  blocked: ClaimRefusal | null;
}

/** Each annotator's judgments and gold accuracy in a project, with whether the quota or the gold cut-off stopped them (managers). */
export function goldStandings({ ctx, input }: { ctx: Ctx; input: { slug: string } }): GoldStanding[] {
  requireScope(ctx, "project:read");
  const db = ctx.db.$client;
  const project = stmt(db, PROJECT_SQL).get(input.slug) as ProjectRow | undefined;
  if (!project) throw notFound(`Project "${input.slug}"`);
  const totals = db
    .prepare(
      `select u.id as userId, u.email as email, count(*) as judged from judgments j join users u on u.id = j.user_id
       where j.project_id = ? group by u.id order by u.email`,
    )
    .all(project.id) as { userId: number; email: string; judged: number }[];
  const gold = new Map((db.prepare(`${GOLD_SCORE_SQL} group by j.user_id`).all({ project: project.id }) as (GoldScore & { userId: number })[]).map((g) => [g.userId, g]));
  const failed = failedQualifications(db, project.id);
  return totals.map((t) => {
    const g = gold.get(t.userId) ?? { judged: 0, correct: 0 };
    let blocked: ClaimRefusal | null = null;
    if (project.quota != null && t.judged >= project.quota) blocked = "quota_reached";
    if (belowGoldMinimum(project, g)) blocked = "gold_accuracy";
    if (failed.has(t.userId)) blocked = "qualification_failed";
    return {
      user_id: t.userId,
      email: t.email,
      judged: t.judged,
      gold_judged: g.judged,
      gold_correct: g.correct,
      gold_accuracy: g.judged ? g.correct / g.judged : null,
      blocked,
    };
  });
}

// Parsing the judgment schema is the same work for every claim in a project: keep the last result per text.
const schemaCache = new Map<string | null, ProjectJudgmentSchema>();
function schemaOf(text: string | null): ProjectJudgmentSchema {
  let s = schemaCache.get(text);
  if (!s) {
    s = effectiveSchema(text == null ? null : JSON.parse(text));
    if (schemaCache.size > 100) schemaCache.clear();
    schemaCache.set(text, s);
  }
  return s;
}

function loadClaim(db: Database.Database, project: ProjectRow, assignmentId: number, judged: number): Claim {
  const a = stmt(
    db,
    `select a.id, a.item_id as itemId, a.user_id as userId, a.slot_order as slotOrder, a.expires_at as expiresAt, i.prompt
     from assignments a join items i on i.id = a.item_id where a.id = ?`,
  ).get(assignmentId) as { id: number; itemId: number; userId: number; slotOrder: string; expiresAt: number; prompt: string };
  const byId = new Map(
    (stmt(db, `select id, content from candidates where item_id = ?`).all(a.itemId) as { id: number; content: string }[]).map((c) => [c.id, c.content]),
  );
  const slotOrder = JSON.parse(a.slotOrder) as number[];
  return {
    assignment: { id: a.id, expires_at: new Date(a.expiresAt).toISOString() },
    item: {
      id: a.itemId,
      prompt: JSON.parse(a.prompt) as Prompt,
      // Model names never leave the server for annotators: only slot and content. Gold items look the same.
      candidates: slotOrder.map((cid, i) => ({ slot: SLOT_LABELS[i], content: byId.get(cid) ?? "" })),
    },
    progress: { judged, ...projectCounts(db, project) },
    schema: schemaOf(project.judgmentSchema),
  };
}

// Project-wide counts shown beside each assignment are display figures: recomputing them (a scan of the
// project's items) on every claim would cost more than the claim itself, so they are kept for a second.
const countsCache = new Map<string, { at: number; items: number; complete_items: number }>();
const COUNTS_TTL_MS = 1000;

function projectCounts(db: Database.Database, project: Pick<ProjectRow, "id"> & OverlapSettings): { items: number; complete_items: number } {
  const base = baseOverlap(project);
  const key = `${db.name}\u0000${project.id}\u0000${base}`;
  const now = Date.now();
  const hit = countsCache.get(key);
  if (hit && now - hit.at < COUNTS_TTL_MS) return { items: hit.items, complete_items: hit.complete_items };
  const row = stmt(
    db,
    `select count(*) as items, coalesce(sum(judgment_count >= coalesce(judgment_target, ?) + extra_overlap), 0) as complete from items where project_id = ?`,
  ).get(base, project.id) as { items: number; complete: number };
  if (countsCache.size > 1000) countsCache.clear();
  countsCache.set(key, { at: now, items: row.items, complete_items: row.complete });
  return { items: row.items, complete_items: row.complete };
}

// The helpers below run inside the judgment service's immediate transaction, as prepared statements
// on the same connection (so inside the same transaction).

/** Loads an assignment that belongs to the caller; anyone else's is reported as not found. */
export function ownAssignment(tx: unknown, userId: number, id: number): typeof assignments.$inferSelect {
  const a = findRow(tx, assignments, { id });
  if (!a || a.userId !== userId) throw notFound(`Assignment ${id}`);
  return a;
}

/**
 * Seats still free on an item for a caller: the judgments it wants (its adaptive target, else
 * `overlap`, the project's baseOverlap; plus extra_overlap) minus judgments and other people's live
 * leases. Gold items are exempt from the overlap.
 */
export function freeSeats(tx: unknown, itemId: number, overlap: number, userId: number, now: number): number {
  const row = stmt(
    connectionOf(tx),
    `select gold is not null as gold, coalesce(judgment_target, ?) + extra_overlap - judgment_count -
       (select count(*) from assignments where item_id = items.id and status = 'leased' and expires_at > ? and user_id <> ?) as free
     from items where id = ?`,
  ).get(overlap, now, userId, itemId) as { gold: number; free: number } | undefined;
  if (!row) return 0;
  return row.gold ? Number.POSITIVE_INFINITY : row.free;
}

/** What a judgment on an assignment needs, read in one statement. */
export interface LeaseToJudge {
  assignment: typeof assignments.$inferSelect;
  project: Pick<Project, "slug" | "status" | "overlap" | "judgmentSchema" | "minJudgments" | "maxJudgments" | "stopAgreement">;
  /** Whether the item is a gold item (its judgments are marked gold). */
  gold: boolean;
}

const LEASE_TO_JUDGE_SQL = `select a.id, a.project_id as projectId, a.item_id as itemId, a.user_id as userId, a.status, a.slot_order as slotOrder,
  a.leased_at as leasedAt, a.expires_at as expiresAt, a.skip_reason as skipReason, a.closed_at as closedAt,
  p.slug, p.status as projectStatus, p.overlap, p.judgment_schema as judgmentSchema, i.gold is not null as gold,
  p.min_judgments as minJudgments, p.max_judgments as maxJudgments, p.stop_agreement as stopAgreement,
  p.visibility = 'everyone' or exists(select 1 from project_members m where m.project_id = a.project_id and m.user_id = a.user_id) as member
  from assignments a join projects p on p.id = a.project_id join items i on i.id = a.item_id where a.id = ?`;

/** The caller's assignment with its project's status, overlap and schema, and whether its item is gold; anyone else's is not found. */
export function leaseToJudge(db: unknown, userId: number, id: number): LeaseToJudge {
  const row = stmt(connectionOf(db), LEASE_TO_JUDGE_SQL).get(id) as Record<string, unknown> | undefined;
  if (!row || row.userId !== userId) throw notFound(`Assignment ${id}`);
  const { slug, projectStatus, overlap, judgmentSchema, gold, member, minJudgments, maxJudgments, stopAgreement, ...a } = row;
  // Removed from a members-only project (or it was closed to them) after taking the lease.
  if (member !== 1) throw forbidden(`You are no longer a member of project "${slug as string}": your lease on this item has ended.`);
  return {
    assignment: { ...(a as Omit<typeof assignments.$inferSelect, "slotOrder">), slotOrder: JSON.parse(a.slotOrder as string) as number[] },
    project: {
      slug: slug as string,
      status: projectStatus as Project["status"],
      overlap: overlap as number,
      minJudgments: minJudgments as number | null,
      maxJudgments: maxJudgments as number | null,
      stopAgreement: stopAgreement as number | null,
      judgmentSchema: judgmentSchema == null ? null : (JSON.parse(judgmentSchema as string) as Project["judgmentSchema"]),
    },
    gold: gold === 1,
  };
}

/** Marks a lease submitted and counts the judgment on its item (the counter claiming relies on). */
export function closeLease(tx: unknown, assignmentId: number, itemId: number, now: number): void {
  stmt(connectionOf(tx), `update assignments set status = 'submitted', closed_at = ? where id = ?`).run(now, assignmentId);
  stmt(connectionOf(tx), `update items set judgment_count = judgment_count + 1 where id = ?`).run(itemId);
}

/** Refuses judgments on a project that is not active (paused, archived or draft) with a 409. */
export function assertAcceptingJudgments(project: Pick<Project, "slug" | "status">): void {
  if (project.status === "active") return;
  throw new AppError("conflict", project.status === "paused" ? `Project "${project.slug}" is paused: it accepts no judgments until an admin resumes it.` : `Project "${project.slug}" is ${project.status}: it accepts no judgments.`, {
    reason: "project_not_active" satisfies ClaimRefusal,
    status: project.status,
  });
}

export function skipAssignment({ ctx, input }: { ctx: Ctx; input: { id: number; reason?: string } }): { skipped: true } {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const now = nowOf(ctx);
  writing(ctx.db, 
    (tx) => {
      const a = ownAssignment(tx, caller.userId, input.id);
      if (a.status === "skipped") return;
      if (a.status === "submitted") throw conflict("This item was already judged; it cannot be skipped.");
      tx.update(assignments)
        .set({ status: "skipped", skipReason: input.reason?.slice(0, 500) ?? null, closedAt: now })
        .where(eq(assignments.id, a.id))
        .run();
      audit(tx, ctx, { action: "assignment.skip", targetType: "item", targetId: a.itemId, detail: { reason: input.reason ?? null } });
    },
  );
  return { skipped: true };
}

