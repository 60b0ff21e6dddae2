// `arbiter member add|remove|list`: who works on a project (its members, or everyone when its visibility says so).
import { getProject } from "@/lib/services/projects";
import { addMember, listMembers, removeMember } from "@/lib/services/members";
import { systemCtx, verb, type Command } from "../command";
import { need } from "../flags";

const project = { type: "string", value: "S", help: "the project's slug" } as const;
const email = { type: "string", value: "E", help: "the annotator's email address" } as const;

export const member: Command = {
  name: "member",
  summary: "choose who works on a project (none: every annotator)",
  verbs: [
    verb({
      name: "add",
      usage: "--project S --email E",
      summary: "let an annotator work on a project",
      flags: { project, email },
      async run({ values, print }) {
        const input = { slug: need(values, "project"), email: need(values, "email") };
        const { added } = addMember({ ctx: await systemCtx(values), input });
        print(added ? `Added ${values.email} to ${values.project}` : `${values.email} was already a member of ${values.project}`, { added });
        return 0;
      },
    }),
    verb({
      name: "remove",
      usage: "--project S --email E",
      summary: "take an annotator off a project",
      flags: { project, email },
      async run({ values, print }) {
        const input = { slug: need(values, "project"), email: need(values, "email") };
        removeMember({ ctx: await systemCtx(values), input });
        print(`Removed ${values.email} from ${values.project}`, { removed: true });
        return 0;
      },
    }),
    verb({
      name: "list",
      usage: "--project S",
      summary: "list a project's members",
      flags: { project },
      async run({ values, print }) {
        const slug = need(values, "project");
        const ctx = await systemCtx(values);
        const members = listMembers({ ctx, input: { slug } });
        const { visibility } = getProject({ ctx, input: { slug } });
        const who = visibility === "everyone" ? `Every annotator may work on ${slug}` : `Only its members may work on ${slug}`;
        const list = members.map((m) => `${m.email}\t${m.name}`).join("\n");
        print(`${who}.${members.length ? `\n${list}` : visibility === "members" ? " It has none: nobody can." : ""}`, { visibility, members });
        return 0;
      },
    }),
  ],
};
