// `arbiter project create|list|set`: labeling campaigns and their settings.
import { createProject, listAllProjects, projectInput, projectSettingsInput, updateProject } from "@/lib/services/projects";
import { systemCtx, usageError, verb, type Command } from "../command";
import { checked, need, readJsonFile, readTextFile } from "../flags";
import { progressJson, projectJson } from "../views";

const guidelines = { type: "string", value: "FILE", help: "a markdown file annotators see" } as const;
const schema = { type: "string", value: "FILE", help: "a judgment schema (JSON; README \"Judgment types\")" } as const;
const overlap = { type: "string", value: "K", help: "judgments wanted per item (1–100)" } as const;
const leaseMinutes = { type: "string", value: "M", help: "how long an annotator holds an item (1–1440 minutes)" } as const;

export const project: Command = {
  name: "project",
  summary: "create, list and configure projects",
  verbs: [
    verb({
      name: "create",
      usage: "--slug S --name N [--overlap K] [--lease-minutes M] [--guidelines FILE] [--schema FILE]",
      summary: "create a project",
      flags: {
        slug: { type: "string", value: "S", help: "the project's short name in URLs and commands" },
        name: { type: "string", value: "N", help: "the project's title" },
        overlap,
        "lease-minutes": leaseMinutes,
        guidelines,
        schema,
      },
      run({ values, print }) {
        const input = checked(
          projectInput,
          {
            slug: need(values, "slug"),
            name: need(values, "name"),
            overlap: values.overlap,
            leaseMinutes: values["lease-minutes"],
            guidelines: values.guidelines ? readTextFile(values.guidelines) : undefined,
            judgmentSchema: values.schema ? readJsonFile(values.schema) : undefined,
          },
          { leaseMinutes: "lease-minutes", judgmentSchema: "schema" },
        );
        const project = createProject({ ctx: systemCtx(values.db), input });
        print(`Created project ${project.slug} (overlap ${project.overlap}, lease ${project.leaseMinutes} min)`, { project: projectJson(project) });
        return 0;
      },
    }),
    verb({
      name: "list",
      usage: "",
      summary: "list the projects with their progress",
      flags: {},
      run({ values, print }) {
        const rows = listAllProjects({ ctx: systemCtx(values.db) });
        print(
          rows.map(({ project: p, progress }) => `${p.slug}\t${p.name}\titems ${progress.items}\tjudgments ${progress.judgments}\tcomplete ${progress.completeItems}`).join("\n"),
          { projects: rows.map(({ project: p, progress }) => ({ slug: p.slug, name: p.name, status: p.status, overlap: p.overlap, progress: progressJson(progress) })) },
        );
        return 0;
      },
    }),
    verb({
      name: "set",
      usage:
        "--project S [--overlap K] [--lease-minutes M] [--order finish-first|random|import]\n" +
        "[--quota N|none] [--gold-rate R] [--min-gold-accuracy A --after N | --min-gold-accuracy none]\n" +
        "[--agreement-threshold R|none] [--status draft|active|paused|archived] [--name N]\n" +
        "[--guidelines FILE] [--schema FILE]",
      summary: "change a project's settings (none clears a limit)",
      flags: {
        project: { type: "string", value: "S", help: "the project's slug" },
        overlap,
        "lease-minutes": leaseMinutes,
        order: { type: "string", value: "O", help: "finish-first, random or import" },
        quota: { type: "string", value: "N", help: "most judgments per annotator, or none" },
        "gold-rate": { type: "string", value: "R", help: "share of served items that are gold (0–1)" },
        "min-gold-accuracy": { type: "string", value: "A", help: "stop annotators below this gold accuracy (0–1), or none" },
        after: { type: "string", value: "N", help: "…once they have judged N gold items" },
        "agreement-threshold": { type: "string", value: "R", help: "send items below this agreement to adjudication (0–1), or none" },
        status: { type: "string", value: "S", help: "draft, active, paused or archived" },
        name: { type: "string", value: "N", help: "the project's title" },
        guidelines,
        schema,
      },
      run({ values, print }) {
        const slug = need(values, "project");
        // "none" clears an optional limit.
        const orNull = (v: string | undefined) => (v === undefined ? undefined : v === "none" ? null : v);
        const clearsGold = values["min-gold-accuracy"] === "none";
        if (values.after !== undefined && values["min-gold-accuracy"] === undefined) throw usageError("--after goes with --min-gold-accuracy A");
        if (values["min-gold-accuracy"] !== undefined && !clearsGold && values.after === undefined) throw usageError("--min-gold-accuracy needs --after N (gold judgments before it applies)");
        const input = checked(
          projectSettingsInput,
          {
            slug,
            overlap: values.overlap,
            leaseMinutes: values["lease-minutes"],
            orderPolicy: values.order,
            quota: orNull(values.quota),
            goldRate: values["gold-rate"],
            minGoldAccuracy: orNull(values["min-gold-accuracy"]),
            minGoldAfter: clearsGold ? null : values.after,
            agreementThreshold: orNull(values["agreement-threshold"]),
            status: values.status,
            name: values.name,
            guidelines: values.guidelines ? readTextFile(values.guidelines) : undefined,
            judgmentSchema: values.schema ? readJsonFile(values.schema) : undefined,
          },
          {
            slug: "project",
            leaseMinutes: "lease-minutes",
            orderPolicy: "order",
            goldRate: "gold-rate",
            minGoldAccuracy: "min-gold-accuracy",
            minGoldAfter: "after",
            agreementThreshold: "agreement-threshold",
            judgmentSchema: "schema",
          },
        );
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
        print(`Updated project ${p.slug}: ${policy.join(", ")}`, { project: projectJson(p) });
        return 0;
      },
    }),
  ],
};
