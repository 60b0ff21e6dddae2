// Contenders: one way of answering (an endpoint with a system prompt, a user-message template and
// sampling parameters), versioned: an edit adds a version and every response records the version
// that produced it. Admin-only.
import { z } from "zod";
import { at, type Engine } from "@/db/engine";
import {
  CONTENDER_CURRENT,
  CONTENDER_INSERT,
  CONTENDER_SET_VERSION,
  CONTENDER_VERSION_INSERT,
  CONTENDER_VERSIONS_ALL,
  CONTENDERS_LIST,
  ENDPOINT_BY_NAME,
  type ContenderVersionRow,
} from "@/db/queries/models";
import { audit } from "./audit";
import { nowOf, requireScope, type Ctx, type Untrusted } from "./context";
import { fieldError, notFound, parseInput } from "./errors";
import { endpointName } from "./endpoints";

/** Where a template puts the prompt. */
export const PROMPT_PLACEHOLDER = "{prompt}";

const TEXT_MAX = 200_000;

const settings = {
  endpoint: endpointName,
  system: z.string().max(TEXT_MAX).nullable().optional(),
  template: z
    .string()
    .max(TEXT_MAX)
    .refine((t) => t.includes(PROMPT_PLACEHOLDER), `must contain ${PROMPT_PLACEHOLDER}, where the prompt goes`)
    .nullable()
    .optional(),
  temperature: z.coerce.number({ message: "must be a number" }).min(0, "must be at least 0").max(2, "must be at most 2").nullable().optional(),
  max_tokens: z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").max(1_000_000).nullable().optional(),
  seed: z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(-2_147_483_648).max(2_147_483_647).nullable().optional(),
};

export const contenderName = endpointName;

export const contenderInput = z.object({ name: contenderName, ...settings });
export type ContenderInput = z.input<typeof contenderInput>;

/** An edit: the fields given replace the current version's (null clears one); the rest carry over. */
export const contenderEdit = z.object({ name: contenderName, ...settings, endpoint: settings.endpoint.optional() });
export type ContenderEdit = z.input<typeof contenderEdit>;

export interface ContenderView {
  name: string;
  version: number;
  endpoint: string;
  system: string | null;
  template: string | null;
  temperature: number | null;
  max_tokens: number | null;
  seed: number | null;
}

export function contenderView(v: ContenderVersionRow): ContenderView {
  return { name: v.name, version: v.version, endpoint: v.endpoint, system: v.systemPrompt, template: v.template, temperature: v.temperature, max_tokens: v.maxTokens, seed: v.seed };
}

interface VersionSettings {
  endpointId: number;
  system: string | null;
  template: string | null;
  temperature: number | null;
  maxTokens: number | null;
  seed: number | null;
}

async function endpointId(tx: Engine, name: string): Promise<number> {
  const endpoint = await tx.first(ENDPOINT_BY_NAME, [name]);
  if (!endpoint) throw fieldError("endpoint", `no endpoint is named "${name}" (add it with \`arbiter endpoint add\`)`, "not_found");
  return endpoint.id;
}

async function insertVersion(tx: Engine, contenderId: number, version: number, s: VersionSettings, now: number): Promise<void> {
  await tx.first(CONTENDER_VERSION_INSERT, [contenderId, version, s.endpointId, s.system, s.template, s.temperature, s.maxTokens, s.seed, at(now)]);
}

export async function addContender({ ctx, input }: { ctx: Ctx; input: Untrusted<ContenderInput> }): Promise<ContenderView> {
  requireScope(ctx, "model:manage");
  const data = parseInput(contenderInput, input);
  const now = nowOf(ctx);
  return ctx.db.write(async (tx) => {
    const s: VersionSettings = {
      endpointId: await endpointId(tx, data.endpoint),
      system: data.system ?? null,
      template: data.template ?? null,
      temperature: data.temperature ?? null,
      maxTokens: data.max_tokens ?? null,
      seed: data.seed ?? null,
    };
    const id = await tx.first(CONTENDER_INSERT, [data.name, at(now)]);
    if (id === undefined) throw fieldError("name", `a contender named "${data.name}" already exists (edit it to make a new version)`, "conflict");
    await insertVersion(tx, id, 1, s, now);
    const view = contenderView((await tx.first(CONTENDER_CURRENT, [data.name]))!);
    await audit(tx, ctx, { action: "contender.create", targetType: "contender", targetId: id, detail: { ...view } });
    return view;
  });
}

/** Makes a new version from the current one with the given fields changed; the old version stays for the responses it made. */
export async function editContender({ ctx, input }: { ctx: Ctx; input: Untrusted<ContenderEdit> }): Promise<ContenderView> {
  requireScope(ctx, "model:manage");
  const data = parseInput(contenderEdit, input);
  const now = nowOf(ctx);
  return ctx.db.write(async (tx) => {
    const current = await tx.first(CONTENDER_CURRENT, [data.name]);
    if (!current) throw notFound(`Contender "${data.name}"`);
    const pick = <T>(given: T | null | undefined, kept: T | null): T | null => (given === undefined ? kept : given);
    const s: VersionSettings = {
      endpointId: data.endpoint === undefined ? current.endpointId : await endpointId(tx, data.endpoint),
      system: pick(data.system, current.systemPrompt),
      template: pick(data.template, current.template),
      temperature: pick(data.temperature, current.temperature),
      maxTokens: pick(data.max_tokens, current.maxTokens),
      seed: pick(data.seed, current.seed),
    };
    const version = current.version + 1;
    await insertVersion(tx, current.contenderId, version, s, now);
    await tx.exec(CONTENDER_SET_VERSION, [version, current.contenderId]);
    const view = contenderView((await tx.first(CONTENDER_CURRENT, [data.name]))!);
    await audit(tx, ctx, { action: "contender.edit", targetType: "contender", targetId: current.contenderId, detail: { ...view } });
    return view;
  });
}

export async function listContenders({ ctx }: { ctx: Ctx }): Promise<ContenderView[]> {
  requireScope(ctx, "model:manage");
  return (await ctx.db.many(CONTENDERS_LIST)).map(contenderView);
}

export interface ContenderVersionView extends ContenderView {
  created_at: string;
}

/** Every contender's versions, newest first, by contender name (the admin page's history). */
export async function contenderVersions({ ctx }: { ctx: Ctx }): Promise<Map<string, ContenderVersionView[]>> {
  requireScope(ctx, "model:manage");
  const out = new Map<string, ContenderVersionView[]>();
  for (const v of await ctx.db.many(CONTENDER_VERSIONS_ALL)) {
    const list = out.get(v.name) ?? [];
    list.push({ ...contenderView(v), created_at: new Date(v.createdAt).toISOString() });
    out.set(v.name, list);
  }
  return out;
}
