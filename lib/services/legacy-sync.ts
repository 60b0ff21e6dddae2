// TRANSITION (issue 11): synchronous copies of the lease, adaptive-overlap and gold-feedback helpers
// as they were before lib/services/{assignment,adaptive,qualification}.ts moved to the engine
// interface. Modules not yet moved (judgments, importer, projects, stats) call them inside their
// SQLite transactions, which cannot await. Delete this file when those modules move: their calls go
// to the async originals (same names, same arguments, `await`, the write's `tx`).
import type Database from "better-sqlite3";
import { assignments } from "@/db/schema";
import type { ProjectStatus, QualificationStatus } from "@/db/schema/constants";
import type { ProjectJudgmentSchema } from "@/lib/formats/judgment";
import { choiceOfVerdict, matchesGold, verdictOfChoice, type Verdict } from "@/lib/formats/verdict";
import { adaptiveFigures, judgmentsNeeded, type AdaptiveFigures, type AdaptiveRule, type VerdictVote } from "@/lib/stats";
import { VERDICT_JOIN_SQL, VERDICT_SQL } from "@/db/queries/verdict";
import { adaptiveRule, type OverlapSettings } from "./adaptive";
import { forbidden, notFound } from "./errors";
import { connectionOf, findRow, prepared } from "./statements";

const stmt = (db: Database.Database, text: string) => prepared(db, text);

// Leases (lib/services/assignment.ts).

export function ownAssignment(tx: unknown, userId: number, id: number): typeof assignments.$inferSelect {
  const a = findRow(tx, assignments, { id });
  if (!a || a.userId !== userId) throw notFound(`Assignment ${id}`);
  return a;
}

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

const LEASE_TO_JUDGE_SQL = `select a.id, a.project_id as projectId, a.item_id as itemId, a.user_id as userId, a.status, a.slot_order as slotOrder,
  a.leased_at as leasedAt, a.expires_at as expiresAt, a.skip_reason as skipReason, a.closed_at as closedAt,
  p.slug, p.status as projectStatus, p.overlap, p.judgment_schema as judgmentSchema, i.gold is not null as gold,
  p.min_judgments as minJudgments, p.max_judgments as maxJudgments, p.stop_agreement as stopAgreement,
  p.visibility = 'everyone' or exists(select 1 from project_members m where m.project_id = a.project_id and m.user_id = a.user_id) as member
  from assignments a join projects p on p.id = a.project_id join items i on i.id = a.item_id where a.id = ?`;

export function leaseToJudge(db: unknown, userId: number, id: number) {
  const row = stmt(connectionOf(db), LEASE_TO_JUDGE_SQL).get(id) as Record<string, unknown> | undefined;
  if (!row || row.userId !== userId) throw notFound(`Assignment ${id}`);
  const { slug, projectStatus, overlap, judgmentSchema, gold, member, minJudgments, maxJudgments, stopAgreement, ...a } = row;
  if (member !== 1) throw forbidden(`You are no longer a member of project "${slug as string}": your lease on this item has ended.`);
  return {
    assignment: { ...(a as Omit<typeof assignments.$inferSelect, "slotOrder">), slotOrder: JSON.parse(a.slotOrder as string) as number[] },
    project: {
      slug: slug as string,
      status: projectStatus as ProjectStatus,
      overlap: overlap as number,
      minJudgments: minJudgments as number | null,
      maxJudgments: maxJudgments as number | null,
      stopAgreement: stopAgreement as number | null,
      judgmentSchema: judgmentSchema == null ? null : (JSON.parse(judgmentSchema as string) as ProjectJudgmentSchema),
    },
    gold: gold === 1,
  };
}

export function closeLease(tx: unknown, assignmentId: number, itemId: number, now: number): void {
  stmt(connectionOf(tx), `update assignments set status = 'submitted', closed_at = ? where id = ?`).run(now, assignmentId);
  stmt(connectionOf(tx), `update items set judgment_count = judgment_count + 1 where id = ?`).run(itemId);
}

// Adaptive overlap (lib/services/adaptive.ts).

const ITEM_VOTES_SQL = `select ${VERDICT_SQL} from judgments j ${VERDICT_JOIN_SQL} where j.item_id = ? order by j.created_at, j.id`;

function itemVotes(db: unknown, itemId: number): VerdictVote[] {
  return prepared(db, ITEM_VOTES_SQL, "pluck").all(itemId) as VerdictVote[];
}

export function retargetItem(db: unknown, rule: AdaptiveRule, itemId: number): number {
  const target = judgmentsNeeded(itemVotes(db, itemId), rule);
  prepared(db, `update items set judgment_target = ? where id = ? and gold is null and judgment_target is not ?`).run(target, itemId, target);
  return target;
}

const PROJECT_VOTES_SQL = `select i.id, i.gold is not null, i.extra_overlap, j.id, ${VERDICT_SQL}
  from items i left join judgments j on j.item_id = i.id ${VERDICT_JOIN_SQL}
  where i.project_id = ? order by i.id, j.created_at, j.id`;
type VoteTuple = [item: number, gold: number, extra: number, judgment: number | null, verdict: VerdictVote];

function* projectItemVotes(db: Database.Database, projectId: number): Generator<{ id: number; gold: boolean; extra: number; votes: VerdictVote[] }> {
  let current = null as { id: number; gold: boolean; extra: number; votes: VerdictVote[] } | null;
  for (const r of prepared(db, PROJECT_VOTES_SQL, "raw").iterate(projectId) as IterableIterator<VoteTuple>) {
    if (current?.id !== r[0]) {
      if (current) yield current;
      current = { id: r[0], gold: r[1] === 1, extra: r[2], votes: [] };
    }
    if (r[3] !== null) current.votes.push(r[4]);
  }
  if (current) yield current;
}

export function retargetProject(db: unknown, projectId: number, rule: AdaptiveRule | null): number {
  const client = connectionOf(db);
  if (!rule) return prepared(client, `update items set judgment_target = null where project_id = ? and judgment_target is not null`).run(projectId).changes;
  const targets: [number, number | null][] = [];
  for (const item of projectItemVotes(client, projectId)) targets.push([item.id, item.gold ? null : judgmentsNeeded(item.votes, rule)]);
  const set = prepared(client, `update items set judgment_target = ? where id = ? and judgment_target is not ?`);
  let changed = 0;
  for (const [id, target] of targets) changed += set.run(target, id, target).changes;
  return changed;
}

export function adaptiveFiguresOf(db: unknown, projectId: number, settings: OverlapSettings): AdaptiveFigures | null {
  const rule = adaptiveRule(settings);
  if (!rule) return null;
  const regular = function* () {
    for (const item of projectItemVotes(connectionOf(db), projectId)) if (!item.gold) yield item;
  };
  return adaptiveFigures(regular(), rule);
}

// Gold feedback and qualification answers (lib/services/qualification.ts).

interface Settings {
  id: number;
  slug: string;
  required: number | null;
  accuracy: number;
  training: number;
}

interface AttemptRow {
  id: number;
  attempt: number;
  status: QualificationStatus;
  judged: number;
  correct: number;
}

const SETTINGS_SQL = `select id, slug, qualification_items as required, qualification_accuracy as accuracy, training_mode as training from projects where id = ?`;
const CURRENT_SQL = `select id, attempt, status, judged, correct from qualification_attempts
  where project_id = ? and user_id = ? order by attempt desc limit 1`;

function settingsOf(db: Database.Database, projectId: number): Settings {
  return stmt(db, SETTINGS_SQL).get(projectId) as Settings;
}

function viewOf(a: AttemptRow, s: Settings) {
  return { status: a.status, attempt: a.attempt, judged: a.judged, correct: a.correct, required: s.required ?? 0, accuracy_required: s.accuracy };
}

function currentAttempt(db: Database.Database, projectId: number, userId: number, now: number): AttemptRow {
  const row = stmt(db, CURRENT_SQL).get(projectId, userId) as AttemptRow | undefined;
  if (row) return row;
  return stmt(
    db,
    `insert into qualification_attempts (project_id, user_id, attempt, status, started_at) values (?, ?, 1, 'pending', ?)
     returning id, attempt, status, judged, correct`,
  ).get(projectId, userId, now) as AttemptRow;
}

function decide(db: Database.Database, a: AttemptRow, s: Settings, now: number): AttemptRow {
  if (a.status !== "pending" || s.required == null || a.judged < s.required) return a;
  const status: QualificationStatus = a.correct >= Math.ceil(s.accuracy * a.judged - 1e-9) ? "passed" : "failed";
  stmt(db, `update qualification_attempts set status = ?, decided_at = ? where id = ?`).run(status, now, a.id);
  return { ...a, status };
}

interface JudgedGold {
  projectId: number;
  userId: number;
  itemId: number;
  judgmentId: number;
  choice: Verdict | null;
  slotOrder: number[];
}

function goldOf(db: Database.Database, itemId: number): { verdict: Verdict; explanation: string | null; positions: number[] } | null {
  const row = stmt(db, `select json_extract(gold, '$.choice') as verdict, json_extract(gold, '$.explanation') as explanation from items where id = ?`).get(itemId) as
    | { verdict: Verdict | null; explanation: string | null }
    | undefined;
  if (!row?.verdict) return null;
  const positions = (stmt(db, `select id from candidates where item_id = ? order by position`).all(itemId) as { id: number }[]).map((c) => c.id);
  return { verdict: row.verdict, explanation: row.explanation ?? null, positions };
}

export function recordGoldJudgment(tx: unknown, j: JudgedGold, now: number) {
  const db = connectionOf(tx);
  const s = settingsOf(db, j.projectId);
  const gold = goldOf(db, j.itemId);
  if (!gold) return null;
  const verdict = j.choice ? verdictOfChoice(j.choice, j.slotOrder, gold.positions) : null;
  const correct = verdict != null && matchesGold(verdict, gold.verdict);
  let view: ReturnType<typeof viewOf> | null = null;
  let counted = false;
  if (s.required != null) {
    let a = currentAttempt(db, j.projectId, j.userId, now);
    if (a.status === "pending" && a.judged < s.required) {
      stmt(
        db,
        `insert into qualification_answers (attempt_id, item_id, judgment_id, choice, verdict, correct, created_at) values (?, ?, ?, ?, ?, ?, ?)`,
      ).run(a.id, j.itemId, j.judgmentId, j.choice, verdict, correct ? 1 : 0, now);
      a = stmt(db, `update qualification_attempts set judged = judged + 1, correct = correct + ? where id = ? returning id, attempt, status, judged, correct`).get(correct ? 1 : 0, a.id) as AttemptRow;
      a = decide(db, a, s, now);
      counted = true;
    }
    view = viewOf(a, s);
  }
  if (!counted && !s.training) return null;
  return { answer: choiceOfVerdict(gold.verdict, j.slotOrder, gold.positions) ?? gold.verdict, correct, explanation: gold.explanation, qualification: view };
}

export function feedbackOf(tx: unknown, j: JudgedGold) {
  const db = connectionOf(tx);
  const s = settingsOf(db, j.projectId);
  const gold = goldOf(db, j.itemId);
  if (!gold || !(s.training || shownAnswer(db, j.judgmentId))) return null;
  const verdict = j.choice ? verdictOfChoice(j.choice, j.slotOrder, gold.positions) : null;
  const a = s.required == null ? undefined : (stmt(db, CURRENT_SQL).get(j.projectId, j.userId) as AttemptRow | undefined);
  return {
    answer: choiceOfVerdict(gold.verdict, j.slotOrder, gold.positions) ?? gold.verdict,
    correct: verdict != null && matchesGold(verdict, gold.verdict),
    explanation: gold.explanation,
    qualification: a ? viewOf(a, s) : null,
  };
}

function shownAnswer(db: Database.Database, judgmentId: number): boolean {
  return !!stmt(db, `select 1 from qualification_answers where judgment_id = ?`).get(judgmentId);
}

export function answerWasShown(tx: unknown, judgment: { id: number; projectId: number; gold: boolean }): boolean {
  if (!judgment.gold) return false;
  const db = connectionOf(tx);
  return !!settingsOf(db, judgment.projectId).training || shownAnswer(db, judgment.id);
}
