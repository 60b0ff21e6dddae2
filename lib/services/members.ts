// Project membership: which annotators work on a members-only project (visibility `members`).
// Adding a member to a project open to everyone makes it members-only, as adding the first member
// always did; removing members never opens a project (set its visibility to `everyone` for that).
import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { assignments, projectMembers, projects, users } from "@/db/schema";
import { audit } from "./audit";
import { nowOf, requireScope, type Ctx, writing } from "./context";
import { fieldError, notFound, parseInput } from "./errors";

const memberInput = z.object({
  slug: z.string().trim().min(1, "must not be empty"),
  email: z.string().trim().toLowerCase().email("must be an email address"),
});
export type MemberInput = z.input<typeof memberInput>;

export interface MemberView {
  id: number;
  email: string;
  name: string;
  role: string;
}

type Tx = Parameters<Parameters<Ctx["db"]["transaction"]>[0]>[0];

function load(tx: Tx, slug: string, email: string) {
  const project = tx.select({ id: projects.id, visibility: projects.visibility }).from(projects).where(eq(projects.slug, slug)).get();
  if (!project) throw notFound(`Project "${slug}"`);
  const user = tx.select({ id: users.id, role: users.role, external: users.external }).from(users).where(eq(users.email, email)).get();
  if (!user) throw notFound(`User ${email}`);
  return { project, user };
}

/** Adds an annotator to a project; adding someone already a member changes nothing. */
export function addMember({ ctx, input }: { ctx: Ctx; input: MemberInput }): { added: boolean } {
  requireScope(ctx, "project:write");
  const data = parseInput(memberInput, input);
  return writing(ctx.db, 
    (tx) => {
      const { project, user } = load(tx, data.slug, data.email);
      if (user.external) throw fieldError("email", `${data.email} is an external annotator (imported judgments only) and cannot sign in to work.`);
      if (user.role !== "annotator") throw fieldError("email", `${data.email} is a ${user.role}; only annotators are project members.`);
      const res = tx.insert(projectMembers).values({ projectId: project.id, userId: user.id }).onConflictDoNothing().run();
      const closed = project.visibility === "everyone";
      if (closed) tx.update(projects).set({ visibility: "members" }).where(eq(projects.id, project.id)).run();
      if (res.changes || closed) {
        audit(tx, ctx, { action: "member.add", targetType: "project", targetId: project.id, detail: { user: user.id, email: data.email, ...(closed ? { visibility: "members" } : {}) } });
      }
      return { added: res.changes > 0 };
    },
  );
}

/**
 * Removes an annotator from a project. Their open leases end now (a later submit is refused with
 * 403) and the items go back to others; their judgments stay. The project stays members-only.
 */
export function removeMember({ ctx, input }: { ctx: Ctx; input: MemberInput }): { removed: boolean } {
  requireScope(ctx, "project:write");
  const data = parseInput(memberInput, input);
  return writing(ctx.db, 
    (tx) => {
      const { project, user } = load(tx, data.slug, data.email);
      const res = tx.delete(projectMembers).where(and(eq(projectMembers.projectId, project.id), eq(projectMembers.userId, user.id))).run();
      if (!res.changes) throw notFound(`${data.email} as a member of "${data.slug}"`);
      const now = nowOf(ctx);
      const ended = tx
        .update(assignments)
        .set({ expiresAt: now })
        .where(and(eq(assignments.projectId, project.id), eq(assignments.userId, user.id), eq(assignments.status, "leased"), gt(assignments.expiresAt, now)))
        .run().changes;
      audit(tx, ctx, { action: "member.remove", targetType: "project", targetId: project.id, detail: { user: user.id, email: data.email, leases_ended: ended } });
      return { removed: true };
    },
  );
}

/** The project's members (who may work on it when its visibility is `members`). */
export function listMembers({ ctx, input }: { ctx: Ctx; input: { slug: string } }): MemberView[] {
  requireScope(ctx, "project:read");
  const project = ctx.db.select({ id: projects.id }).from(projects).where(eq(projects.slug, input.slug)).get();
  if (!project) throw notFound(`Project "${input.slug}"`);
  return ctx.db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, project.id))
    .orderBy(asc(users.email))
    .all();
}
