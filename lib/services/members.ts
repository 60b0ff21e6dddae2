// Project membership: which annotators work on a members-only project (visibility `members`).
// Adding a member to a project open to everyone makes it members-only, as adding the first member
// always did; removing members never opens a project (set its visibility to `everyone` for that).
import { z } from "zod";
import { at, type Engine } from "@/db/engine";
import { MEMBER_ADD, MEMBER_END_LEASES, MEMBER_REMOVE, MEMBERS_OF_PROJECT, MEMBERSHIP_PROJECT, PROJECT_MEMBERS_ONLY, type MemberRow } from "@/db/queries/members";
import { USER_BY_EMAIL } from "@/db/queries/users";
import { audit } from "./audit";
import { nowOf, requireScope, type Ctx } from "./context";
import { fieldError, notFound, parseInput } from "./errors";

const memberInput = z.object({
  slug: z.string().trim().min(1, "must not be empty"),
  email: z.string().trim().toLowerCase().email("must be an email address"),
});
export type MemberInput = z.input<typeof memberInput>;

export type MemberView = MemberRow;

async function load(tx: Engine, slug: string, email: string) {
  const project = await tx.first(MEMBERSHIP_PROJECT, [slug]);
  if (!project) throw notFound(`Project "${slug}"`);
  const user = await tx.first(USER_BY_EMAIL, [email]);
  if (!user) throw notFound(`User ${email}`);
  return { project, user };
}

/** Adds an annotator to a project; adding someone already a member changes nothing. */
export async function addMember({ ctx, input }: { ctx: Ctx; input: MemberInput }): Promise<{ added: boolean }> {
  requireScope(ctx, "project:write");
  const data = parseInput(memberInput, input);
  return ctx.db.write(async (tx) => {
    const { project, user } = await load(tx, data.slug, data.email);
    if (user.external) throw fieldError("email", `${data.email} is an external annotator (imported judgments only) and cannot sign in to work.`);
    if (user.role !== "annotator") throw fieldError("email", `${data.email} is a ${user.role}; only annotators are project members.`);
    const added = (await tx.exec(MEMBER_ADD, [project.id, user.id])) > 0;
    const closed = project.visibility === "everyone";
    if (closed) await tx.exec(PROJECT_MEMBERS_ONLY, [project.id]);
    if (added || closed) {
      await audit(tx, ctx, { action: "member.add", targetType: "project", targetId: project.id, detail: { user: user.id, email: data.email, ...(closed ? { visibility: "members" } : {}) } });
    }
    return { added };
  });
}

/**
 * Removes an annotator from a project. Their open leases end now (a later submit is refused with
 * 403) and the items go back to others; their judgments stay. The project stays members-only.
 */
export async function removeMember({ ctx, input }: { ctx: Ctx; input: MemberInput }): Promise<{ removed: boolean }> {
  requireScope(ctx, "project:write");
  const data = parseInput(memberInput, input);
  return ctx.db.write(async (tx) => {
    const { project, user } = await load(tx, data.slug, data.email);
    if (!(await tx.exec(MEMBER_REMOVE, [project.id, user.id]))) throw notFound(`${data.email} as a member of "${data.slug}"`);
    const now = at(nowOf(ctx));
    const ended = await tx.exec(MEMBER_END_LEASES, [now, project.id, user.id, now]);
    await audit(tx, ctx, { action: "member.remove", targetType: "project", targetId: project.id, detail: { user: user.id, email: data.email, leases_ended: ended } });
    return { removed: true };
  });
}

/** The project's members (who may work on it when its visibility is `members`). */
export async function listMembers({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Promise<MemberView[]> {
  requireScope(ctx, "project:read");
  const project = await ctx.db.first(MEMBERSHIP_PROJECT, [input.slug]);
  if (!project) throw notFound(`Project "${input.slug}"`);
  return ctx.db.many(MEMBERS_OF_PROJECT, [project.id]);
}
