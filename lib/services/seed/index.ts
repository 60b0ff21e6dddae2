// First-start data: the demo project with its items, and the accounts a new user logs in with,
// made through the services like any other caller's. Called by the start command and
// `arbiter seed --demo`, never by the server process.
import { Readable } from "node:stream";
import type { Ctx } from "../context";
import { AppError } from "../errors";
import { importItems, type ImportSummary } from "../importer";
import { createProject, getProject } from "../projects";
import { countUsers, createUser, findUserByEmail } from "../users";
import { demoItems } from "./demo-items";

const DEMO_SLUG = "demo";
export const ADMIN_EMAIL = "admin@arbiter.local";
const DEMO_ANNOTATORS = ["annotator1@arbiter.local", "annotator2@arbiter.local"];

const DEMO_GUIDELINES = `# How to judge

Read the prompt (and the conversation before it, if any), then both responses.

- **A is better / B is better**: pick the response you would rather receive. Weigh, in order:
  correctness, helpfulness (does it answer what was asked?), harmlessness, then clarity.
- **Tie**: both are about equally good, or equally flawed in different ways.
- **Both bad**: neither is acceptable (wrong, unsafe, or ignores the question).

Do not reward length for its own sake. Code must be correct to count as helpful.

Keyboard: **1**/**A** A is better, **2**/**B** B is better, **3**/**T** tie, **4**/**X** both bad,
**S** skip, **?** shortcuts.
`;

export interface SeedResult {
  project?: { slug: string; import: ImportSummary };
}

/** Creates the demo project when it does not exist yet; does nothing on a database that has it. */
export async function seedDemo(ctx: Ctx): Promise<SeedResult> {
  if (await demoExists(ctx)) return {};
  await createProject({
    ctx,
    input: { slug: DEMO_SLUG, name: "Demo: assistant responses", overlap: 2, guidelines: DEMO_GUIDELINES, status: "active" },
  });
  const lines = demoItems.map((item) => JSON.stringify(item) + "\n");
  const summary = await importItems({ ctx, input: { slug: DEMO_SLUG, source: () => Readable.from(lines) } });
  return { project: { slug: DEMO_SLUG, import: summary } };
}

async function demoExists(ctx: Ctx): Promise<boolean> {
  try {
    await getProject({ ctx, input: { slug: DEMO_SLUG } });
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return false;
    throw error;
  }
}

export interface CreatedAccount {
  email: string;
  role: string;
  password: string;
}

/**
 * On a database without users, creates the admin (and, for the demo, two annotators) with generated
 * passwords, returned once to be printed. A database that has users gets nothing new.
 */
export async function ensureAccounts(ctx: Ctx, options: { demo: boolean }): Promise<CreatedAccount[]> {
  if ((await countUsers(ctx)) > 0) {
    // Demo annotators are added to an existing install only if the admin already exists alone.
    return [];
  }
  const created: CreatedAccount[] = [];
  const add = async (email: string, role: "admin" | "annotator", name: string) => {
    if (await findUserByEmail(ctx, email)) return;
    const { password } = await createUser({ ctx, input: { email, role, name } });
    created.push({ email, role, password: password! });
  };
  await add(ADMIN_EMAIL, "admin", "Admin");
  if (options.demo) for (const [i, email] of DEMO_ANNOTATORS.entries()) await add(email, "annotator", `Annotator ${i + 1}`);
  return created;
}
