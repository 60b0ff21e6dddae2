// `arbiter user add|password|list|deactivate|activate|role|skills|import`: accounts, their passwords,
// status, role and skills, and a CSV import of users.
import { createUser, importUsers, listUsers, roleInput, setPassword, setSkills, setUserRole, setUserStatus, statusInput, userInput } from "@/lib/services/users";
import { systemCtx, verb, type Command } from "../command";
import { checked, need, readTextFile } from "../flags";
import { userJson } from "../views";

const email = { type: "string", value: "E", help: "the user's email address" } as const;
const password = { type: "string", value: "P", help: "the password (at least 8 characters); without it one is generated and printed" } as const;

export const user: Command = {
  name: "user",
  summary: "create users, set passwords, deactivate, change roles and skills, import and list users",
  verbs: [
    verb({
      name: "add",
      usage: "--email E --role admin|manager|annotator [--name N] [--password P]",
      summary: "create a user (prints a generated password without --password)",
      flags: {
        email,
        role: { type: "string", value: "R", help: "admin, manager or annotator" },
        name: { type: "string", value: "N", help: "the name shown in the app" },
        password,
      },
      async run({ values, print }) {
        const input = checked(userInput, { email: need(values, "email"), role: need(values, "role"), name: values.name, password: values.password });
        const { user, password } = await createUser({ ctx: await systemCtx(values), input });
        print(`Created ${user.role} ${user.email}` + (password ? `\nPassword: ${password}` : ""), { user: userJson(user), ...(password ? { password } : {}) });
        return 0;
      },
    }),
    verb({
      name: "password",
      usage: "--email E [--password P]",
      summary: "set (or generate) a user's password",
      flags: { email, password },
      async run({ values, print }) {
        const { password } = await setPassword({ ctx: await systemCtx(values), input: { email: need(values, "email"), password: values.password } });
        print(`Password set for ${values.email}` + (password ? `\nPassword: ${password}` : ""), { ok: true, ...(password ? { password } : {}) });
        return 0;
      },
    }),
    verb({
      name: "list",
      usage: "",
      summary: "list the users",
      flags: {},
      async run({ values, print }) {
        const users = listUsers({ ctx: await systemCtx(values) });
        const lastSignIn = (u: (typeof users)[number]) => (u.lastSignInAt == null ? "never signed in" : `last sign-in ${new Date(u.lastSignInAt).toISOString()}`);
        const skills = (u: (typeof users)[number]) => (u.skills.length ? `\tskills ${u.skills.join(",")}` : "");
        print(users.map((u) => `${u.id}\t${u.role}\t${u.status}\t${u.email}\t${u.external ? "(external)" : lastSignIn(u)}${skills(u)}`).join("\n"), { users: users.map(userJson) });
        return 0;
      },
    }),
    ...(["deactivate", "activate"] as const).map((name) =>
      verb({
        name,
        usage: "--email E",
        summary: name === "deactivate" ? "stop a user: their sessions and tokens are refused from the next request (judgments stay)" : "let a deactivated user sign in again",
        flags: { email },
        async run({ values, print }) {
          const input = checked(statusInput, { email: need(values, "email"), status: name === "deactivate" ? "deactivated" : "active" });
          const u = setUserStatus({ ctx: await systemCtx(values), input });
          print(`${u.email} is ${u.status}`, { user: userJson(u) });
          return 0;
        },
      }),
    ),
    verb({
      name: "role",
      usage: "--email E --role admin|manager|annotator",
      summary: "change a user's role (their sessions end)",
      flags: { email, role: { type: "string", value: "R", help: "admin, manager or annotator" } },
      async run({ values, print }) {
        const input = checked(roleInput, { email: need(values, "email"), role: need(values, "role") });
        const u = setUserRole({ ctx: await systemCtx(values), input });
        print(`${u.email} is now ${u.role}`, { user: userJson(u) });
        return 0;
      },
    }),
    verb({
      name: "skills",
      usage: "--email E (--set a,b | [--add a,b] [--remove c])",
      summary: "set, add or remove a user's skills (routing matches them to items' tags); prints the result",
      flags: {
        email,
        set: { type: "string", value: "LIST", help: "the user's skills from now on, separated by commas (an empty string clears them)" },
        add: { type: "string", value: "LIST", help: "skills to add, separated by commas" },
        remove: { type: "string", value: "LIST", help: "skills to remove, separated by commas" },
      },
      async run({ values, print }) {
        const u = setSkills({ ctx: await systemCtx(values), input: { email: need(values, "email"), set: values.set, add: values.add, remove: values.remove } });
        print(`${u.email}: ${u.skills.length ? u.skills.join(", ") : "no skills"}`, { user: userJson(u) });
        return 0;
      },
    }),
    verb({
      name: "import",
      usage: "--file users.csv",
      summary: "create or update users from a CSV (email,name,role,skills[,password]); all or nothing",
      flags: { file: { type: "string", value: "FILE", help: "a CSV with a header row: email,name,role,skills[,password]; skills separated by ; or |" } },
      async run({ values, print }) {
        const summary = await importUsers({ ctx: await systemCtx(values), input: { csv: readTextFile(need(values, "file")) } });
        if (summary.errors.length) {
          const lines = summary.errors.map((e) => `line ${e.line}${e.field ? ` (${e.field})` : ""}: ${e.message}`);
          print(`Nothing imported: ${summary.errors.length} error(s)\n${lines.join("\n")}`, { ...summary, imported: false });
          return 1;
        }
        const passwords = summary.passwords.map((p) => `Password for ${p.email}: ${p.password}`);
        print([`Created ${summary.created} user(s), updated ${summary.updated}`, ...passwords].join("\n"), { ...summary, imported: true });
        return 0;
      },
    }),
  ],
};
