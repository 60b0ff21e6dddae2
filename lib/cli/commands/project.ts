// `arbiter project create|list|set`: labeling campaigns and their settings.
import { createProject, listAllProjects, projectInput, projectSettingsInput, updateProject } from "@/lib/services/projects";
import { cliSpelling, projectSettingRows, type ProjectSetting } from "@/lib/services/project-settings";
import { systemCtx, usageError, verb, type Command, type Flag, type Flags } from "../command";
import { checked, need, readJsonFile, readTextFile } from "../flags";
import { progressJson, projectJson } from "../views";

const guidelines = { type: "string", value: "FILE", help: "a markdown file annotators see" } as const;
const schema = { type: "string", value: "FILE", help: "a judgment schema (JSON; README \"Judgment types\")" } as const;
const SETTINGS = projectSettingRows();
const settingFlag = (key: "overlap" | "leaseMinutes"): Flag => {
  const s = SETTINGS.find((x) => x.key === key)!;
  return { type: "string", value: s.value, help: s.help };
};
const overlap = settingFlag("overlap");
const leaseMinutes = settingFlag("leaseMinutes");

/** `project set`'s flags: the settings table's, then the project's name and texts. */
const SET_FLAGS: Flags = {
  project: { type: "string", value: "S", help: "the project's slug" },
  ...Object.fromEntries(SETTINGS.map((s): [string, Flag] => [s.flag, { type: "string", value: s.value, help: s.help }])),
  name: { type: "string", value: "N", help: "the project's title" },
  guidelines,
  schema,
};

/** A setting in the usage line; the gold cut-off's two halves are given together. */
function settingUsage(s: ProjectSetting & { key: string }): string[] {
  if (s.key === "minGoldAfter") return [];
  if (s.key === "minGoldAccuracy") return ["[--min-gold-accuracy A --after N | --min-gold-accuracy none]"];
  const value = s.kind === "choice" ? s.options.map((o) => cliSpelling(o.value)).join("|") : s.nullable ? `${s.value}|none` : s.value;
  return [`[--${s.flag} ${value}]`];
}

export const project: Command = {
  name: "project",
  summary: "create, list and configure projects",
  verbs: [
    verb({
      name: "create",
      usage: "--slug S --name N [--overlap K] [--lease-minutes M] [--status draft|active] [--guidelines FILE] [--schema FILE]",
      summary: "create a project",
      flags: {
        slug: { type: "string", value: "S", help: "the project's short name in URLs and commands" },
        name: { type: "string", value: "N", help: "the project's title" },
        overlap,
        "lease-minutes": leaseMinutes,
        status: { type: "string", value: "S", help: "draft (the default: hidden from annotators until activated) or active" },
        guidelines,
        schema,
      },
      async run({ values, print }) {
        const input = checked(
          projectInput,
          {
            slug: need(values, "slug"),
            name: need(values, "name"),
            overlap: values.overlap,
            leaseMinutes: values["lease-minutes"],
            status: values.status,
            guidelines: values.guidelines ? readTextFile(values.guidelines) : undefined,
            judgmentSchema: values.schema ? readJsonFile(values.schema) : undefined,
          },
          { leaseMinutes: "lease-minutes", judgmentSchema: "schema" },
        );
        const project = await createProject({ ctx: await systemCtx(values), input });
        const next = project.status === "draft" ? `; activate it with: arbiter project set --project ${project.slug} --status active` : "";
        print(`Created project ${project.slug} (${project.status}, overlap ${project.overlap}, lease ${project.leaseMinutes} min)${next}`, { project: projectJson(project) });
        return 0;
      },
    }),
    verb({
      name: "list",
      usage: "",
      summary: "list the projects with their progress",
      flags: {},
      async run({ values, print }) {
        const rows = await listAllProjects({ ctx: await systemCtx(values) });
        print(
          rows.map(({ project: p, progress }) => `${p.slug}\t${p.name}\titems ${progress.items}\tjudgments ${progress.judgments}\tcomplete ${progress.completeItems}`).join("\n"),
          { projects: rows.map(({ project: p, progress }) => ({ slug: p.slug, name: p.name, status: p.status, overlap: p.overlap, progress: progressJson(progress) })) },
        );
        return 0;
      },
    }),
    verb({
      name: "set",
      usage: ["--project S", ...SETTINGS.flatMap(settingUsage), "[--name N]", "[--guidelines FILE]", "[--schema FILE]"].join(" "),
      summary: "change a project's settings (none clears a limit)",
      flags: SET_FLAGS,
      async run({ values, print }) {
        const slug = need(values, "project");
        const clearsGold = values["min-gold-accuracy"] === "none";
        // Back to a fixed overlap: clearing min clears the rest of the adaptive rule unless given.
        const clearsAdaptive = values["min-judgments"] === "none";
        if (values.after !== undefined && values["min-gold-accuracy"] === undefined) throw usageError("--after goes with --min-gold-accuracy A");
        if (values["min-gold-accuracy"] !== undefined && !clearsGold && values.after === undefined) throw usageError("--min-gold-accuracy needs --after N (gold judgments before it applies)");
        const input = checked(
          projectSettingsInput,
          {
            slug,
            // "none" clears a limit (the settings' schema reads it as null).
            ...Object.fromEntries(SETTINGS.map((s) => [s.key, values[s.flag]])),
            // Clearing the gold cut-off clears both of its halves.
            minGoldAfter: clearsGold ? null : values.after,
            ...(clearsAdaptive ? { maxJudgments: values["max-judgments"] ?? null, stopAgreement: values["stop-agreement"] ?? null } : {}),
            name: values.name,
            guidelines: values.guidelines ? readTextFile(values.guidelines) : undefined,
            judgmentSchema: values.schema ? readJsonFile(values.schema) : undefined,
          },
          { slug: "project", judgmentSchema: "schema", ...Object.fromEntries(SETTINGS.map((s) => [s.key, s.flag])) },
        );
        const p = await updateProject({ ctx: await systemCtx(values), input });
        const policy = [
          `status ${p.status}`,
          p.minJudgments != null
            ? `adaptive overlap ${p.minJudgments}–${p.maxJudgments} (${p.stopAgreement != null ? `stops when the first ${p.minJudgments} agree or at agreement ${p.stopAgreement}` : `stops when the first ${p.minJudgments} agree`})`
            : `overlap ${p.overlap}`,
          `lease ${p.leaseMinutes} min`,
          `order ${cliSpelling(p.orderPolicy)}`,
          `quota ${p.quota ?? "none"}`,
          `gold rate ${p.goldRate}`,
          p.minGoldAccuracy != null ? `min gold accuracy ${p.minGoldAccuracy} after ${p.minGoldAfter}` : "no gold cut-off",
          `agreement threshold ${p.agreementThreshold ?? "none"}`,
          `time cap ${p.timeCapSeconds} s`,
          `contender pairing ${p.contenderPairing}`,
        ];
        print(`Updated project ${p.slug}: ${policy.join(", ")}`, { project: projectJson(p) });
        return 0;
      },
    }),
  ],
};
