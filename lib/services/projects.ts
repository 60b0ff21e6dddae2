// Projects: creating and reading labeling campaigns, and their progress.
import { z } from "zod";
import type { Db } from "@/db/client";
import { jsonText, type Engine } from "@/db/engine";
import {
  ALL_PROJECTS,
  GOLD_ITEM_COUNT,
  INSERT_PROJECT,
  IS_MEMBER,
  ITEM_COUNT,
  ITEMS_WITH_METADATA,
  MEMBER_COUNT,
  PROJECT_BY_SLUG,
  PROJECT_PROGRESS,
  PROJECT_SLUG_TAKEN,
  PROJECT_TAG_KEYS,
  SET_ITEM_TAGS,
  SET_PROJECT_TAG_KEYS,
  UPDATE_PROJECT,
  updateProjectParams,
  USER_JUDGMENT_COUNT,
  WORK_LEFT,
  type ProjectRow,
} from "@/db/queries/projects";
import { projects } from "@/db/schema";
import { PROJECT_DEFAULTS } from "@/db/schema/constants";
import { effectiveSchema, projectJudgmentSchema } from "@/lib/formats/judgment";
import { can } from "@/lib/auth/permissions";
import { audit } from "./audit";
import { requireCaller, requireScope, type Ctx, countRows } from "./context";
import { AppError, badRequest, conflict, notFound, parseInput, type FieldErrors } from "./errors";
import { PROJECT_SETTINGS, projectSettingsShape } from "./project-settings";
import { adaptiveRule, baseOverlap, retargetProject } from "./adaptive";
import { requestReprioritise, resetPairingPriorities } from "./pairing";
import { FormatError } from "@/lib/formats/errors";
import { readTags, tagKey } from "@/lib/formats/tags";

export const projectInput = z.object({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit"),
  name: z.string().trim().min(1, "must not be empty").max(200),
  overlap: PROJECT_SETTINGS.overlap.schema.default(PROJECT_DEFAULTS.overlap),
  leaseMinutes: PROJECT_SETTINGS.leaseMinutes.schema.default(PROJECT_DEFAULTS.leaseMinutes),
  guidelines: z.string().max(100_000).default(""),
  /** New projects start as drafts, hidden from annotators until an admin activates them (the seeded demo passes `active`). */
  status: PROJECT_SETTINGS.status.schema.default("draft"),
  /** What annotators record (lib/formats/judgment.ts); omitted or null means plain pairwise defaults. */
  judgmentSchema: projectJudgmentSchema.nullable().optional(),
});
export type ProjectInput = z.input<typeof projectInput>;
export type Project = ProjectRow;


export async function createProject({ ctx, input }: { ctx: Ctx; input: ProjectInput }): Promise<Project> {
  requireScope(ctx, "project:write");
  const data = parseInput(projectInput, input);
  return ctx.db.write(async (tx) => {
    if ((await tx.first(PROJECT_SLUG_TAKEN, [data.slug])) !== undefined) {
      throw conflict(`A project with slug "${data.slug}" already exists.`);
    }
    const project = (await tx.first(INSERT_PROJECT, [
      data.slug,
      data.name,
      data.overlap,
      data.leaseMinutes,
      data.guidelines,
      data.status,
      data.judgmentSchema == null ? null : jsonText(data.judgmentSchema),
    ]))!;
    await audit(tx, ctx, { action: "project.create", targetType: "project", targetId: project.id, detail: { slug: project.slug } });
    return project;
  });
}

/**
 * Loads a project by slug, or throws not_found. It checks no permission: every caller authorizes
 * first (the services with requireScope, pages with requirePageCaller); annotators reach projects
 * through getWorkProject, which hides the ones they may not work on.
 */
export async function getProject({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Promise<Project> {
  const project = await ctx.db.first(PROJECT_BY_SLUG, [input.slug]);
  if (!project) throw notFound(`Project "${input.slug}"`);
  return project;
}

/**
 * A project as an annotator may see it: a caller who cannot read every project (an annotator) gets
 * not_found, as for a project that does not exist, unless the project is active or paused and open
 * to them (visibility `everyone`, or they are a member).
 */
export async function getWorkProject({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Promise<Project> {
  const project = await getProject({ ctx, input });
  const caller = ctx.caller;
  if (caller && !can(caller.role, "project:read") && !(isWorkable(project.status) && (await isMember(ctx, project.id, caller.userId)))) {
    throw notFound(`Project "${input.slug}"`);
  }
  return project;
}

/** Statuses in which annotators see a project (a paused one tells them it is paused). */
export function isWorkable(status: Project["status"]): boolean {
  return status === "active" || status === "paused";
}

export interface ProjectProgress {
  items: number;
  judgments: number;
  completeItems: number;
}

/** A database to read from: the engine, a write's `tx` or a snapshot. */
type Reader = { db: Pick<Engine, "first"> };

export async function projectProgress(ctx: Reader, project: Pick<Project, "id" | "overlap" | "minJudgments" | "maxJudgments" | "stopAgreement">): Promise<ProjectProgress> {
  return (await ctx.db.first(PROJECT_PROGRESS, [baseOverlap(project), project.id]))!;
}

export interface ProjectSummary {
  slug: string;
  name: string;
  status: Project["status"];
  overlap: number;
  leaseMinutes: number;
  progress: ProjectProgress;
  /** Judgments by the caller in this project. */
  mine: number;
  /**
   * Whether the caller has done all they may here: no item left that still wants a judgment and
   * that they have not judged or skipped, or their quota reached. Their list shows it as done.
   */
  finished: boolean;
}

/**
 * The projects the caller can see, with progress. Managers and admins see every project; an
 * annotator sees the active and paused projects they are a member of (or that have no members).
 */
export async function listProjects({ ctx }: { ctx: Ctx }): Promise<ProjectSummary[]> {
  const caller = requireCaller(ctx);
  if (!can(caller.role, "project:read") && !can(caller.role, "assignment:work")) return [];
  const readsAll = can(caller.role, "project:read");
  const out: ProjectSummary[] = [];
  for (const p of await ctx.db.many(ALL_PROJECTS)) {
    if (!readsAll && !(isWorkable(p.status) && (await isMember(ctx, p.id, caller.userId)))) continue;
    const mine = await countRows(ctx.db, USER_JUDGMENT_COUNT, [p.id, caller.userId]);
    out.push({
      slug: p.slug,
      name: p.name,
      status: p.status,
      overlap: p.overlap,
      leaseMinutes: p.leaseMinutes,
      progress: await projectProgress(ctx, p),
      mine,
      finished: (p.quota != null && mine >= p.quota) || !(await hasWorkLeft(ctx, p, caller.userId)),
    });
  }
  return out;
}

/**
 * Whether an item is left for this user: one that still wants judgments (gold items aside, as the
 * claim serves them only between others) and that they have neither judged nor skipped. Others'
 * leases do not count: they expire. Stops at the first such item.
 */
export async function hasWorkLeft(ctx: Reader, project: Pick<Project, "id" | "overlap">, userId: number): Promise<boolean> {
  return (await ctx.db.first(WORK_LEFT, [project.id, project.overlap, userId, userId]))!;
}

/** Every project with its progress, oldest first, for whoever may read every project (the CLI, admins, managers). */
export async function listAllProjects({ ctx }: { ctx: Ctx }): Promise<{ project: Project; progress: ProjectProgress }[]> {
  requireScope(ctx, "project:read");
  const out: { project: Project; progress: ProjectProgress }[] = [];
  for (const project of await ctx.db.many(ALL_PROJECTS)) out.push({ project, progress: await projectProgress(ctx, project) });
  return out;
}

/** Whether a user may work on a project: it is open to everyone, or lists the user as a member. */
export async function isMember(ctx: Reader, projectId: number, userId: number): Promise<boolean> {
  return (await ctx.db.first(IS_MEMBER, [userId, projectId])) ?? false;
}

/**
 * What an admin may change on a project: the settings of PROJECT_SETTINGS (project-settings.ts),
 * the name, guidelines and judgment schema. Every field is optional; null clears a limit.
 */
export const projectSettingsInput = z
  .object({
    slug: z.string().trim().min(1),
    name: z.string().trim().min(1, "must not be empty").max(200).optional(),
    guidelines: z.string().max(100_000).optional(),
    ...projectSettingsShape(),
    judgmentSchema: projectJudgmentSchema.nullable().optional(),
  })
  .strict();
export type ProjectSettingsInput = z.input<typeof projectSettingsInput>;

/**
 * Adaptive overlap's settings go together: min and max both set (min ≤ max) or both cleared, and a
 * stopping agreement only with them. Refused with each problem next to its field.
 */
function checkAdaptiveOverlap(next: Pick<Project, "minJudgments" | "maxJudgments" | "stopAgreement">): void {
  const fields: FieldErrors = {};
  if (next.minJudgments != null && next.maxJudgments == null) fields.maxJudgments = "required with min judgments (--max-judgments N): the most judgments an item may get";
  if (next.minJudgments == null && next.maxJudgments != null) fields.minJudgments = "required with max judgments (--min-judgments N): the judgments every item gets";
  if (next.minJudgments != null && next.maxJudgments != null && next.minJudgments > next.maxJudgments) {
    fields.maxJudgments = `must be at least min judgments (${next.minJudgments})`;
  }
  if (next.stopAgreement != null && next.minJudgments == null && next.maxJudgments == null) {
    fields.stopAgreement = "applies to adaptive overlap only: set min and max judgments too (--min-judgments N --max-judgments N)";
  }
  const entries = Object.entries(fields);
  if (entries.length) throw new AppError("bad_request", entries.map(([k, m]) => `${k}: ${m}`).join("; "), undefined, fields);
}

/**
 * A new `tagsFrom` key applies to the items already there: each item whose metadata has the key takes
 * its tags from it (the others keep theirs). One bad value refuses the setting, naming the item.
 */
async function retagFromMetadata(tx: Engine, projectId: number, key: string): Promise<number> {
  const rows = await tx.many(ITEMS_WITH_METADATA, [projectId]);
  let retagged = 0;
  const keys = new Set((await tx.first(PROJECT_TAG_KEYS, [projectId]))!);
  for (const row of rows) {
    const metadata = row.metadata;
    if (!metadata || typeof metadata !== "object" || !Object.hasOwn(metadata, key)) continue;
    let tags: string[];
    try {
      tags = readTags(metadata[key], `metadata.${key}`);
    } catch (error) {
      if (error instanceof FormatError) throw badRequest(`tagsFrom: item "${row.externalId}" (id ${row.id}): ${error.message}`);
      throw error;
    }
    await tx.exec(SET_ITEM_TAGS, [tags.length ? jsonText(tags) : null, tagKey(tags), row.id]);
    if (tags.length) keys.add(tagKey(tags));
    retagged++;
  }
  await tx.exec(SET_PROJECT_TAG_KEYS, [jsonText([...keys].sort()), projectId]);
  return retagged;
}

/** Changes a project's settings (policies, status, judgment schema); writes the changed fields to the audit log. */
export async function updateProject({ ctx, input }: { ctx: Ctx; input: ProjectSettingsInput }): Promise<Project> {
  requireScope(ctx, "project:write");
  const { slug, ...changes } = parseInput(projectSettingsInput, input);
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<Project>;
  let pairingBefore: Project["contenderPairing"] | undefined;
  const updated = await ctx.db.write(
    async (tx) => {
      const project = await tx.first(PROJECT_BY_SLUG, [slug]);
      if (!project) throw notFound(`Project "${slug}"`);
      pairingBefore = project.contenderPairing;
      const next = { ...project, ...set };
      // The cut-off needs both halves: a minimum accuracy and the number of gold judgments it applies after.
      if ((next.minGoldAccuracy == null) !== (next.minGoldAfter == null)) {
        throw badRequest("minGoldAccuracy and minGoldAfter go together: set both (--min-gold-accuracy A --after N) or clear both.");
      }
      checkAdaptiveOverlap(next);
      // Gold answers are pairwise verdicts: on another judgment type nobody could ever answer one right.
      if (next.qualificationItems != null && effectiveSchema(next.judgmentSchema).type !== "pairwise") {
        throw new AppError("bad_request", `A qualification needs pairwise judgments (gold answers are pairwise verdicts); project "${slug}" records ${effectiveSchema(next.judgmentSchema).type} judgments.`, undefined, {
          qualificationItems: "needs a pairwise judgment schema",
        });
      }
      // A qualification needs its gold items before anyone is served: checked when it is set on an
      // active project or the project is activated (claims refuse with the same reason otherwise).
      if (next.status === "active" && next.qualificationItems != null && (set.qualificationItems !== undefined || set.status !== undefined)) {
        const gold = await countRows(tx, GOLD_ITEM_COUNT, [project.id]);
        if (gold < next.qualificationItems) {
          throw new AppError(
            "bad_request",
            `The qualification asks for ${next.qualificationItems} gold item(s) but project "${slug}" has ${gold}: add gold items, lower the number or leave the project inactive.`,
            undefined,
            { qualificationItems: `more than the project's ${gold} gold item(s)` },
          );
        }
      }
      if (Object.keys(set).length === 0) return project;
      const retagged = set.tagsFrom != null && set.tagsFrom !== project.tagsFrom ? await retagFromMetadata(tx, project.id, set.tagsFrom) : undefined;
      const updated = (await tx.first(UPDATE_PROJECT, updateProjectParams(next)))!;
      // A changed overlap rule applies to the items already there, in this transaction: each item's
      // target is recomputed from its judgments (an item that meets the new rule stops at once).
      const rule = adaptiveRule(updated);
      const before = adaptiveRule(project);
      let retargeted: number | undefined;
      if (JSON.stringify(rule) !== JSON.stringify(before)) retargeted = await retargetProject(tx, project.id, rule);
      // Adaptive pairing turned off: the generated items leave the levels it set (back to 0).
      const reset = project.contenderPairing === "adaptive" && updated.contenderPairing !== "adaptive" ? await resetPairingPriorities(tx, project.id) : undefined;
      await audit(tx, ctx, {
        action: "project.update",
        targetType: "project",
        targetId: project.id,
        projectId: project.id,
        detail: { slug, changes: set, ...(retargeted !== undefined ? { retargeted_items: retargeted } : {}), ...(retagged !== undefined ? { retagged } : {}), ...(reset !== undefined ? { reset_priorities: reset } : {}) },
      });
      return updated;
    },
  );
  // Turned on: the items already there get their pair's level now (after the commit, in its own transactions).
  if (set.contenderPairing === "adaptive" && pairingBefore !== "adaptive") await requestReprioritise({ db: ctx.db, caller: null, now: ctx.now }, updated.slug, "setting");
  return updated;
}

/** What a project needs before annotators see it: the admin project page's checklist next to the Activate button. */
export interface ProjectChecklist {
  status: Project["status"];
  items: number;
  guidelines: boolean;
  /** Whether a judgment schema was chosen; without one annotators record plain pairwise choices. */
  judgmentSchema: boolean;
  visibility: Project["visibility"];
  /** Members of the project (a members-only project with none is open to nobody). */
  members: number;
}

export async function projectChecklist({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Promise<ProjectChecklist> {
  requireScope(ctx, "project:write");
  const project = await getProject({ ctx, input });
  return {
    status: project.status,
    items: await countRows(ctx.db, ITEM_COUNT, [project.id]),
    guidelines: project.guidelines.trim() !== "",
    judgmentSchema: project.judgmentSchema != null,
    visibility: project.visibility,
    members: await countRows(ctx.db, MEMBER_COUNT, [project.id]),
  };
}

