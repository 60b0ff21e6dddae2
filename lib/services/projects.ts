// Projects: creating and reading labeling campaigns, and their progress.
import { and, asc, count, eq, gte, sql } from "drizzle-orm";
import { z } from "zod";
import { items, judgments, projects } from "@/db/schema";
import { PROJECT_DEFAULTS } from "@/db/schema/constants";
import { can } from "@/lib/auth/permissions";
import { audit } from "./audit";
import { requireCaller, requireScope, type Ctx, countRows } from "./context";
import { conflict, notFound, parseInput } from "./errors";

export const projectInput = z.object({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be 1-63 lowercase letters, digits or dashes, starting with a letter or digit"),
  name: z.string().trim().min(1, "must not be empty").max(200),
  overlap: z.coerce.number().int().min(1).max(100).default(PROJECT_DEFAULTS.overlap),
  leaseMinutes: z.coerce.number().int().min(1).max(24 * 60).default(PROJECT_DEFAULTS.leaseMinutes),
  guidelines: z.string().max(100_000).default(""),
});
export type ProjectInput = z.input<typeof projectInput>;
export type Project = typeof projects.$inferSelect;

export function createProject({ ctx, input }: { ctx: Ctx; input: ProjectInput }): Project {
  requireScope(ctx, "project:write");
  const data = parseInput(projectInput, input);
  return ctx.db.transaction((tx) => {
    if (tx.select({ id: projects.id }).from(projects).where(eq(projects.slug, data.slug)).get()) {
      throw conflict(`A project with slug "${data.slug}" already exists.`);
    }
    const project = tx.insert(projects).values(data).returning().get();
    audit(tx, ctx, { action: "project.create", targetType: "project", targetId: project.id, detail: { slug: project.slug } });
    return project;
  });
}

/** Loads a project by slug for anyone who may see it. */
export function getProject({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Project {
  const project = ctx.db.select().from(projects).where(eq(projects.slug, input.slug)).get();
  if (!project) throw notFound(`Project "${input.slug}"`);
  return project;
}

export interface ProjectProgress {
  items: number;
  judgments: number;
  completeItems: number;
}

export function projectProgress(ctx: Ctx, project: Pick<Project, "id" | "overlap">): ProjectProgress {
  const row = ctx.db
    .select({
      items: count(),
      judgments: sql<number>`coalesce(sum(${items.judgmentCount}), 0)`,
      completeItems: sql<number>`coalesce(sum(case when ${items.judgmentCount} >= ${project.overlap} then 1 else 0 end), 0)`,
    })
    .from(items)
    .where(eq(items.projectId, project.id))
    .get()!;
  return { items: row.items, judgments: Number(row.judgments), completeItems: Number(row.completeItems) };
}

export interface ProjectSummary {
  slug: string;
  name: string;
  overlap: number;
  leaseMinutes: number;
  progress: ProjectProgress;
  /** Judgments by the caller in this project. */
  mine: number;
}

/** The projects the caller can see, with progress. */
export function listProjects({ ctx }: { ctx: Ctx }): ProjectSummary[] {
  const caller = requireCaller(ctx);
  if (!can(caller.role, "project:read") && !can(caller.role, "task:work")) return [];
  const rows = ctx.db.select().from(projects).orderBy(asc(projects.id)).all();
  return rows.map((p) => ({
    slug: p.slug,
    name: p.name,
    overlap: p.overlap,
    leaseMinutes: p.leaseMinutes,
    progress: projectProgress(ctx, p),
    mine: countRows(ctx.db, judgments, and(eq(judgments.projectId, p.id), eq(judgments.userId, caller.userId))),
  }));
}

export function completeItemCount(ctx: Ctx, projectId: number, overlap: number): number {
  return countRows(ctx.db, items, and(eq(items.projectId, projectId), gte(items.judgmentCount, overlap)));
}
