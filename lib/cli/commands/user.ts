// `arbiter user add|password|list|deactivate|activate|role`: accounts, their passwords, status and role.
import { createUser, listUsers, roleInput, setPassword, setUserRole, setUserStatus, statusInput, userInput } from "@/lib/services/users";
import { systemCtx, verb, type Command } from "../command";
import { checked, need } from "../flags";
import { userJson } from "../views";

const email = { type: "string", value: "E", help: "the user's email address" } as const;
const password = { type: "string", value: "P", help: "the password (at least 8 characters); without it one is generated and printed" } as const;

export const user: Command = {
  name: "user",
  summary: "create users, set passwords, deactivate, change roles, list users",
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
        const { user, password } = await createUser({ ctx: systemCtx(values.db), input });
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
        const { password } = await setPassword({ ctx: systemCtx(values.db), input: { email: need(values, "email"), password: values.password } });
        print(`Password set for ${values.email}` + (password ? `\nPassword: ${password}` : ""), { ok: true, ...(password ? { password } : {}) });
        return 0;
      },
    }),
    verb({
      name: "list",
      usage: "",
      summary: "list the users",
      flags: {},
      run({ values, print }) {
        const users = listUsers({ ctx: systemCtx(values.db) });
        const lastSignIn = (u: (typeof users)[number]) => (u.lastSignInAt == null ? "never signed in" : `last sign-in ${new Date(u.lastSignInAt).toISOString()}`);
        print(users.map((u) => `${u.id}\t${u.role}\t${u.status}\t${u.email}\t${u.external ? "(external)" : lastSignIn(u)}`).join("\n"), { users: users.map(userJson) });
        return 0;
      },
    }),
    ...(["deactivate", "activate"] as const).map((name) =>
      verb({
        name,
        usage: "--email E",
        summary: name === "deactivate" ? "stop a user: their sessions and tokens are refused from the next request (judgments stay)" : "let a deactivated user sign in again",
        flags: { email },
        run({ values, print }) {
          const input = checked(statusInput, { email: need(values, "email"), status: name === "deactivate" ? "deactivated" : "active" });
          const u = setUserStatus({ ctx: systemCtx(values.db), input });
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
      run({ values, print }) {
        const input = checked(roleInput, { email: need(values, "email"), role: need(values, "role") });
        const u = setUserRole({ ctx: systemCtx(values.db), input });
        print(`${u.email} is now ${u.role}`, { user: userJson(u) });
        return 0;
      },
    }),
  ],
};
