// The `arbiter` command: parses arguments and calls services; every command takes --db and --json.
import fs from "node:fs";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { getDb, resolveDbPath } from "@/db/client";
import { projects } from "@/db/schema";
import { runMigrations } from "@/db/migrate";
import { ensureAccounts, seedDemo } from "@/lib/services/seed";
import type { Ctx } from "@/lib/services/context";
import { AppError } from "@/lib/services/errors";
import { importItems } from "@/lib/services/importer";
import { dryRunExport, openExport, writeExport, type ExportInput } from "@/lib/services/exporter";
import { createProject, projectProgress, updateProject, type ProjectSettingsInput } from "@/lib/services/projects";
import { addMember, listMembers, removeMember } from "@/lib/services/members";
import { listBatches, setBatchPriority, updateItem } from "@/lib/services/items";
import { createToken } from "@/lib/services/tokens";
import { projectStats } from "@/lib/services/stats";
import { statsSummary } from "./stats-summary";
import { createUser, listUsers, setPassword } from "@/lib/services/users";
import { FIELD_MAP_HELP, FieldMapError, parseFieldMap, type FieldMap } from "@/lib/formats/import/normalize";
import { IMPORT_FORMATS } from "@/lib/formats/import/read";
import { startServer } from "./start";
import { progressBar } from "./progress";

export const HELP = `arbiter — collect human preference data for RLHF and DPO

Usage: arbiter <command> [options]        (every command takes --db PATH and --json)

  start [--demo] [--port P] [--host H] [--build]   migrate, (seed the demo,) build if needed, serve
  migrate                                 apply database migrations
  seed --demo                             add the demo project and accounts if missing
  user add --email E --role R [--name N] [--password P]
  user password --email E [--password P]  set (or generate) a user's password
  user list
  token create --email E [--name N]       print a new API token once
  project create --slug S --name N [--overlap K] [--lease-minutes M] [--guidelines FILE] [--schema FILE]
  project list
  project set --project S [--overlap K] [--lease-minutes M] [--order finish-first|random|import]
      [--quota N|none] [--gold-rate R] [--min-gold-accuracy A --after N | --min-gold-accuracy none]
      [--agreement-threshold R|none] [--status draft|active|paused|archived] [--name N]
      [--guidelines FILE] [--schema FILE]
  member add|remove --project S --email E  choose who works on a project (none: every annotator)
  member list --project S
  item set --id N [--priority P] [--gold A|B|tie|both_bad|none]
  batch list --project S                  import batches, to raise one's priority
  batch set --id N --priority P
  import --project S FILE [--skip-invalid] [--format auto|jsonl|json|csv] [--map SPEC]
  export --project S --format F [--out FILE | --hf-dataset DIR] [--dry-run] [options]
      F: trl-dpo, trl-reward, trl-kto, openai-dpo, hh-rlhf, sft, raw
      --file-format jsonl|csv|parquet   --policy majority|unanimous   --min-votes N   --min-agreement R
      --ties include|exclude    --both-bad negatives|drop     --conversational   --sft-winners
      --rating-pairs best-vs-worst|best-vs-random   --ranking-pairs all-pairs|best-vs-rest
      --split test=0.1[,validation=0.1] --seed N [--part NAME]   --include-gold
      --reveal-annotators   --licence SPDX (dataset card)
  stats --project S [--by KEY] [--rounds N] [--seed N]   agreement, annotators, leaderboard, progress

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
        const accounts = await ensureAccounts(ctx, { demo: true });
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
          const { user, password } = await createUser({ ctx, input: { email: values.email!, role: values.role as never, name: values.name, password: values.password } });
          print(
            `Created ${user.role} ${user.email}` + (password ? `\nPassword: ${password}` : ""),
            { user, ...(password ? { password } : {}) },
          );
          return 0;
        }
        if (sub === "password") {
          const { values } = parse(rest.slice(1), { email: { type: "string" }, password: { type: "string" } });
          required(values, "email");
          const { password } = await setPassword({ ctx: systemCtx(values.db), input: { email: values.email!, password: values.password } });
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
            schema: { type: "string" },
          });
          required(values, "slug", "name");
          const guidelines = values.guidelines ? readFileOrFail(values.guidelines) : undefined;
          const judgmentSchema = values.schema ? readSchemaFile(values.schema) : undefined;
          const project = createProject({
            ctx: systemCtx(values.db),
            input: { slug: values.slug!, name: values.name!, overlap: values.overlap as never, leaseMinutes: values["lease-minutes"] as never, guidelines, judgmentSchema: judgmentSchema as never },
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
        if (sub === "set") {
          const { values } = parse(rest.slice(1), {
            project: { type: "string" },
            overlap: { type: "string" },
            "lease-minutes": { type: "string" },
            order: { type: "string" },
            quota: { type: "string" },
            "gold-rate": { type: "string" },
            "min-gold-accuracy": { type: "string" },
            after: { type: "string" },
            "agreement-threshold": { type: "string" },
            status: { type: "string" },
            name: { type: "string" },
            guidelines: { type: "string" },
            schema: { type: "string" },
          });
          required(values, "project");
          // "none" clears an optional limit.
          const orNull = (v: string | undefined) => (v === undefined ? undefined : v === "none" ? null : v);
          const clearsGold = values["min-gold-accuracy"] === "none";
          if (values.after !== undefined && values["min-gold-accuracy"] === undefined) throw new UsageError("--after goes with --min-gold-accuracy A");
          if (values["min-gold-accuracy"] !== undefined && !clearsGold && values.after === undefined) throw new UsageError("--min-gold-accuracy needs --after N (gold judgments before it applies)");
          const input: ProjectSettingsInput = {
            slug: values.project!,
            overlap: values.overlap as never,
            leaseMinutes: values["lease-minutes"] as never,
            orderPolicy: values.order as never,
            quota: orNull(values.quota) as never,
            goldRate: values["gold-rate"] as never,
            minGoldAccuracy: orNull(values["min-gold-accuracy"]) as never,
            minGoldAfter: (clearsGold ? null : values.after) as never,
            agreementThreshold: orNull(values["agreement-threshold"]) as never,
            status: values.status as never,
            name: values.name,
            guidelines: values.guidelines ? readFileOrFail(values.guidelines) : undefined,
            judgmentSchema: values.schema ? (readSchemaFile(values.schema) as never) : undefined,
          };
          const p = updateProject({ ctx: systemCtx(values.db), input });
          const policy = [
            `status ${p.status}`,
            `overlap ${p.overlap}`,
            `lease ${p.leaseMinutes} min`,
            `order ${p.orderPolicy.replace("_", "-")}`,
            `quota ${p.quota ?? "none"}`,
            `gold rate ${p.goldRate}`,
            p.minGoldAccuracy != null ? `min gold accuracy ${p.minGoldAccuracy} after ${p.minGoldAfter}` : "no gold cut-off",
            `agreement threshold ${p.agreementThreshold ?? "none"}`,
          ];
          print(`Updated project ${p.slug}: ${policy.join(", ")}`, { project: p });
          return 0;
        }
        throw new UsageError("project needs a subcommand: create, list or set");
      }

      case "member": {
        if (sub !== "add" && sub !== "remove" && sub !== "list") throw new UsageError("member needs a subcommand: add, remove or list");
        const { values } = parse(rest.slice(1), { project: { type: "string" }, email: { type: "string" } });
        if (sub === "list") {
          required(values, "project");
          const members = listMembers({ ctx: systemCtx(values.db), input: { slug: values.project! } });
          print(members.length ? members.map((m) => `${m.email}\t${m.name}`).join("\n") : `No members: every annotator may work on ${values.project}.`, { members });
          return 0;
        }
        required(values, "project", "email");
        const ctx = systemCtx(values.db);
        const input = { slug: values.project!, email: values.email! };
        if (sub === "add") {
          const { added } = addMember({ ctx, input });
          print(added ? `Added ${values.email} to ${values.project}` : `${values.email} was already a member of ${values.project}`, { added });
        } else {
          removeMember({ ctx, input });
          print(`Removed ${values.email} from ${values.project}`, { removed: true });
        }
        return 0;
      }

      case "item": {
        if (sub !== "set") throw new UsageError("item needs a subcommand: set");
        const { values } = parse(rest.slice(1), { id: { type: "string" }, priority: { type: "string" }, gold: { type: "string" } });
        required(values, "id");
        if (values.priority === undefined && values.gold === undefined) throw new UsageError("item set needs --priority P and/or --gold CHOICE");
        const ctx = systemCtx(values.db);
        // One call, so a bad --gold does not leave a new --priority behind.
        const gold = values.gold === undefined ? undefined : values.gold === "none" ? null : (values.gold as never);
        const item = updateItem({ ctx, input: { itemId: values.id!, priority: values.priority, gold } });
        const out: Record<string, unknown> = { item: item.id };
        if (values.priority !== undefined) out.priority = item.priority;
        if (values.gold !== undefined) out.gold = item.gold ? { choice: item.gold } : null;
        print(`Updated item ${values.id}: ${Object.entries(out).slice(1).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(", ")}`, out);
        return 0;
      }

      case "batch": {
        if (sub === "list") {
          const { values } = parse(rest.slice(1), { project: { type: "string" } });
          required(values, "project");
          const batches = listBatches({ ctx: systemCtx(values.db), input: { slug: values.project! } });
          print(batches.map((b) => `${b.id}\t${b.created_at}\t${b.inserted} item(s)\tpriority ${b.priority}\t${b.source ?? ""}`).join("\n"), { batches });
          return 0;
        }
        if (sub !== "set") throw new UsageError("batch needs a subcommand: list or set");
        const { values } = parse(rest.slice(1), { id: { type: "string" }, priority: { type: "string" } });
        required(values, "id", "priority");
        const r = setBatchPriority({ ctx: systemCtx(values.db), input: { batchId: values.id!, priority: values.priority! } });
        print(`Set priority ${r.priority} on ${r.items} item(s) of batch ${r.batchId}`, r);
        return 0;
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
        if (values.format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(values.format)) {
          throw new UsageError(`--format must be one of ${IMPORT_FORMATS.join(", ")} (got "${values.format}")`);
        }
        let map: FieldMap | undefined;
        try {
          map = values.map ? parseFieldMap(values.map) : undefined;
        } catch (e) {
          if (e instanceof FieldMapError) throw new UsageError(`--map: ${e.message}\n\n${FIELD_MAP_HELP}`);
          throw e;
        }
        const ctx = systemCtx(values.db);
        const bar = !asJson && process.stderr.isTTY ? progressBar(fs.statSync(file).size) : undefined;
        const summary = await importItems({
          ctx,
          input: {
            slug: values.project!,
            source: () => fs.createReadStream(file),
            skipInvalid: values["skip-invalid"],
            format: values.format as never,
            map,
            sourceName: path.basename(file),
            onProgress: bar ? (p) => bar.update(p) : undefined,
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
          "file-format": { type: "string" },
          policy: { type: "string" },
          "min-votes": { type: "string" },
          "min-agreement": { type: "string" },
          ties: { type: "string" },
          "both-bad": { type: "string" },
          "rating-pairs": { type: "string" },
          "ranking-pairs": { type: "string" },
          "sft-winners": { type: "boolean", default: false },
          conversational: { type: "boolean", default: false },
          "include-gold": { type: "boolean", default: false },
          "reveal-annotators": { type: "boolean", default: false },
          split: { type: "string" },
          seed: { type: "string" },
          part: { type: "string" },
          out: { type: "string" },
          "hf-dataset": { type: "string" },
          licence: { type: "string" },
          "dry-run": { type: "boolean", default: false },
        });
        required(values, "project", "format");
        if (values.out && values["hf-dataset"]) throw new UsageError("give --out or --hf-dataset, not both");
        const ctx = systemCtx(values.db);
        const input: ExportInput = {
          slug: values.project!,
          format: values.format as never,
          fileFormat: values["file-format"] as never,
          policy: values.policy as never,
          minVotes: values["min-votes"] as never,
          minAgreement: values["min-agreement"] as never,
          ties: values.ties as never,
          bothBad: values["both-bad"] as never,
          ratingPairs: values["rating-pairs"] as never,
          rankingPairs: values["ranking-pairs"] as never,
          sftWinners: values["sft-winners"],
          conversational: values.conversational,
          includeGold: values["include-gold"],
          revealAnnotators: values["reveal-annotators"],
          split: values.split,
          seed: values.seed as never,
          part: values.part,
        };
        if (values["dry-run"]) {
          const c = dryRunExport({ ctx, input });
          const dropped = Object.entries(c.dropped).filter(([, n]) => n > 0);
          print(
            [
              `Items with judgments: ${c.items}`,
              `Kept: ${c.kept_items} item(s) → ${c.rows} row(s)` + (Object.keys(c.splits).length > 1 ? ` (${Object.entries(c.splits).map(([k, n]) => `${k} ${n}`).join(", ")})` : ""),
              ...dropped.map(([reason, n]) => `Dropped, ${reason.replaceAll("_", " ")}: ${n}`),
              ...(c.gold_items_excluded ? [`Left out, gold items: ${c.gold_items_excluded}`] : []),
              ...(c.gold_judgments_excluded ? [`Left out, gold judgments: ${c.gold_judgments_excluded}`] : []),
              ...(c.adjudicated_items ? [`Decided by adjudication: ${c.adjudicated_items}`] : []),
            ].join("\n"),
            c,
          );
          return 0;
        }
        if (values.out || values["hf-dataset"]) {
          const target = values.out ? { out: path.resolve(values.out) } : { dir: path.resolve(values["hf-dataset"]!) };
          const written = await writeExport({ ctx, input, target, licence: values.licence });
          print(
            written.files.map((f) => `Wrote ${f.rows} row(s) to ${f.path}`).join("\n") + (written.card ? `\nWrote ${path.join((target as { dir: string }).dir, "README.md")}` : ""),
            { files: written.files, counts: written.counts },
          );
          return 0;
        }
        if (input.fileFormat === "parquet" && process.stdout.isTTY) throw new UsageError("Parquet is binary: give --out FILE or redirect stdout");
        const exp = openExport({ ctx, input });
        asJson = false; // the rows themselves are the output
        const drain = () => new Promise<void>((r) => process.stdout.once("drain", () => r()));
        if ("chunks" in exp) {
          let bytes = 0;
          for (const chunk of exp.chunks) {
            bytes += chunk.byteLength;
            if (!process.stdout.write(chunk)) await drain();
          }
          io.err(`${bytes} byte(s)\n`);
          return 0;
        }
        let rows = 0;
        for (const line of exp.lines) {
          rows++;
          if (!process.stdout.write(line)) await drain();
        }
        io.err(`${rows} line(s)\n`);
        return 0;
      }

      case "stats": {
        const { values } = parse(rest, { project: { type: "string" }, by: { type: "string" }, rounds: { type: "string" }, seed: { type: "string" } });
        required(values, "project");
        const stats = projectStats({ ctx: systemCtx(values.db), input: { slug: values.project!, by: values.by, rounds: values.rounds as never, seed: values.seed as never } });
        print(statsSummary(stats), stats);
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

/** Reads a judgment-schema JSON file (README "Judgment types"); a syntax error names the file. */
function readSchemaFile(file: string): unknown {
  const text = readFileOrFail(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

function readFileOrFail(file: string): string {
  if (!fs.existsSync(file)) throw new AppError("not_found", `File ${file} not found.`);
  return fs.readFileSync(file, "utf8");
}

