// Statements on endpoints, contenders (with their versions) and generation runs with their stored
// responses. The sealed API key is read by one statement only (ENDPOINT_SECRET), used where a request is made.
import { defineQuery, dynamicQuery, json, jsonOrNull, num, numOrNull, str, strOrNull, type Dialect, type Query } from "../engine";
import type { GenerationStatus } from "../schema/constants";

export interface EndpointRow {
  id: number;
  name: string;
  baseUrl: string;
  model: string;
  apiKeyEnv: string | null;
  /** Whether a key entered directly is stored (sealed); the key itself is never read here. */
  hasStoredKey: boolean;
  maxConcurrency: number;
  timeoutS: number;
  priceIn: number | null;
  priceOut: number | null;
  createdAt: number;
}

const ENDPOINT_COLUMNS = `id, name, base_url, model, api_key_env, api_key_sealed is not null as has_stored_key, max_concurrency, timeout_s, price_in, price_out, created_at`;

const endpointRow = (r: Record<string, unknown>): EndpointRow => ({
  id: num(r.id),
  name: str(r.name),
  baseUrl: str(r.base_url),
  model: str(r.model),
  apiKeyEnv: strOrNull(r.api_key_env),
  hasStoredKey: r.has_stored_key === true || num(r.has_stored_key) === 1,
  maxConcurrency: num(r.max_concurrency),
  timeoutS: num(r.timeout_s),
  priceIn: numOrNull(r.price_in),
  priceOut: numOrNull(r.price_out),
  createdAt: num(r.created_at),
});

/** Params: name, base url, model, api key env, sealed key, max concurrency, timeout s, price in, price out, created at. */
export const ENDPOINT_INSERT = defineQuery(
  "models.endpointInsert",
  `insert into endpoints (name, base_url, model, api_key_env, api_key_sealed, max_concurrency, timeout_s, price_in, price_out, created_at)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (name) do nothing returning ${ENDPOINT_COLUMNS}`,
  endpointRow,
);

export const ENDPOINT_BY_NAME = defineQuery("models.endpointByName", `select ${ENDPOINT_COLUMNS} from endpoints where name = ?`, endpointRow);

export const ENDPOINTS_LIST = defineQuery("models.endpoints", `select ${ENDPOINT_COLUMNS} from endpoints order by name`, endpointRow);

/** The sealed key of an endpoint (null when none is stored). Params: endpoint id. */
export const ENDPOINT_SECRET = defineQuery("models.endpointSecret", "select api_key_sealed from endpoints where id = ?", (r) => strOrNull(r.api_key_sealed));

export interface ContenderVersionRow {
  versionId: number;
  contenderId: number;
  name: string;
  version: number;
  currentVersion: number;
  endpointId: number;
  endpoint: string;
  systemPrompt: string | null;
  template: string | null;
  temperature: number | null;
  maxTokens: number | null;
  seed: number | null;
  createdAt: number;
}

const VERSION_SELECT = `select v.id as version_id, c.id as contender_id, c.name, v.version, c.current_version, v.endpoint_id, e.name as endpoint,
  v.system_prompt, v.template, v.temperature, v.max_tokens, v.seed, v.created_at
  from contender_versions v join contenders c on c.id = v.contender_id join endpoints e on e.id = v.endpoint_id`;

const versionRow = (r: Record<string, unknown>): ContenderVersionRow => ({
  versionId: num(r.version_id),
  contenderId: num(r.contender_id),
  name: str(r.name),
  version: num(r.version),
  currentVersion: num(r.current_version),
  endpointId: num(r.endpoint_id),
  endpoint: str(r.endpoint),
  systemPrompt: strOrNull(r.system_prompt),
  template: strOrNull(r.template),
  temperature: numOrNull(r.temperature),
  maxTokens: numOrNull(r.max_tokens),
  seed: numOrNull(r.seed),
  createdAt: num(r.created_at),
});

/** Params: name, created at. Nothing when the name is taken. */
export const CONTENDER_INSERT = defineQuery(
  "models.contenderInsert",
  "insert into contenders (name, current_version, created_at) values (?, 1, ?) on conflict (name) do nothing returning id",
  (r) => num(r.id),
);

/** Params: contender id, version, endpoint id, system prompt, template, temperature, max tokens, seed, created at. */
export const CONTENDER_VERSION_INSERT = defineQuery(
  "models.contenderVersionInsert",
  `insert into contender_versions (contender_id, version, endpoint_id, system_prompt, template, temperature, max_tokens, seed, created_at)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  (r) => num(r.id),
);

/** Params: version, contender id. */
export const CONTENDER_SET_VERSION = defineQuery("models.contenderSetVersion", "update contenders set current_version = ? where id = ?");

/** A contender's current version. Params: name. */
export const CONTENDER_CURRENT = defineQuery("models.contenderCurrent", `${VERSION_SELECT} where c.name = ? and v.version = c.current_version`, versionRow);

/** Every contender's current version, by name. */
export const CONTENDERS_LIST = defineQuery("models.contenders", `${VERSION_SELECT} where v.version = c.current_version order by c.name`, versionRow);

/** Every version of every contender, newest first within each (the admin page's history). */
export const CONTENDER_VERSIONS_ALL = defineQuery("models.contenderVersionsAll", `${VERSION_SELECT} order by c.name, v.version desc`, versionRow);

/** A version by id (a run calls the versions it started with, even after an edit). Params: version id. */
export const CONTENDER_VERSION = defineQuery("models.contenderVersion", `${VERSION_SELECT} where v.id = ?`, versionRow);

export interface RunContender {
  contender: string;
  version: number;
  versionId: number;
}

export interface GenerationRunRow {
  id: number;
  projectId: number;
  project: string;
  status: GenerationStatus;
  pairs: string;
  contenders: RunContender[];
  promptCount: number;
  itemsCreated: number;
  error: string | null;
  createdAt: number;
  finishedAt: number | null;
  /** Stored responses so far, and how many of them are failures. */
  responses: number;
  failed: number;
}

const RUN_SELECT = `select r.id, r.project_id, p.slug as project, r.status, r.pairs, r.contenders, r.prompt_count, r.items_created, r.error, r.created_at, r.finished_at,
  (select count(*) from generation_responses g where g.run_id = r.id) as responses,
  (select count(*) from generation_responses g where g.run_id = r.id and g.status = 'failed') as failed
  from generation_runs r join projects p on p.id = r.project_id`;

const runRow = (r: Record<string, unknown>): GenerationRunRow => ({
  id: num(r.id),
  projectId: num(r.project_id),
  project: str(r.project),
  status: str(r.status) as GenerationStatus,
  pairs: str(r.pairs),
  contenders: json<RunContender[]>(r.contenders),
  promptCount: num(r.prompt_count),
  itemsCreated: num(r.items_created),
  error: strOrNull(r.error),
  createdAt: num(r.created_at),
  finishedAt: numOrNull(r.finished_at),
  responses: num(r.responses),
  failed: num(r.failed),
});

/** Params: project id, status, pairs, contenders (JSON), prompts (JSON), fingerprint, prompt count, created by, created at. */
export const RUN_INSERT = defineQuery(
  "models.runInsert",
  (d) => `insert into generation_runs (project_id, status, pairs, contenders, prompts, fingerprint, prompt_count, created_by, created_at)
   values (?, ?, ?, ${d.jsonParam}, ${d.jsonParam}, ?, ?, ?, ?) returning id`,
  (r) => num(r.id),
);

export const RUN_BY_ID = defineQuery("models.run", `${RUN_SELECT} where r.id = ?`, runRow);

/** The run's prompts as stored. Params: run id. */
export const RUN_PROMPTS = defineQuery("models.runPrompts", "select prompts from generation_runs where id = ?", (r) => json<unknown[]>(r.prompts));

/** The latest unfinished run (running or failed) of a project with this fingerprint. Params: project id, fingerprint. */
export const RUN_UNFINISHED = defineQuery(
  "models.runUnfinished",
  "select id from generation_runs where project_id = ? and fingerprint = ? and status in ('running', 'failed') order by id desc limit 1",
  (r) => num(r.id),
);

/** A project's runs, newest first. Params: project id. */
export const RUNS_OF_PROJECT = defineQuery("models.runsOfProject", `${RUN_SELECT} where r.project_id = ? order by r.id desc`, runRow);

/** Just the status (polled while a run works, to notice a cancellation). Params: run id. */
export const RUN_STATUS = defineQuery("models.runStatus", "select status from generation_runs where id = ?", (r) => str(r.status) as GenerationStatus);

/** Params: status, error, finished at, run id. Only a run that is not cancelled changes (a cancel wins). */
export const RUN_SET_STATUS = defineQuery(
  "models.runSetStatus",
  "update generation_runs set status = ?, error = ?, finished_at = ? where id = ? and status <> 'cancelled'",
);

/** Params: items created, finished at, run id. */
export const RUN_DONE = defineQuery(
  "models.runDone",
  "update generation_runs set status = 'done', error = null, items_created = items_created + ?, finished_at = ? where id = ? and status = 'running'",
);

/** Params: finished at, run id. Only a running (or failed) run is cancelled. */
export const RUN_CANCEL = defineQuery(
  "models.runCancel",
  "update generation_runs set status = 'cancelled', finished_at = ? where id = ? and status in ('running', 'failed')",
);

/** The response upsert for `rows` responses, their params one row after another. */
function responsesUpsert(d: Dialect, rows: number): string {
  const row = `(?, ?, ?, ?, ?, ${d.jsonParam}, ?, ?)`;
  return `insert into generation_responses (run_id, prompt_index, contender_version_id, status, text, metrics, error, created_at)
   values ${Array(rows).fill(row).join(", ")}
   on conflict (run_id, prompt_index, contender_version_id) do update set status = excluded.status, text = excluded.text,
     metrics = excluded.metrics, error = excluded.error, created_at = excluded.created_at
   where generation_responses.status <> 'ok'`;
}

/**
 * Stores one response (or failure). A stored response is never replaced; a stored failure is, by
 * the response a resumed run gets. Params: run id, prompt index, version id, status, text, metrics (JSON), error, created at.
 */
export const RESPONSE_UPSERT = defineQuery("models.responseUpsert", (d) => responsesUpsert(d, 1));

const upserts = new Map<number, Query<unknown>>();

/** RESPONSE_UPSERT for `rows` responses in one statement (one round trip on PostgreSQL); no two of them for the same prompt and version. */
export function responsesUpsertOf(rows: number): Query<unknown> {
  if (rows === 1) return RESPONSE_UPSERT;
  let q = upserts.get(rows);
  if (!q) upserts.set(rows, (q = dynamicQuery((d) => responsesUpsert(d, rows))));
  return q;
}

export interface StoredResponseRow {
  promptIndex: number;
  contenderVersionId: number;
  status: "ok" | "failed";
  text: string | null;
  metrics: Record<string, unknown> | null;
  error: string | null;
}

/** Every stored response of a run, by prompt then version. Params: run id. */
export const RESPONSES_OF_RUN = defineQuery(
  "models.responsesOfRun",
  "select prompt_index, contender_version_id, status, text, metrics, error from generation_responses where run_id = ? order by prompt_index, contender_version_id",
  (r): StoredResponseRow => ({
    promptIndex: num(r.prompt_index),
    contenderVersionId: num(r.contender_version_id),
    status: str(r.status) as "ok" | "failed",
    text: strOrNull(r.text),
    metrics: jsonOrNull<Record<string, unknown>>(r.metrics),
    error: strOrNull(r.error),
  }),
);

export interface RunFailureRow {
  promptIndex: number;
  contender: string;
  error: string | null;
}

/** A run's failed responses, first ones first, at most `limit`. Params: run id, limit. */
export const RUN_FAILURES = defineQuery(
  "models.runFailures",
  `select g.prompt_index, c.name as contender, g.error from generation_responses g
   join contender_versions v on v.id = g.contender_version_id join contenders c on c.id = v.contender_id
   where g.run_id = ? and g.status = 'failed' order by g.prompt_index, c.name limit ?`,
  (r): RunFailureRow => ({ promptIndex: num(r.prompt_index), contender: str(r.contender), error: strOrNull(r.error) }),
);

/** Which prompt × version a run already has a response for (failures are called again). Params: run id. */
export const RESPONSES_DONE = defineQuery(
  "models.responsesDone",
  "select prompt_index, contender_version_id from generation_responses where run_id = ? and status = 'ok'",
  (r) => ({ promptIndex: num(r.prompt_index), contenderVersionId: num(r.contender_version_id) }),
);
