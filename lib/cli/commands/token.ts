// `arbiter token create`: an API token for a user, printed once (only its hash is stored).
import { createToken, tokenInput } from "@/lib/services/tokens";
import { systemCtx, verb, type Command } from "../command";
import { checked, need } from "../flags";

export const token: Command = {
  name: "token",
  summary: "create API tokens",
  verbs: [
    verb({
      name: "create",
      usage: "--email E [--name N]",
      summary: "print a new API token once",
      flags: {
        email: { type: "string", value: "E", help: "the user the token acts as" },
        name: { type: "string", value: "N", help: "a name to tell tokens apart" },
      },
      run({ values, print }) {
        const input = checked(tokenInput, { email: need(values, "email"), name: values.name });
        const { token } = createToken({ ctx: systemCtx(values.db), input });
        print(`${token}\n(shown once; store it now)`, { token });
        return 0;
      },
    }),
  ],
};
