// Turns one parsed source row (canonical, shorthand, TRL preference pair, HH-RLHF transcripts, or
// anything else through a field map) into the canonical ImportRecord, or says which field is wrong.

import { FormatError } from "../errors";
import { isHhTranscript, parseHhPair } from "../hh-rlhf";
import {
  CHOICES,
  type Choice,
  type ImportedJudgment,
  type ImportRecord,
  type ImportResponse,
  type Message,
  type Metadata,
  type Prompt,
  type RecordWarning,
  type Role,
} from "../record";
import { readImportedJudgment } from "./imported-judgment";
import { readTags } from "../tags";
import type { FieldMap } from "./field-map";

export { FIELD_MAP_HELP, parseFieldMap, type FieldMap } from "./field-map";

const MIN_RESPONSES = 2;
const MAX_RESPONSES = 8;

export type RecordShape = "canonical" | "shorthand" | "hh-rlhf" | "trl-preference";

export interface ToRecordOptions {
  map?: FieldMap;
}

/**
 * Maps one source row onto an ImportRecord. With a field map the map decides; otherwise the shape
 * is detected in this order: canonical (`responses`) → shorthand (`response_a`) → HH-RLHF (`chosen`
 * is a "\n\nHuman:" transcript and there is no `prompt`) → TRL preference (`chosen`/`rejected`).
 * Keys a shape does not know are kept in the record's metadata rather than dropped.
 */
export function toRecord(raw: unknown, options: ToRecordOptions = {}): ImportRecord {
  if (!isPlainObject(raw)) fail("", `expected a JSON object, got ${describe(raw)}`);
  const warnings: RecordWarning[] = [];
  const warn: Warn = (field, message) => warnings.push({ field, message });
  let record: ImportRecord;
  let fields: string[];
  if (options.map) {
    record = fromFieldMap(raw, options.map, warn);
    fields = options.map.responses;
  } else {
    const shape = detectShape(raw);
    switch (shape) {
      case "canonical":
        record = fromCanonical(raw, warn);
        fields = record.responses.map((r, i) => (typeof (raw.responses as unknown[])[i] === "string" ? `responses[${i}]` : `responses[${i}].content`));
        break;
      case "shorthand":
        record = fromShorthand(raw, warn);
        fields = ["response_a", "response_b"];
        break;
      case "hh-rlhf":
        record = fromHhRlhf(raw);
        fields = ["chosen", "rejected"];
        break;
      case "trl-preference":
        record = fromTrlPair(raw, warn);
        fields = ["chosen", "rejected"];
        break;
      default: {
        const keys = Object.keys(raw).slice(0, 10);
        throw new FormatError(
          "unrecognised record shape: expected `responses` (canonical), `response_a`/`response_b` " +
            "(shorthand) or `chosen`/`rejected` (TRL or HH-RLHF pair); " +
            (keys.length ? `got keys ${keys.join(", ")}; a field map can say which of them is the prompt and which the responses` : "got an empty object"),
          { code: "unrecognised_shape" },
        );
      }
    }
  }
  record.responses.forEach((r, i) => {
    if (r.content.trim() === "") warn(fields[i] ?? `responses[${i}]`, "empty response");
  });
  if (warnings.length) record.warnings = warnings;
  return record;
}

/** One prompt to generate responses for (`arbiter generate --prompts FILE`): an import record without responses. */
export interface PromptRecord {
  id?: string;
  prompt: Prompt;
  metadata?: Metadata;
  tags?: string[];
}

const PROMPT_KEYS = ["id", "prompt", "metadata", "tags"];

/**
 * Maps one row of a prompts file onto a PromptRecord: `{"prompt": text or [{role, content}], "id"?,
 * "metadata"?, "tags"?}`, the import format's prompt shapes; other keys are kept in the metadata.
 */
export function toPromptRecord(raw: unknown): PromptRecord {
  if (!isPlainObject(raw)) fail("", `expected a JSON object with a "prompt", got ${describe(raw)}`);
  const record: PromptRecord = { prompt: readPrompt(raw.prompt, "prompt") };
  const id = readId(raw.id, "id");
  if (id !== undefined) record.id = id;
  const metadata = readMetadata(raw.metadata, "metadata");
  const extra: Metadata = {};
  for (const [key, value] of Object.entries(raw)) if (!PROMPT_KEYS.includes(key)) extra[key] = value;
  if (metadata || Object.keys(extra).length) record.metadata = { ...extra, ...metadata };
  const tags = readTags(raw.tags, "tags");
  if (tags.length) record.tags = tags;
  return record;
}

/** Records something accepted with a caveat (an empty response, `true` taken as text). */
type Warn = (field: string, message: string) => void;

/**
 * A response's text. Numbers and booleans are taken as their text with a warning (PandaLM has
 * `"response1": true`): the item stays importable and the summary says where to look.
 */
function responseText(value: unknown, field: string, warn: Warn): string {
  if (typeof value === "number" || typeof value === "boolean") {
    warn(field, `not text (${JSON.stringify(value)}); imported as the text "${String(value)}"`);
    return String(value);
  }
  return readText(value, field);
}

export function detectShape(raw: Record<string, unknown>): RecordShape | null {
  if ("responses" in raw) return "canonical";
  if ("response_a" in raw || "response_b" in raw) return "shorthand";
  if (isHhTranscript(raw.chosen) && !("prompt" in raw)) return "hh-rlhf";
  if ("chosen" in raw || "rejected" in raw) return "trl-preference";
  return null;
}

// ---------------------------------------------------------------------------------------------
// Shapes

const CANONICAL_KEYS = ["id", "prompt", "responses", "metadata", "gold", "gold_explanation", "priority", "tags", "annotations"];

function fromCanonical(raw: Record<string, unknown>, warn: Warn): ImportRecord {
  const responses = raw.responses;
  if (!Array.isArray(responses)) fail("responses", `expected a list of responses, got ${describe(responses)}`);
  checkResponseCount(responses.length, "responses");
  return withCommonFields(raw, CANONICAL_KEYS, {
    prompt: readPrompt(raw.prompt, "prompt"),
    responses: responses.map((r, i) => readResponse(r, `responses[${i}]`, warn)),
  });
}

const SHORTHAND_KEYS = ["id", "prompt", "response_a", "response_b", "model_a", "model_b", "metadata", "gold", "gold_explanation", "priority", "tags", "annotations"];

function fromShorthand(raw: Record<string, unknown>, warn: Warn): ImportRecord {
  const responses = (["a", "b"] as const).map((slot): ImportResponse => {
    const response: ImportResponse = { content: responseText(raw[`response_${slot}`], `response_${slot}`, warn) };
    const model = readOptionalName(raw[`model_${slot}`], `model_${slot}`);
    if (model !== undefined) response.model = model;
    return response;
  });
  return withCommonFields(raw, SHORTHAND_KEYS, { prompt: readPrompt(raw.prompt, "prompt"), responses });
}

const PAIR_KEYS = ["id", "prompt", "chosen", "rejected", "metadata", "gold", "gold_explanation", "priority", "tags", "annotations"];

/** The source's own label survives as candidate metadata, never as a judgment. */
function labelled(content: string, label: "chosen" | "rejected"): ImportResponse {
  return { content, metadata: { source_label: label } };
}

function fromHhRlhf(raw: Record<string, unknown>): ImportRecord {
  const chosen = raw.chosen as string;
  if (typeof raw.rejected !== "string") fail("rejected", `expected a transcript string, got ${describe(raw.rejected)}`);
  let pair;
  try {
    pair = parseHhPair(chosen, raw.rejected);
  } catch (error) {
    if (error instanceof FormatError) fail(error.field ?? "", error.detail);
    throw error;
  }
  return withCommonFields(raw, PAIR_KEYS, {
    prompt: readPrompt(pair.prompt, "chosen"),
    responses: [labelled(pair.chosen, "chosen"), labelled(pair.rejected, "rejected")],
  });
}

/**
 * TRL preference rows (https://huggingface.co/docs/trl/dataset_formats#preference): explicit prompt
 * or implicit (prompt inside chosen/rejected), standard (strings) or conversational (message lists).
 */
function fromTrlPair(raw: Record<string, unknown>, warn: Warn): ImportRecord {
  if (!("chosen" in raw)) fail("chosen", "missing (a preference pair needs chosen and rejected)");
  if (!("rejected" in raw)) fail("rejected", "missing (a preference pair needs chosen and rejected)");
  const conversational = Array.isArray(raw.chosen);
  if (conversational !== Array.isArray(raw.rejected)) {
    fail("rejected", conversational ? "expected a message list like chosen" : "expected a string like chosen");
  }
  const split = "prompt" in raw ? explicitPair(raw, conversational, warn) : implicitPair(raw, conversational);
  return withCommonFields(raw, PAIR_KEYS, {
    prompt: split.prompt,
    responses: [labelled(split.chosen, "chosen"), labelled(split.rejected, "rejected")],
  });
}

interface SplitPair {
  prompt: Prompt;
  chosen: string;
  rejected: string;
}

function explicitPair(raw: Record<string, unknown>, conversational: boolean, warn: Warn): SplitPair {
  const prompt = readPrompt(raw.prompt, "prompt");
  if (conversational) {
    if (typeof prompt === "string") fail("prompt", "expected a message list, like chosen and rejected");
    return { prompt, chosen: oneAssistantTurn(raw.chosen, "chosen"), rejected: oneAssistantTurn(raw.rejected, "rejected") };
  }
  if (typeof prompt !== "string") fail("prompt", "expected a string, like chosen and rejected");
  return { prompt, chosen: responseText(raw.chosen, "chosen", warn), rejected: responseText(raw.rejected, "rejected", warn) };
}

function oneAssistantTurn(value: unknown, field: string): string {
  const messages = readMessages(value, field);
  if (messages.length !== 1) fail(field, `expected one assistant message, got ${messages.length} messages`);
  if (messages[0].role !== "assistant") fail(`${field}[0].role`, `expected "assistant", got "${messages[0].role}"`);
  return messages[0].content;
}

function implicitPair(raw: Record<string, unknown>, conversational: boolean): SplitPair {
  if (!conversational) {
    // As TRL's extract_prompt: the prompt is the common prefix, ending before a space so that the
    // completions keep their leading space (" blue." / " green.").
    const chosen = readText(raw.chosen, "chosen");
    const rejected = readText(raw.rejected, "rejected");
    let shared = 0;
    while (shared < chosen.length && shared < rejected.length && chosen[shared] === rejected[shared]) shared++;
    if (shared > 0 && shared < Math.min(chosen.length, rejected.length) && chosen[shared - 1] === " ") shared--;
    const prompt = chosen.slice(0, shared);
    if (prompt.trim() === "") fail("prompt", "missing, and chosen and rejected share no common start to use as the prompt");
    return { prompt, chosen: chosen.slice(shared), rejected: rejected.slice(shared) };
  }
  const chosen = readMessages(raw.chosen, "chosen");
  const rejected = readMessages(raw.rejected, "rejected");
  let shared = 0;
  while (
    shared < chosen.length &&
    shared < rejected.length &&
    chosen[shared].role === rejected[shared].role &&
    chosen[shared].content === rejected[shared].content
  ) {
    shared++;
  }
  // Cut back to the last shared user turn: the prompt ends with the user, the rest are the answers.
  while (shared > 0 && chosen[shared - 1].role !== "user") shared--;
  if (shared === 0) fail("prompt", "missing, and chosen and rejected share no user turn to use as the prompt");
  const answer = (messages: Message[], field: string): string => {
    const rest = messages.slice(shared);
    if (rest.length !== 1 || rest[0].role !== "assistant") {
      fail(field, "expected the conversation to end with one assistant turn after the shared prompt");
    }
    return rest[0].content;
  };
  const prompt = readPrompt(chosen.slice(0, shared), "chosen");
  return { prompt, chosen: answer(chosen, "chosen"), rejected: answer(rejected, "rejected") };
}

/** Adds id, metadata (with unknown keys folded in), gold, priority, tags and annotations. */
function withCommonFields(
  raw: Record<string, unknown>,
  known: readonly string[],
  core: Pick<ImportRecord, "prompt" | "responses">,
): ImportRecord {
  const id = readId(raw.id, "id");
  const record: ImportRecord = id !== undefined ? { id, ...core } : { ...core };
  const metadata = readMetadata(raw.metadata, "metadata");
  const extra: Metadata = {};
  for (const [key, value] of Object.entries(raw)) if (!known.includes(key)) extra[key] = value;
  if (metadata || Object.keys(extra).length) record.metadata = { ...extra, ...metadata };
  if (raw.gold !== undefined && raw.gold !== null) record.gold = readGold(raw.gold, "gold");
  const explanation = readExplanation(raw.gold_explanation, "gold_explanation");
  if (explanation !== undefined) {
    if (!record.gold) fail("gold_explanation", "given without gold (it explains the gold answer)");
    if (record.gold.explanation !== undefined) fail("gold_explanation", "given twice (also as gold.explanation)");
    record.gold.explanation = explanation;
  }
  const priority = readPriority(raw.priority, "priority");
  if (priority !== undefined) record.priority = priority;
  const tags = readTags(raw.tags, "tags");
  if (tags.length) record.tags = tags;
  if (raw.annotations !== undefined && raw.annotations !== null) {
    record.annotations = readImportedJudgments(raw.annotations, "annotations", core.responses.length);
  }
  return record;
}

// ---------------------------------------------------------------------------------------------
// Field maps

function fromFieldMap(raw: Record<string, unknown>, map: FieldMap, warn: Warn): ImportRecord {
  const used = new Set<string>();
  const get = (field: string): unknown => {
    used.add(field);
    return Object.hasOwn(raw, field) ? raw[field] : undefined;
  };

  const record: ImportRecord = { prompt: "", responses: [] };
  if (map.id) {
    const id = readId(get(map.id), map.id);
    if (id !== undefined) record.id = id;
  }

  const promptField = map.prompt.join("+");
  const first = get(map.prompt[0]);
  if (map.prompt.length === 1 && Array.isArray(first)) {
    record.prompt = readPrompt(first, promptField);
  } else {
    const parts = map.prompt.map((field) => mappedText(get(field), field, true));
    record.prompt = readPrompt(parts.filter((p) => p.trim() !== "").join("\n\n"), promptField);
  }

  record.responses = map.responses.map((field) => {
    const value = get(field);
    return { content: typeof value === "number" || typeof value === "boolean" ? responseText(value, field, warn) : mappedText(value, field, false) };
  });

  if (map.models) {
    const names = modelNames(map.models, get, record.responses.length);
    names.forEach((name, i) => {
      if (name !== "") record.responses[i].model = name;
    });
  }

  if (map.gold) {
    const choice = mappedChoice(get(map.gold), map.gold, map.labels);
    if (choice) record.gold = { choice };
  }
  if (map.goldExplanation) {
    const explanation = readExplanation(get(map.goldExplanation), map.goldExplanation);
    if (explanation !== undefined && record.gold) record.gold.explanation = explanation;
  }
  if (map.priority) {
    const priority = readPriority(get(map.priority), map.priority);
    if (priority !== undefined) record.priority = priority;
  }
  if (map.tags) {
    const tags = readTags(get(map.tags), map.tags);
    if (tags.length) record.tags = tags;
  }
  if (map.annotations) {
    const annotations: ImportedJudgment[] = [];
    for (const field of map.annotations) {
      const choice = mappedChoice(get(field), field, map.labels);
      if (choice) annotations.push({ annotator: field, choice });
    }
    if (annotations.length) record.annotations = annotations;
  }

  // Metadata last, so that `*` knows every field the map used.
  if (map.metadata) {
    const fields = map.metadata === "*" ? Object.keys(raw).filter((k) => !used.has(k)) : map.metadata;
    const metadata: Metadata = {};
    for (const field of fields) if (Object.hasOwn(raw, field)) metadata[field] = raw[field];
    if (Object.keys(metadata).length) record.metadata = metadata;
  }
  return record;
}

/** Text from a mapped field: numbers and booleans become text (PandaLM has `"response1": true`). */
function mappedText(value: unknown, field: string, optional: boolean): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === undefined || value === null) {
    if (optional) return "";
    fail(field, value === undefined ? "missing" : "expected text, got null");
  }
  fail(field, `expected text, got ${describe(value)}`);
}

function modelNames(
  models: NonNullable<FieldMap["models"]>,
  get: (field: string) => unknown,
  count: number,
): string[] {
  if ("fields" in models) return models.fields.map((field) => mappedText(get(field), field, true).trim());
  const value = mappedText(get(models.field), models.field, true).trim();
  if (value === "") return [];
  const names = value.split(models.separator).map((n) => n.trim());
  // A model name containing the separator makes the split ambiguous: refuse rather than guess.
  if (names.length !== count || names.some((n) => n === "")) {
    fail(
      models.field,
      `cannot split ${JSON.stringify(value)} on ${JSON.stringify(models.separator)} into ${count} model names; ` +
        "use models_sep= with a separator no model name contains, or one models field per response",
    );
  }
  return names;
}

function mappedChoice(value: unknown, field: string, labels: Record<string, Choice> | undefined): Choice | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "object") fail(field, `expected a label, got ${describe(value)}`);
  const key = String(value).trim();
  if (key === "") return undefined;
  if (labels) {
    if (!Object.hasOwn(labels, key)) {
      fail(field, `value ${JSON.stringify(key)} is not in labels (${Object.keys(labels).join(", ")})`);
    }
    return labels[key];
  }
  if (!(CHOICES as readonly string[]).includes(key)) {
    fail(field, `expected one of ${CHOICES.join(", ")} (or give labels=), got ${JSON.stringify(key)}`);
  }
  return key as Choice;
}

// ---------------------------------------------------------------------------------------------
// Field readers: each returns the canonical value or throws a FormatError at `field` ("" = the row).

const ROLES: readonly Role[] = ["system", "user", "assistant"];

function fail(field: string, detail: string): never {
  throw new FormatError(detail, { field });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  return `a ${typeof value}`;
}

function readId(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") fail(field, `expected a string or number, got ${describe(value)}`);
  if (value.trim() === "") fail(field, "must not be empty");
  return value;
}

function readText(value: unknown, field: string): string {
  if (value === undefined) fail(field, "missing");
  if (typeof value !== "string") fail(field, `expected a string, got ${describe(value)}`);
  return value;
}

function readOptionalName(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") fail(field, `expected a string, got ${describe(value)}`);
  return value.trim() === "" ? undefined : value;
}

/** A list of {role, content} messages; no rule about order (see readPrompt for prompts). */
function readMessages(value: unknown, field: string): Message[] {
  if (!Array.isArray(value)) fail(field, `expected a list of {role, content} messages, got ${describe(value)}`);
  return value.map((m, i): Message => {
    const path = `${field}[${i}]`;
    if (!isPlainObject(m)) fail(path, `expected a {role, content} message, got ${describe(m)}`);
    if (!(ROLES as readonly unknown[]).includes(m.role)) {
      fail(`${path}.role`, `expected "system", "user" or "assistant", got ${JSON.stringify(m.role) ?? "nothing"}`);
    }
    return { role: m.role as Role, content: readText(m.content, `${path}.content`) };
  });
}

/**
 * A prompt is non-empty text, or a conversation whose system turns come first and whose last turn
 * is a non-empty user turn. Earlier turns may be empty (real transcripts have empty turns).
 */
function readPrompt(value: unknown, field: string): Prompt {
  if (typeof value === "string") {
    if (value.trim() === "") fail(field, "must not be empty");
    return value;
  }
  if (value === undefined) fail(field, "missing");
  if (!Array.isArray(value)) fail(field, `expected a string or a list of {role, content} messages, got ${describe(value)}`);
  const messages = readMessages(value, field);
  if (messages.length === 0) fail(field, "must not be an empty conversation");
  let seenTurn = false;
  messages.forEach((m, i) => {
    if (m.role !== "system") seenTurn = true;
    else if (seenTurn) fail(`${field}[${i}].role`, "a system turn must come before the user and assistant turns");
  });
  const last = messages[messages.length - 1];
  if (last.role !== "user") fail(field, `must end with a user turn, got ${last.role}`);
  if (last.content.trim() === "") fail(`${field}[${messages.length - 1}].content`, "must not be empty");
  return messages;
}

function checkResponseCount(count: number, field: string): void {
  if (count < MIN_RESPONSES || count > MAX_RESPONSES) {
    fail(field, `expected ${MIN_RESPONSES} to ${MAX_RESPONSES} responses, got ${count}`);
  }
}

const RESPONSE_KEYS = ["content", "model", "metadata"];

/**
 * A response is {content, model?, metadata?} or bare text. Empty content is allowed (HH-RLHF has
 * some) and so is a number or boolean, as its text; toRecord warns about both.
 */
function readResponse(value: unknown, field: string, warn: Warn): ImportResponse {
  if (typeof value === "string") return { content: value };
  if (typeof value === "number" || typeof value === "boolean") return { content: responseText(value, field, warn) };
  if (!isPlainObject(value)) fail(field, `expected {content, model?, metadata?} or a string, got ${describe(value)}`);
  const response: ImportResponse = { content: responseText(value.content, `${field}.content`, warn) };
  const model = readOptionalName(value.model, `${field}.model`);
  if (model !== undefined) response.model = model;
  const metadata = readMetadata(value.metadata, `${field}.metadata`);
  const extra: Metadata = {};
  for (const [key, v] of Object.entries(value)) if (!RESPONSE_KEYS.includes(key)) extra[key] = v;
  if (metadata || Object.keys(extra).length) response.metadata = { ...extra, ...metadata };
  return response;
}

function readMetadata(value: unknown, field: string): Metadata | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) fail(field, `expected an object, got ${describe(value)}`);
  return value;
}

function readChoice(value: unknown, field: string): Choice {
  if (!(CHOICES as readonly unknown[]).includes(value)) {
    fail(field, `expected one of ${CHOICES.map((c) => `"${c}"`).join(", ")}, got ${JSON.stringify(value) ?? "nothing"}`);
  }
  return value as Choice;
}

function readGold(value: unknown, field: string): { choice: Choice; explanation?: string } {
  if (!isPlainObject(value)) fail(field, `expected {"choice": ..., "explanation"?: ...}, got ${describe(value)}`);
  const gold: { choice: Choice; explanation?: string } = { choice: readChoice(value.choice, `${field}.choice`) };
  const explanation = readExplanation(value.explanation, `${field}.explanation`);
  if (explanation !== undefined) gold.explanation = explanation;
  return gold;
}

/** Why a gold answer is right, shown to annotators after they judge the item; blank means none. */
export const GOLD_EXPLANATION_MAX = 5000;
function readExplanation(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") fail(field, `expected text, got ${describe(value)}`);
  if (value.length > GOLD_EXPLANATION_MAX) fail(field, `expected at most ${GOLD_EXPLANATION_MAX} characters, got ${value.length}`);
  return value.trim() === "" ? undefined : value;
}

/** A finite number; numeric text is accepted because CSV cells are text. */
function readPriority(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number)) {
    fail(field, `expected a number, got ${typeof value === "string" ? JSON.stringify(value) : describe(value)}`);
  }
  return number;
}

function readImportedJudgments(value: unknown, field: string, responseCount: number): ImportedJudgment[] {
  if (!Array.isArray(value)) fail(field, `expected a list of annotations, got ${describe(value)}`);
  return value.map((a, i) => {
    const path = `${field}[${i}]`;
    if (!isPlainObject(a)) fail(path, `expected {"annotator", "choice"?, ...}, got ${describe(a)}`);
    if (typeof a.annotator !== "string" || a.annotator.trim() === "") {
      fail(`${path}.annotator`, a.annotator === undefined ? "missing" : "expected a non-empty string");
    }
    if (a.choice !== undefined && a.choice !== null) readChoice(a.choice, `${path}.choice`);
    try {
      return readImportedJudgment({ ...a, annotator: a.annotator }, responseCount);
    } catch (error) {
      if (error instanceof FormatError) fail(error.field ? `${path}.${error.field}` : path, error.detail);
      throw error;
    }
  });
}
