// Projects: creating and reading labeling campaigns, and their progress.
import { and, asc, count, eq, isNotNull, sql } from "drizzle-orm";
import { z } from "zod";
import { items, judgments, projectMembers, projects } from "@/db/schema";
import { PROJECT_DEFAULTS } from "@/db/schema/constants";
import { effectiveSchema, projectJudgmentSchema } from "@/lib/formats/judgment";
import { can } from "@/lib/auth/permissions";
import { audit } from "./audit";
import { requireCaller, requireScope, type Ctx, countRows, writing } from "./context";
import { AppError, badRequest, conflict, notFound, parseInput, type FieldErrors } from "./errors";
import { PROJECT_SETTINGS, projectSettingsShape } from "./project-settings";
import { connectionOf, prepared } from "./statements";
import { adaptiveRule, baseOverlap } from "./adaptive";
import { retargetProject } from "./legacy-sync";
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
export type Project = typeof projects.$inferSelect;

export function createProject({ ctx, input }: { ctx: Ctx; input: ProjectInput }): Project {
  requireScope(ctx, "project:write");
  const data = parseInput(projectInput, input);
  return writing(ctx.db, (tx) => {
    if (tx.select({ id: projects.id }).from(projects).where(eq(projects.slug, data.slug)).get()) {
      throw conflict(`A project with slug "${data.slug}" already exists.`);
    }
    const project = tx.insert(projects).values(data).returning().get();
    audit(tx, ctx, { action: "project.create", targetType: "project", targetId: project.id, detail: { slug: project.slug } });
    return project;
  });
}

/**
 * Loads a project by slug, or throws not_found. It checks no permission: every caller authorizes
 * first (the services with requireScope, pages with requirePageCaller); annotators reach projects
 * through getWorkProject, which hides the ones they may not work on.
 */
export function getProject({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Project {
  const project = ctx.db.select().from(projects).where(eq(projects.slug, input.slug)).get();
  if (!project) throw notFound(`Project "${input.slug}"`);
  return project;
}

/**
 * A project as an annotator may see it: a caller who cannot read every project (an annotator) gets
 * not_found, as for a project that does not exist, unless the project is active or paused and open
 * to them (visibility `everyone`, or they are a member).
 */
export function getWorkProject({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Project {
  const project = getProject({ ctx, input });
  const caller = ctx.caller;
  if (caller && !can(caller.role, "project:read") && !(isWorkable(project.status) && isMember(ctx, project.id, caller.userId))) {
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

export function projectProgress(ctx: Ctx, project: Pick<Project, "id" | "overlap" | "minJudgments" | "maxJudgments" | "stopAgreement">): ProjectProgress {
  const base = baseOverlap(project);
  const row = ctx.db
    .select({
      items: count(),
      judgments: sql<number>`coalesce(sum(${items.judgmentCount}), 0)`,
      // Complete: as many judgments as wanted, the overlap (under adaptive overlap the item's target)
      // plus any a manager sent back (extra_overlap).
      completeItems: sql<number>`coalesce(sum(case when ${items.judgmentCount} >= coalesce(${items.judgmentTarget}, ${base}) + ${items.extraOverlap} then 1 else 0 end), 0)`,
    })
    .from(items)
    .where(eq(items.projectId, project.id))
    .get()!;
  return { items: row.items, judgments: Number(row.judgments), completeItems: Number(row.completeItems) };
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
export function listProjects({ ctx }: { ctx: Ctx }): ProjectSummary[] {
  const caller = requireCaller(ctx);
  if (!can(caller.role, "project:read") && !can(caller.role, "assignment:work")) return [];
  let rows = ctx.db.select().from(projects).orderBy(asc(projects.id)).all();
  if (!can(caller.role, "project:read")) {
    rows = rows.filter((p) => isWorkable(p.status) && isMember(ctx, p.id, caller.userId));
  }
  return rows.map((p) => {
    const mine = countRows(ctx.db, judgments, and(eq(judgments.projectId, p.id), eq(judgments.userId, caller.userId)));
    return {
      slug: p.slug,
      name: p.name,
      status: p.status,
      overlap: p.overlap,
      leaseMinutes: p.leaseMinutes,
      progress: projectProgress(ctx, p),
      mine,
      finished: (p.quota != null && mine >= p.quota) || !hasWorkLeft(ctx, p, caller.userId),
    };
  });
}

/**
 * Whether an item is left for this user: one that still wants judgments (gold items aside, as the
 * claim serves them only between others) and that they have neither judged nor skipped. Others'
 * leases do not count: they expire. Stops at the first such item.
 */
export function hasWorkLeft(ctx: Pick<Ctx, "db">, project: Pick<Project, "id" | "overlap">, userId: number): boolean {
  const row = prepared(
    ctx.db,
    `select exists(select 1 from items i where i.project_id = @project and i.gold is null
        and i.judgment_count < @overlap + i.extra_overlap
        and not exists (select 1 from judgments j where j.item_id = i.id and j.user_id = @user)
        and not exists (select 1 from assignments a where a.item_id = i.id and a.user_id = @user and a.status = 'skipped')) as left`,
  ).get({ project: project.id, overlap: project.overlap, user: userId }) as { left: number };
  return row.left === 1;
}

/** Every project with its progress, oldest first, for whoever may read every project (the CLI, admins, managers). */
export function listAllProjects({ ctx }: { ctx: Ctx }): { project: Project; progress: ProjectProgress }[] {
  requireScope(ctx, "project:read");
  return ctx.db
    .select()
    .from(projects)
    .orderBy(asc(projects.id))
    .all()
    .map((project) => ({ project, progress: projectProgress(ctx, project) }));
}

/** Whether a user may work on a project: it is open to everyone, or lists the user as a member. */
export function isMember(ctx: Pick<Ctx, "db">, projectId: number, userId: number): boolean {
  const row = prepared(
    ctx.db,
    `select visibility = 'everyone' or exists(select 1 from project_members where project_id = projects.id and user_id = ?) as open
       from projects where id = ?`,
  ).get(userId, projectId) as { open: number } | undefined;
  return !!row?.open;
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
function retagFromMetadata(tx: unknown, projectId: number, key: string): number {
  const db = connectionOf(tx);
  const rows = prepared(db, `select id, external_id as externalId, metadata from items where project_id = ? and metadata is not null`).all(projectId) as { id: number; externalId: string; metadata: string }[];
  const update = prepared(db, `update items set tags = ?, tag_key = ? where id = ?`);
  let retagged = 0;
  const keys = new Set(JSON.parse(prepared(db, `select tag_keys from projects where id = ?`, "pluck").get(projectId) as string) as string[]);
  for (const row of rows) {
    const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
    if (!metadata || typeof metadata !== "object" || !Object.hasOwn(metadata, key)) continue;
    let tags: string[];
    try {
      tags = readTags(metadata[key], `metadata.${key}`);
    } catch (error) {
      if (error instanceof FormatError) throw badRequest(`tagsFrom: item "${row.externalId}" (id ${row.id}): ${error.message}`);
      throw error;
    }
    update.run(tags.length ? JSON.stringify(tags) : null, tagKey(tags), row.id);
    if (tags.length) keys.add(tagKey(tags));
    retagged++;
  }
  prepared(db, `update projects set tag_keys = ? where id = ?`).run(JSON.stringify([...keys].sort()), projectId);
  return retagged;
}

/** Changes a project's settings (policies, status, judgment schema); writes the changed fields to the audit log. */
export function updateProject({ ctx, input }: { ctx: Ctx; input: ProjectSettingsInput }): Project {
  requireScope(ctx, "project:write");
  const { slug, ...changes } = parseInput(projectSettingsInput, input);
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<Project>;
  return writing(ctx.db, 
    (tx) => {
      const project = tx.select().from(projects).where(eq(projects.slug, slug)).get();
      if (!project) throw notFound(`Project "${slug}"`);
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
        const gold = countRows(ctx.db, items, and(eq(items.projectId, project.id), isNotNull(items.gold)));
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
      const retagged = set.tagsFrom != null && set.tagsFrom !== project.tagsFrom ? retagFromMetadata(tx, project.id, set.tagsFrom) : undefined;
      const updated = tx.update(projects).set(set).where(eq(projects.id, project.id)).returning().get();
      // A changed overlap rule applies to the items already there, in this transaction: each item's
      // target is recomputed from its judgments (an item that meets the new rule stops at once).
      const rule = adaptiveRule(updated);
      const before = adaptiveRule(project);
      let retargeted: number | undefined;
      if (JSON.stringify(rule) !== JSON.stringify(before)) retargeted = retargetProject(tx, project.id, rule);
      audit(tx, ctx, { action: "project.update", targetType: "project", targetId: project.id, projectId: project.id, detail: { slug, changes: set, ...(retargeted !== undefined ? { retargeted_items: retargeted } : {}), ...(retagged !== undefined ? { retagged } : {}) } });
      return updated;
    },
  );
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

export function projectChecklist({ ctx, input }: { ctx: Ctx; input: { slug: string } }): ProjectChecklist {
  requireScope(ctx, "project:write");
  const project = getProject({ ctx, input });
  return {
    status: project.status,
    items: countRows(ctx.db, items, eq(items.projectId, project.id)),
    guidelines: project.guidelines.trim() !== "",
    judgmentSchema: project.judgmentSchema != null,
    visibility: project.visibility,
    members: countRows(ctx.db, projectMembers, eq(projectMembers.projectId, project.id)),
  };
}
