// The `arbiter` command: parses arguments and calls services; every command takes --db and --json.
import fs from "node:fs";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { getDb, resolveDbPath } from "@/db/client";
import { projects } from "@/db/schema";
import { runMigrations } from "@/db/migrate";
import { ensureAccounts, seedDemo } from "@/db/seed";
import type { Ctx } from "@/lib/services/context";
import { AppError } from "@/lib/services/errors";
import { importItems } from "@/lib/services/importer";
import { openExport } from "@/lib/services/exporter";
import { createProject, projectProgress } from "@/lib/services/projects";
import { createToken } from "@/lib/services/tokens";
import { createUser, listUsers, setPassword } from "@/lib/services/users";
import { parseFieldMap } from "@/lib/formats/import/normalize";
import { startServer } from "./start";
import { progressBar } from "./progress";

export const HELP = `arbiter — collect human preference data for RLHF and DPO

Usage: arbiter <command> [options]        (every command takes --db PATH and --json)

  start [--demo] [--port P] [--host H]    migrate, (seed the demo,) build if needed, serve
  migrate                                 apply database migrations
  seed --demo                             add the demo project and accounts if missing
  user add --email E --role R [--name N] [--password P]
  user password --email E [--password P]  set (or generate) a user's password
  user list
  token create --email E [--name N]       print a new API token once
  project create --slug S --name N [--overlap K] [--lease-minutes M] [--guidelines FILE]
  project list
  import --project S FILE [--skip-invalid] [--format auto|jsonl|json|csv] [--map SPEC]
  export --project S --format trl-dpo [--min-votes N] [--conversational] [--out FILE]

Options:
  --db PATH   SQLite file (default: $ARBITER_DB or ./data/arbiter.db)
  --json      print one JSON object on stdout (for scripts)
`;

const common = {
  db: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}
const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

class UsageError extends Error {}

function parse<O extends ParseArgsConfig["options"]>(args: string[], options: O, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options: { ...common, ...options }, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument: ${parsed.positionals[positionals]}`);
    return parsed;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function required(values: Record<string, unknown>, ...names: string[]): void {
  for (const n of names) if (values[n] === undefined || values[n] === "") throw new UsageError(`missing --${n}`);
}

function systemCtx(dbPath?: string): Ctx {
  const db = getDb(dbPath);
  runMigrations(db);
  return { db, caller: null };
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [command, ...rest] = argv;
  const sub = rest[0] && !rest[0].startsWith("-") ? rest[0] : undefined;
  let asJson = rest.includes("--json");
  const print = (human: string, data: unknown) => io.out(asJson ? JSON.stringify(data) + "\n" : human + "\n");
  try {
    switch (command) {
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.out(HELP);
        return 0;

      case "migrate": {
        const { values } = parse(rest, {});
        const file = resolveDbPath(values.db);
        systemCtx(values.db);
        print(`Migrated ${file}`, { ok: true, db: file });
        return 0;
      }

      case "seed": {
        const { values } = parse(rest, { demo: { type: "boolean", default: false } });
        if (!values.demo) throw new UsageError("seed needs --demo (the only seed there is)");
        const ctx = systemCtx(values.db);
        const seeded = await seedDemo(ctx);
        const accounts = ensureAccounts(ctx, { demo: true });
        const lines = [
          seeded.project ? `Created project "${seeded.project.slug}" with ${seeded.project.import.inserted} items.` : "The demo project already exists; nothing added.",
          ...accounts.map((a) => `Created ${a.role} ${a.email} with password ${a.password}`),
        ];
        print(lines.join("\n"), { project: seeded.project ?? null, accounts });
        return 0;
      }

      case "user": {
        if (sub === "add") {
          const { values } = parse(rest.slice(1), { email: { type: "string" }, role: { type: "string" }, name: { type: "string" }, password: { type: "string" } });
          required(values, "email", "role");
          const ctx = systemCtx(values.db);
          const { user, password } = createUser({ ctx, input: { email: values.email!, role: values.role as never, name: values.name, password: values.password } });
          print(
            `Created ${user.role} ${user.email}` + (password ? `\nPassword: ${password}` : ""),
            { user, ...(password ? { password } : {}) },
          );
          return 0;
        }
        if (sub === "password") {
          const { values } = parse(rest.slice(1), { email: { type: "string" }, password: { type: "string" } });
          required(values, "email");
          const { password } = setPassword({ ctx: systemCtx(values.db), input: { email: values.email!, password: values.password } });
          print(`Password set for ${values.email}` + (password ? `\nPassword: ${password}` : ""), { ok: true, ...(password ? { password } : {}) });
          return 0;
        }
        if (sub === "list") {
          const { values } = parse(rest.slice(1), {});
          const users = listUsers({ ctx: systemCtx(values.db) });
          print(users.map((u) => `${u.id}\t${u.role}\t${u.email}${u.external ? "\t(external)" : ""}`).join("\n"), { users });
          return 0;
        }
        throw new UsageError("user needs a subcommand: add, password or list");
      }

      case "token": {
        if (sub !== "create") throw new UsageError("token needs a subcommand: create");
        const { values } = parse(rest.slice(1), { email: { type: "string" }, name: { type: "string" } });
        required(values, "email");
        const { token } = createToken({ ctx: systemCtx(values.db), input: { email: values.email!, name: values.name } });
        print(`${token}\n(shown once; store it now)`, { token });
        return 0;
      }

      case "project": {
        if (sub === "create") {
          const { values } = parse(rest.slice(1), {
            slug: { type: "string" },
            name: { type: "string" },
            overlap: { type: "string" },
            "lease-minutes": { type: "string" },
            guidelines: { type: "string" },
          });
          required(values, "slug", "name");
          const guidelines = values.guidelines ? readFileOrFail(values.guidelines) : undefined;
          const project = createProject({
            ctx: systemCtx(values.db),
            input: { slug: values.slug!, name: values.name!, overlap: values.overlap as never, leaseMinutes: values["lease-minutes"] as never, guidelines },
          });
          print(`Created project ${project.slug} (overlap ${project.overlap}, lease ${project.leaseMinutes} min)`, { project });
          return 0;
        }
        if (sub === "list") {
          const { values } = parse(rest.slice(1), {});
          const ctx = systemCtx(values.db);
          const rows = ctx.db.select().from(projects).all().map((p) => ({ slug: p.slug, name: p.name, overlap: p.overlap, progress: projectProgress(ctx, p) }));
          print(
            rows.map((p) => `${p.slug}\t${p.name}\titems ${p.progress.items}\tjudgments ${p.progress.judgments}\tcomplete ${p.progress.completeItems}`).join("\n"),
            { projects: rows },
          );
          return 0;
        }
        throw new UsageError("project needs a subcommand: create or list");
      }

      case "import": {
        const { values, positionals } = parse(
          rest,
          { project: { type: "string" }, "skip-invalid": { type: "boolean", default: false }, format: { type: "string" }, map: { type: "string" } },
          1,
        );
        required(values, "project");
        const file = positionals[0];
        if (!file) throw new UsageError("import needs a FILE");
        if (!fs.existsSync(file)) throw new AppError("not_found", `File ${file} not found.`);
        const ctx = systemCtx(values.db);
        const bar = !asJson && process.stderr.isTTY ? progressBar(fs.statSync(file).size) : undefined;
        const summary = await importItems({
          ctx,
          input: {
            slug: values.project!,
            source: () => fs.createReadStream(file),
            skipInvalid: values["skip-invalid"],
            format: values.format as never,
            map: values.map ? parseFieldMap(values.map) : undefined,
            onProgress: bar ? (n) => bar.update(n) : undefined,
          },
        });
        bar?.done();
        const out = { inserted: summary.inserted, duplicates: summary.duplicates, annotations: summary.annotations, errors: summary.errors, error_count: summary.error_count };
        if (summary.rejected) {
          io.err(
            summary.errors.map((e) => `${file}:${e.line}: ${e.field ? e.field + ": " : ""}${e.message}`).join("\n") +
              (summary.error_count > summary.errors.length ? `\n… and ${summary.error_count - summary.errors.length} more` : "") +
              `\n${summary.error_count} invalid record(s); nothing was imported (use --skip-invalid to import the valid ones).\n`,
          );
          if (asJson) io.out(JSON.stringify(out) + "\n");
          return 1;
        }
        print(
          `Imported ${summary.inserted} item(s), ${summary.duplicates} duplicate(s) skipped` +
            (summary.annotations ? `, ${summary.annotations} judgment(s) from the file` : "") +
            (summary.error_count ? `, ${summary.error_count} invalid row(s) skipped:\n` + summary.errors.map((e) => `  line ${e.line}: ${e.field ? e.field + ": " : ""}${e.message}`).join("\n") : ""),
          out,
        );
        return 0;
      }

      case "export": {
        const { values } = parse(rest, {
          project: { type: "string" },
          format: { type: "string" },
          "min-votes": { type: "string" },
          conversational: { type: "boolean", default: false },
          out: { type: "string" },
        });
        required(values, "project", "format");
        const exp = openExport({
          ctx: systemCtx(values.db),
          input: { slug: values.project!, format: values.format as never, minVotes: values["min-votes"] as never, conversational: values.conversational },
        });
        let rows = 0;
        if (values.out) {
          const outFile = path.resolve(values.out);
          const tmp = `${outFile}.partial`;
          const stream = fs.createWriteStream(tmp);
          for (const line of exp.lines) {
            rows++;
            if (!stream.write(line)) await new Promise<void>((r) => stream.once("drain", () => r()));
          }
          await new Promise<void>((resolve, reject) => {
            stream.on("error", reject);
            stream.end(() => resolve());
          });
          fs.renameSync(tmp, outFile); // a failed export never leaves a half-written file under the real name
          print(`Wrote ${rows} row(s) to ${outFile}`, { rows, out: outFile });
        } else {
          asJson = false; // the rows themselves are the output
          for (const line of exp.lines) {
            rows++;
            if (!process.stdout.write(line)) await new Promise<void>((r) => process.stdout.once("drain", () => r()));
          }
          io.err(`${rows} row(s)\n`);
        }
        return 0;
      }

      case "start": {
        const { values } = parse(rest, {
          demo: { type: "boolean", default: false },
          port: { type: "string" },
          host: { type: "string" },
          build: { type: "boolean", default: false },
        });
        return await startServer({
          dbPath: values.db,
          demo: values.demo,
          port: Number(values.port ?? process.env.PORT ?? 3000),
          host: values.host ?? "localhost",
          forceBuild: values.build,
          io,
        });
      }

      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`arbiter: ${err.message}\nRun "arbiter help" for usage.\n`);
      return 2;
    }
    if (err instanceof AppError) {
      io.err(`arbiter: ${err.message}\n`);
      if (asJson) io.out(JSON.stringify({ error: { code: err.code, message: err.message } }) + "\n");
      return 1;
    }
    throw err;
  }
}

function readFileOrFail(file: string): string {
  if (!fs.existsSync(file)) throw new AppError("not_found", `File ${file} not found.`);
  return fs.readFileSync(file, "utf8");
}

