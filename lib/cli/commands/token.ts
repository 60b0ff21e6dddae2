// `arbiter token create|list|revoke`: API tokens; a new one is printed once (only its hash is stored).
import { createToken, listTokens, revokeToken, tokenInput } from "@/lib/services/tokens";
import { systemCtx, verb, type Command } from "../command";
import { checked, need, wholeNumber } from "../flags";
import { tokenJson } from "../views";

export const token: Command = {
  name: "token",
  summary: "create, list and revoke API tokens",
  verbs: [
    verb({
      name: "create",
      usage: "--email E [--name N]",
      summary: "print a new API token once",
      flags: {
        email: { type: "string", value: "E", help: "the user the token acts as" },
        name: { type: "string", value: "N", help: "a name to tell tokens apart" },
      },
      async run({ values, print }) {
        const input = checked(tokenInput, { email: need(values, "email"), name: values.name });
        const { token } = createToken({ ctx: await systemCtx(values), input });
        print(`${token}\n(shown once; store it now)`, { token });
        return 0;
      },
    }),
    verb({
      name: "list",
      usage: "[--email E]",
      summary: "list API tokens (never the tokens themselves), newest first",
      flags: { email: { type: "string", value: "E", help: "only this user's tokens" } },
      async run({ values, print }) {
        const tokens = listTokens({ ctx: await systemCtx(values), input: { email: values.email } });
        const state = (t: (typeof tokens)[number]) => (t.revokedAt != null ? "revoked" : t.lastUsedAt != null ? `last used ${new Date(t.lastUsedAt).toISOString()}` : "never used");
        print(tokens.map((t) => `${t.id}\t${t.prefix}…\t${t.email}\t${t.name}\t${state(t)}`).join("\n") || "No tokens.", { tokens: tokens.map(tokenJson) });
        return 0;
      },
    }),
    verb({
      name: "revoke",
      usage: "--id N",
      summary: "revoke a token: it is refused from its next request",
      flags: { id: { type: "string", value: "N", help: "the token's id (from token list)" } },
      async run({ values, print }) {
        const id = wholeNumber("id", need(values, "id"), 1)!;
        revokeToken({ ctx: await systemCtx(values), input: { id } });
        print(`Token ${id} revoked`, { revoked: id });
        return 0;
      },
    }),
  ],
};
