// Hands out work: leases the next item an annotator may judge, exactly, under concurrent callers.
// Capacity is counted as submitted judgments plus unexpired leases, so an item never collects more
// judgments than it wants: the project's overlap, or under adaptive overlap the item's judgment_target
// (lib/services/adaptive.ts), plus the item's extra_overlap; expired leases are ignored at claim
// time, no background job needed. Gold items are exempt from the overlap: every
// annotator may get each one once, mixed into their stream at the project's gold rate.
// A claim is one annotator's write transaction (ctx.db.write with `{ annotator }`, db/engine.ts): on
// SQLite no other writer runs in between its reads and its lease; on PostgreSQL other annotators'
// claims and judgments run alongside it, and it stays exact by locks (db/postgres.ts): the
// annotator's own lock covers everything of theirs it reads (leases, judgments, quota, gold score,
// qualification), and the row of the item it leases covers that item's seats. The pick locks the
// item (skipping items others hold) and the lease re-counts the seats after the lock (LEASE_SEAT);
// a claim waits for a locked item only while it holds no other, so locks never wait in a circle.
// It is the hottest path of the application (see test/bench/claim.bench.ts): a handful of
// statements, no more.
import { randomInt } from "node:crypto";
import { z } from "zod";
import { at, jsonText, type Engine, type Statements } from "@/db/engine";
import {
  ASSIGNMENT_BY_ID,
  CANDIDATE_IDS,
  CLAIM_PROJECT,
  FREE_SEATS,
  GOLD_SCORE,
  GOLD_SCORES,
  HELD_LEASES,
  ID_SPAN,
  JUDGED_TOTALS,
  LEASE_ITEM,
  LEASE_SEAT,
  LEASE_TO_JUDGE,
  LEASED_ITEM_ROWS,
  leasedItem,
  PICK,
  PICK_KEYS,
  PRIORITY_BELOW,
  PROJECT_COUNTS,
  PROJECT_LIMITS,
  SET_LEASE_EXPIRY,
  SKIP_LEASE,
  SUBMIT_LEASE,
  type Assignment,
  type ClaimProject,
  type GoldScore,
  type LeasedItem,
  type PickedItem,
  type PickValues,
} from "@/db/queries/assignment";
import type { Prompt } from "@/lib/formats/record";
import { effectiveSchema, SLOT_LABELS, type ProjectJudgmentSchema } from "@/lib/formats/judgment";
import { audit } from "./audit";
import { countJudgment } from "./judgment-counts";
import { nowOf, requireCaller, requireScope, type Caller, type Ctx } from "./context";
import { AppError, conflict, forbidden, notFound, parseInput } from "./errors";
import { can } from "@/lib/auth/permissions";
import { isWorkable, type Project } from "./projects";
import { baseOverlap, overlapBound, type OverlapSettings } from "./adaptive";
import { failedQualifications, pickQualificationItem, qualificationGate } from "./qualification";
import { MAX_SKILLS, servableKeys, TAG_PATTERN, TAG_RULE } from "@/lib/formats/tags";

export type { Assignment } from "@/db/queries/assignment";


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

function shuffled<T>(values: T[]): T[] {
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

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

// Routes depend only on values the claim reads in its own transaction (the project's tag keys and
// the caller's skills, as stored) and the caller's choice, and those values are the cache key: when
// another instance changes a project's keys or someone's skills, the next claim reads the new values
// and so a new key. A cached entry is exactly what working the routes out again would give.
const routesCache = new Map<string, Routes>();

/**
 * Which items a claim may serve under the project's routing rule and the caller's skills, narrowed
 * to `chosen` when the annotator picked some of their skills in the workspace.
 */
function routesFor(project: ClaimProject, chosen: string[] | null): Routes {
  if (project.routing === "open" && !chosen) return UNROUTED;
  // The same project keys, skills and choice give the same routes: worked out once per combination.
  const cacheKey = `${project.routing}\u0000${project.tagKeysText}\u0000${project.skillsText}\u0000${chosen?.join(",") ?? ""}`;
  const hit = routesCache.get(cacheKey);
  if (hit) return hit;
  const skills = JSON.parse(project.skillsText) as string[];
  for (const skill of chosen ?? []) {
    if (!skills.includes(skill)) throw new AppError("bad_request", `You do not hold the skill "${skill}"; choose among ${skills.length ? skills.join(", ") : "none (you hold no skills)"}.`, undefined, { skills: `"${skill}" is not one of your skills` });
  }
  const keys = ["", ...(JSON.parse(project.tagKeysText) as string[])];
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
export async function claimNext({ ctx, input }: { ctx: Ctx; input: { slug: string; exclude?: number[]; skills?: string[] } }): Promise<Claim | null> {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const exclude = parseInput(excludeInput, input.exclude);
  // Skills the annotator narrowed their stream to (the workspace's choice); none or empty: no narrowing.
  const chosen = parseInput(skillsInput, input.skills);
  const now = nowOf(ctx);
  const skills = chosen?.length ? [...new Set(chosen)] : null;
  for (let attempt = 1; ; attempt++) {
    try {
      const claim = await ctx.db.write((tx) => claimIn(tx, caller, input.slug, now, exclude, skills), { annotator: caller.userId });
      return claim && shownClaim(ctx.db, claim);
    } catch (e) {
      if (!(e instanceof StartOver) || attempt >= MAX_CLAIM_ATTEMPTS) throw e;
    }
  }
}

/**
 * Thrown by a claim (PostgreSQL only) that must run again in a new transaction: its picked item's
 * last seat went to another claim between the pick's snapshot and its lock (the lease statement
 * ended the transaction, Engine.finish), so each time another claim took a seat; or the pick it sent
 * with the project read was made on values the project no longer has (TopPick), once per change.
 * So this ends. (A claim thus never holds one item while it waits for another, or keeps a lock a
 * wrong guess took, so claims never wait for each other in a circle.)
 */
class StartOver extends Error {}
const MAX_CLAIM_ATTEMPTS = 50;

/**
 * What a claim's transaction decided: the assignment, and the lease as shown when the transaction made
 * it (a new lease returns its item at once; a lease the caller held already is read after the commit).
 */
interface Claimed {
  assignmentId: number;
  project: ClaimProject;
  shown?: LeasedItem;
}

/**
 * What the first pick of an unrouted claim is sent with, but for the caller and the time: a
 * project's id, order and seat bounds and its top priority level (ids and numbers as CLAIM_PROJECT
 * reads them). A claim on PostgreSQL sends that pick in the same round trip as the project read, on
 * the values the last claim of the project read in this process (one round trip fewer, see
 * db/postgres.ts), and uses the pick only when the project row it reads gives the same values; so
 * another instance changing the project or its items costs the next claim here a start over, never
 * a wrong pick. Random order (a start drawn from the id span) and routed claims are not guessed.
 */
interface TopPick {
  project: number;
  orderPolicy: Exclude<ClaimProject["orderPolicy"], "random">;
  overlap: number;
  bound: number;
  priority: number;
}

const topPicks = new Map<string, TopPick>();

function topPickOf(project: ClaimProject): TopPick | undefined {
  if (project.orderPolicy === "random" || project.routing !== "open" || project.topPriority == null) return undefined;
  return { project: project.id, orderPolicy: project.orderPolicy, overlap: baseOverlap(project), bound: overlapBound(project) + project.maxExtra, priority: project.topPriority };
}

function sameTopPick(a: TopPick, b: TopPick): boolean {
  return a.project === b.project && a.orderPolicy === b.orderPolicy && a.overlap === b.overlap && a.bound === b.bound && a.priority === b.priority;
}

/** Keyed by the database's location and the project's slug, as the claim names it. */
function rememberTopPick(key: string, pick: TopPick): void {
  if (topPicks.size >= 1000 && !topPicks.has(key)) topPicks.clear();
  topPicks.set(key, pick);
}

/** The claim itself, in its write transaction: the checks that may refuse, then the lease. */
async function claimIn(tx: Engine, caller: Caller, slug: string, now: number, exclude: number[], chosen: string[] | null): Promise<Claimed | null> {
  const userId = caller.userId;
  const projectArgs = [userId, userId, userId, userId, at(now), JSON.stringify(exclude), slug];
  // On PostgreSQL the first pick goes with the project read, on what the last claim of this project
  // read (see TopPick); the guess is checked against the row read here, in the same transaction.
  const guessKey = `${tx.location}\u0000${slug}`;
  const guess = tx.kind === "postgres" && !chosen ? topPicks.get(guessKey) : undefined;
  let project: ClaimProject | undefined;
  let guessed: PickedItem | undefined;
  if (guess) {
    const q = PICK[guess.orderPolicy];
    [project, guessed] = await tx.firstOfBoth(CLAIM_PROJECT, projectArgs, q, q.args({ ...guess, user: userId, now: at(now) }));
  } else {
    project = await tx.first(CLAIM_PROJECT, projectArgs);
  }
  const actual = project && !chosen ? topPickOf(project) : undefined;
  if (actual) rememberTopPick(guessKey, actual);
  else topPicks.delete(guessKey);
  const sameGuess = guess !== undefined && actual !== undefined && sameTopPick(guess, actual);
  // A wrong guess (the project's settings or items changed since) may have locked an item: the
  // claim starts over without that lock, with the values just read as its guess.
  if (guess && !sameGuess && guessed) throw new StartOver();
  if (!project) throw notFound(`Project "${slug}"`);
  // An annotator learns nothing of a project they may not work on, not even that it exists.
  const readsAll = can(caller.role, "project:read");
  if (!readsAll && !(isWorkable(project.status) && project.member)) throw notFound(`Project "${slug}"`);
  if (project.status !== "active") {
    throw new AppError("conflict", `Project "${project.slug}" is ${project.status}: it serves no items${project.status === "paused" ? " until an admin resumes it" : ""}.`, {
      reason: "project_not_active" satisfies ClaimRefusal,
      status: project.status,
    });
  }
  // (An annotator's membership was checked above; an admin, who sees every project, may still not be a member.)
  if (readsAll && !project.member) {
    throw new AppError("forbidden", `You are not a member of project "${project.slug}"; an admin chooses who works on it.`, {
      reason: "not_member" satisfies ClaimRefusal,
    });
  }
  const judged = project.judged;
  if (project.quota != null && judged >= project.quota) {
    throw new AppError("conflict", `You have reached your quota of ${project.quota} judgment(s) in project "${project.slug}".`, {
      reason: "quota_reached" satisfies ClaimRefusal,
      quota: project.quota,
    });
  }
  if (project.minGoldAccuracy != null && project.minGoldAfter != null) {
    const gold = (await tx.first(GOLD_SCORE, [project.id, userId]))!;
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
  const settings = { id: project.id, slug: project.slug, required: project.qualificationItems, accuracy: project.qualificationAccuracy };
  const qualification = project.qualificationItems == null ? null : await qualificationGate(tx, settings, userId, now);

  // A lease the caller already holds comes back (a reload of the page), unless a limit above stopped
  // them. `exclude` names leases the client is showing already: the workspace prefetches the next
  // item while the current one is on screen, so it holds at most one extra lease.
  const routes = routesFor(project, chosen);
  // (The project row says whether there is any: most claims hold none and skip this read.)
  const heldLeases = project.holds ? await tx.many(HELD_LEASES, [userId, project.id, at(now), JSON.stringify(exclude)]) : [];
  const allowed = routes.restriction?.keys;
  const held = heldLeases.find((h) => !allowed || allowed.has(h.tagKey));
  // A held lease outside what the caller may now be served (they narrowed their stream, or lost a
  // skill) is released at once, so its seat goes to someone else instead of waiting for the expiry.
  for (const h of heldLeases) if (allowed && !allowed.has(h.tagKey)) await tx.exec(SET_LEASE_EXPIRY, [at(now), h.id]);
  if (held) return { assignmentId: held.id, project };

  const pickGoldItem = async () => {
    const values = { project: project.id, user: userId, now: at(now), keys: routes.restriction?.json };
    const q = routes.restriction ? PICK.gold_keys : PICK.gold;
    return (await tx.first(q, q.args(values))) ?? null;
  };
  const expiresAt = now + project.leaseMinutes * 60_000;
  // A gold item has no seats to count (every annotator may get it once): it is leased as picked.
  const leaseGold = async (gold: PickedItem) => {
    const shown = (await tx.finish(LEASE_ITEM, [project.id, gold.id, userId, jsonText(shuffled(gold.candidateIds)), at(now), at(expiresAt)]))!;
    return { assignmentId: shown.id, project, shown };
  };
  if (qualification?.status === "pending") {
    const itemId = await pickQualificationItem(tx, settings, userId, now, qualification, async () => (await pickGoldItem())?.id ?? null);
    if (itemId == null) return null;
    return leaseGold({ id: itemId, candidateIds: await tx.many(CANDIDATE_IDS, [itemId]) });
  }
  const gold = project.goldRate > 0 && Math.random() < project.goldRate;
  let picked: PickedItem | null = null;
  for (const keys of routes.passes) {
    picked = await pickRegular(tx, project, userId, now, keys, sameGuess ? { row: guessed } : undefined);
    if (picked != null) break;
  }
  if (picked == null) return null; // gold items alone are not work: the stream ends with the real items
  if (gold) {
    const goldItem = await pickGoldItem();
    if (goldItem) return leaseGold(goldItem);
  }
  // The claim's last statement: on PostgreSQL it commits with it (one round trip less).
  const shown = await tx.finish(LEASE_SEAT, [project.id, userId, jsonText(shuffled(picked.candidateIds)), at(now), at(expiresAt), picked.id, at(now), userId, baseOverlap(project)]);
  if (shown) return { assignmentId: shown.id, project, shown };
  // (PostgreSQL only: another claim took the last seat between the pick's snapshot and its lock.)
  throw new StartOver();
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/**
 * The next non-gold item with a free seat: highest priority first, then the project's order policy.
 * With `keys` (routing by skill, a JSON array), only items with one of those tag keys (PICK_KEYS).
 * On PostgreSQL the item comes locked, and items other transactions hold are skipped; when that
 * leaves none at a level, the pick waits for them (`waiting`) so that a level is only passed over
 * when it has no free seat. (A claim holds no other item while it waits: see StartOver.)
 */
async function pickRegular(tx: Statements, project: ClaimProject, userId: number, now: number, keys: string | null, top?: { row: PickedItem | undefined }): Promise<PickedItem | null> {
  if (keys === "[]") return null;
  // bound: no item wants more than the overlap (or the adaptive max) plus the largest extra_overlap.
  const values: Partial<PickValues> = { project: project.id, user: userId, now: at(now), overlap: baseOverlap(project), bound: overlapBound(project) + project.maxExtra, keys: keys ?? undefined };
  const picks = keys ? PICK_KEYS : PICK;
  let level = project.topPriority;
  while (level != null) {
    values.priority = level;
    let row: PickedItem | undefined;
    if (project.orderPolicy === "random") {
      // A random start among this project's ids at this priority, then the first free item from there.
      const span = (await tx.first(ID_SPAN, [project.id, level]))!;
      values.start = span.lo + randomInt(span.hi - span.lo + 1);
      const [from, before] = [picks.random_from, picks.random_before];
      row = (await tx.first(from, from.args(values))) ?? (await tx.first(before, before.args(values)));
      if (!row && tx.kind === "postgres") {
        row = (await tx.first(from.waiting, from.args(values))) ?? (await tx.first(before.waiting, before.args(values)));
      }
    } else {
      const q = picks[project.orderPolicy];
      // (The top level's pick may have been sent with the project read already: see TopPick.)
      row = level === project.topPriority && top ? top.row : await tx.first(q, q.args(values));
      // (On SQLite nothing is ever locked, so nothing was skipped.)
      if (!row && tx.kind === "postgres") {
        row = await tx.first(q.waiting, q.args(values));
      }
    }
    if (row) return row;
    level = (await tx.first(PRIORITY_BELOW, [project.id, level]))!.priority;
  }
  return null;
}

/** The cut-off: at least `minGoldAfter` gold judgments with an accuracy below `minGoldAccuracy`. */
function belowGoldMinimum(project: { minGoldAccuracy: number | null; minGoldAfter: number | null }, gold: GoldScore): boolean {
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
export async function goldStandings({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Promise<GoldStanding[]> {
  requireScope(ctx, "project:read");
  // One snapshot: the totals, the gold scores and the qualifications describe the same moment.
  return ctx.db.snapshot(async (view) => {
    const project = await view.first(PROJECT_LIMITS, [input.slug]);
    if (!project) throw notFound(`Project "${input.slug}"`);
    const totals = await view.many(JUDGED_TOTALS, [project.id]);
    const gold = new Map((await view.many(GOLD_SCORES, [project.id])).map((g) => [g.userId, g]));
    const failed = await failedQualifications(view, project.id);
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
  });
}

// Parsing the judgment schema is the same work for every claim in a project: keep the result per
// stored text (read in the claim's transaction, so another instance's change makes a new key).
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

/** The claim as the caller sees it, after its transaction committed (a held lease is read here). */
async function shownClaim(db: Statements, { project, assignmentId, shown }: Claimed): Promise<Claim> {
  const a = shown ?? leasedItem(await db.many(LEASED_ITEM_ROWS, [assignmentId]))!;
  const byId = a.contents;
  return {
    assignment: { id: a.id, expires_at: new Date(a.expiresAt).toISOString() },
    item: {
      id: a.itemId,
      prompt: a.prompt,
      // Model names never leave the server for annotators: only slot and content. Gold items look the same.
      candidates: a.slotOrder.map((cid, i) => ({ slot: SLOT_LABELS[i], content: byId.get(cid) ?? "" })),
    },
    progress: { judged: project.judged, ...(await projectCounts(db, project)) },
    schema: schemaOf(project.judgmentSchemaText),
  };
}

// Project-wide counts shown beside each assignment are display figures: recomputing them (a scan of the
// project's items) on every claim would cost more than the claim itself, so they are kept for a second.
// They may lag a second behind writes of this or another instance, as a figure on screen does anyway.
// One read per project at a time: the claims that find the figures stale while that read runs show the
// figures they had (or, with none yet, wait for that read) instead of each scanning the items again. (On
// PostgreSQL, where claims run alongside each other, every claim finishing during the scan used to start
// one of its own: a dozen scans per second at 300 claims a second, a third of a claim's database time.)
interface ProjectCounts {
  items: number;
  complete_items: number;
}
const countsCache = new Map<string, { at: number; counts: ProjectCounts }>();
const countsReads = new Map<string, Promise<ProjectCounts>>();
const COUNTS_TTL_MS = 1000;

async function projectCounts(db: Statements, project: Pick<ClaimProject, "id"> & OverlapSettings): Promise<ProjectCounts> {
  const base = baseOverlap(project);
  const key = `${db.location}\u0000${project.id}\u0000${base}`;
  const kept = countsCache.get(key);
  if (kept && Date.now() - kept.at < COUNTS_TTL_MS) return kept.counts;
  const running = countsReads.get(key);
  if (running) return kept?.counts ?? running;
  const read = (async () => {
    try {
      const readAt = Date.now();
      const row = (await db.first(PROJECT_COUNTS, [base, project.id]))!;
      const counts = { items: row.items, complete_items: row.complete };
      if (countsCache.size > 1000) countsCache.clear();
      countsCache.set(key, { at: readAt, counts });
      return counts;
    } finally {
      countsReads.delete(key);
    }
  })();
  countsReads.set(key, read);
  return read;
}

// The helpers below run inside the judgment service's write transaction, on its `tx`.

/** Loads an assignment that belongs to the caller; anyone else's is reported as not found. */
export async function ownAssignment(tx: Statements, userId: number, id: number): Promise<Assignment> {
  const a = await tx.first(ASSIGNMENT_BY_ID, [id]);
  if (!a || a.userId !== userId) throw notFound(`Assignment ${id}`);
  return a;
}

/**
 * Seats still free on an item for a caller: the judgments it wants (its adaptive target, else
 * `overlap`, the project's baseOverlap; plus extra_overlap) minus judgments and other people's live
 * leases. Gold items are exempt from the overlap.
 */
export async function freeSeats(tx: Statements, itemId: number, overlap: number, userId: number, now: number): Promise<number> {
  const row = await tx.first(FREE_SEATS, [overlap, at(now), userId, itemId]);
  if (!row) return 0;
  return row.gold ? Number.POSITIVE_INFINITY : row.free;
}

/** What a judgment on an assignment needs, read in one statement. */
export interface LeaseToJudge {
  assignment: Assignment;
  project: Pick<Project, "slug" | "status" | "overlap" | "judgmentSchema" | "minJudgments" | "maxJudgments" | "stopAgreement">;
  /** Whether the item is a gold item (its judgments are marked gold). */
  gold: boolean;
}

/** The caller's assignment with its project's status, overlap and schema, and whether its item is gold; anyone else's is not found. */
export async function leaseToJudge(tx: Statements, userId: number, id: number): Promise<LeaseToJudge> {
  const row = await tx.first(LEASE_TO_JUDGE, [id]);
  if (!row || row.assignment.userId !== userId) throw notFound(`Assignment ${id}`);
  // Removed from a members-only project (or it was closed to them) after taking the lease.
  if (!row.member) throw forbidden(`You are no longer a member of project "${row.slug}": your lease on this item has ended.`);
  return {
    assignment: row.assignment,
    project: {
      slug: row.slug,
      status: row.projectStatus,
      overlap: row.overlap,
      minJudgments: row.minJudgments,
      maxJudgments: row.maxJudgments,
      stopAgreement: row.stopAgreement,
      judgmentSchema: row.judgmentSchema,
    },
    gold: row.gold,
  };
}

/** Marks a lease submitted and counts the judgment on its item and its annotator (the counters claiming relies on). */
export async function closeLease(tx: Statements, assignmentId: number, itemId: number, now: number): Promise<void> {
  await tx.exec(SUBMIT_LEASE, [at(now), assignmentId]);
  await countJudgment(tx, assignmentId, itemId);
}

/** Refuses judgments on a project that is not active (paused, archived or draft) with a 409. */
export function assertAcceptingJudgments(project: Pick<Project, "slug" | "status">): void {
  if (project.status === "active") return;
  throw new AppError("conflict", project.status === "paused" ? `Project "${project.slug}" is paused: it accepts no judgments until an admin resumes it.` : `Project "${project.slug}" is ${project.status}: it accepts no judgments.`, {
    reason: "project_not_active" satisfies ClaimRefusal,
    status: project.status,
  });
}

export async function skipAssignment({ ctx, input }: { ctx: Ctx; input: { id: number; reason?: string } }): Promise<{ skipped: true }> {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const now = nowOf(ctx);
  // An annotator's write (db/engine.ts): it decides on their own lease only, and frees a seat.
  await ctx.db.write(
    async (tx) => {
      const a = await ownAssignment(tx, caller.userId, input.id);
      if (a.status === "skipped") return;
      if (a.status === "submitted") throw conflict("This item was already judged; it cannot be skipped.");
      await tx.exec(SKIP_LEASE, [input.reason?.slice(0, 500) ?? null, at(now), a.id]);
      await audit(tx, ctx, { action: "assignment.skip", targetType: "item", targetId: a.itemId, detail: { reason: input.reason ?? null } });
    },
    { annotator: caller.userId },
  );
  return { skipped: true };
}
