// `arbiter user add|password|list`: accounts and their passwords.
import { createUser, listUsers, setPassword, userInput } from "@/lib/services/users";
import { systemCtx, verb, type Command } from "../command";
import { checked, need } from "../flags";
import { userJson } from "../views";

const email = { type: "string", value: "E", help: "the user's email address" } as const;
const password = { type: "string", value: "P", help: "the password (at least 8 characters); without it one is generated and printed" } as const;

export const user: Command = {
  name: "user",
  summary: "create users, set passwords, list users",
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
      run({ values, print }) {
        const input = checked(userInput, { email: need(values, "email"), role: need(values, "role"), name: values.name, password: values.password });
        const { user, password } = createUser({ ctx: systemCtx(values.db), input });
        print(`Created ${user.role} ${user.email}` + (password ? `\nPassword: ${password}` : ""), { user: userJson(user), ...(password ? { password } : {}) });
        return 0;
      },
    }),
    verb({
      name: "password",
      usage: "--email E [--password P]",
      summary: "set (or generate) a user's password",
      flags: { email, password },
      run({ values, print }) {
        const { password } = setPassword({ ctx: systemCtx(values.db), input: { email: need(values, "email"), password: values.password } });
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
        print(users.map((u) => `${u.id}\t${u.role}\t${u.email}${u.external ? "\t(external)" : ""}`).join("\n"), { users: users.map(userJson) });
        return 0;
      },
    }),
  ],
};
