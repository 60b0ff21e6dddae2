// Field maps: how the columns of an arbitrary JSON/CSV source become an import record, written as a
// one-line spec such as `prompt=instruction+input,responses=response1|response2,models=cmp_key`.
//
// Grammar (also exported as FIELD_MAP_HELP for the README and the CLI):
//
//   spec    := entry ("," entry)*
//   entry   := key "=" value
//   prompt=F | prompt=F+G+…        one field, or several joined with "\n\n" (empty parts skipped)
//   responses=F|G|…                2 to 8 fields, in slot order (A, B, …)
//   models=F|G|…                   one field per response
//   models=F  [models_sep=S]       one field split on S (default "_") into one name per response
//   id=F   gold=F   gold_explanation=F   priority=F   tags=F
//   metadata=F|G|… | metadata=*    fields copied into the item's metadata (* = all unmapped fields)
//   annotations=F|G|…              one external annotation per field, named after the field
//   labels=V:C,V:C,…               value → choice (A, B, tie, both_bad) for annotations and gold
//
// A part without "=" continues the entry before it, which is what lets `labels=0:tie,1:A,2:B` sit
// inside a comma-separated spec. Only labels takes continuations.

import { FormatError } from "../errors";
import { CHOICES, type Choice } from "../record";

export interface FieldMap {
  id?: string;
  /** Fields joined with a blank line to make the prompt; a single field may hold a message list. */
  prompt: string[];
  responses: string[];
  models?: { fields: string[] } | { field: string; separator: string };
  metadata?: string[] | "*";
  annotations?: string[];
  /** Source value (as text) → choice. Without labels, values must already be choices. */
  labels?: Record<string, Choice>;
  gold?: string;
  /** The field explaining the gold answer (shown to annotators after they judge the item). */
  goldExplanation?: string;
  priority?: string;
  /** A field holding the item's tags: a list, or text separated by ";" or "|". */
  tags?: string;
}

export const FIELD_MAP_HELP = `A field map says which source fields make up each part of an item:

  KEY=VALUE,KEY=VALUE,...

  prompt=F            the prompt is field F (text, or a JSON list of {role, content} messages)
  prompt=F+G          several fields joined with a blank line; empty fields are skipped
  responses=F|G       the responses, in slot order (2 to 8 fields)
  models=F|G          one model name per response
  models=F            one field holding all model names, split on models_sep
  models_sep=S        the separator for models=F (default "_"); a value that does not split into
                      exactly one name per response is rejected, never guessed
  id=F                the item id (numbers become text)
  metadata=F|G        fields copied into the item's metadata; metadata=* copies every field the
                      map does not otherwise use
  annotations=F|G     one external annotation per field, named after the field; an empty value
                      means that annotator gave no label
  labels=V:C,V:C      how annotation and gold values translate to the choices A, B, tie, both_bad
                      (A is the first response, B the second); without labels, values must
                      already be choices
  gold=F              the known answer, translated with labels
  gold_explanation=F  why the gold answer is right, shown to annotators after they judge the item
  priority=F          a number; higher is served first
  tags=F              the item's tags, for routing by skill: a JSON list, or text separated by
                      ; or | (lowercase letters, digits and : - _ . ; 1 to 40 characters each)

Field names are top-level JSON keys or CSV header names and cannot contain , | + = or :.
A part without "=" continues the entry before it, so labels=0:tie,1:A,2:B is one entry.
Numbers and booleans in text fields are written as text (true becomes "true").

Example (PandaLM test set):
  id=idx,prompt=instruction+input,responses=response1|response2,models=cmp_key,
  metadata=motivation_app,annotations=annotator1|annotator2|annotator3,labels=0:tie,1:A,2:B`;

const KEYS = [
  "id",
  "prompt",
  "responses",
  "models",
  "models_sep",
  "metadata",
  "annotations",
  "labels",
  "gold",
  "gold_explanation",
  "priority",
  "tags",
] as const;
type Key = (typeof KEYS)[number];

/** Parses a field-map spec; throws FormatError naming the offending entry. */
export function parseFieldMap(spec: string): FieldMap {
  const entries = new Map<Key, string>();
  let last: Key | undefined;
  for (const rawPart of spec.split(",")) {
    const part = rawPart.trim();
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) {
      if (last !== "labels") {
        throw new FormatError(`"${part}": expected KEY=VALUE (keys: ${KEYS.join(", ")})`);
      }
      entries.set("labels", `${entries.get("labels")},${part}`);
      continue;
    }
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new FormatError(`"${key}": unknown key (keys: ${KEYS.join(", ")})`);
    }
    if (entries.has(key as Key)) throw new FormatError("given twice", { field: key });
    if (value === "") throw new FormatError("missing a value", { field: key });
    entries.set(key as Key, value);
    last = key as Key;
  }

  const promptSpec = entries.get("prompt");
  const responsesSpec = entries.get("responses");
  if (!promptSpec) throw new FormatError("required (e.g. prompt=instruction)", { field: "prompt" });
  if (!responsesSpec) throw new FormatError("required (e.g. responses=response1|response2)", { field: "responses" });

  const map: FieldMap = {
    prompt: fieldList("prompt", promptSpec, "+"),
    responses: fieldList("responses", responsesSpec, "|"),
  };
  if (map.responses.length < 2 || map.responses.length > 8) {
    throw new FormatError(`expected 2 to 8 fields, got ${map.responses.length}`, { field: "responses" });
  }

  const id = entries.get("id");
  if (id) map.id = singleField("id", id);
  const gold = entries.get("gold");
  if (gold) map.gold = singleField("gold", gold);
  const goldExplanation = entries.get("gold_explanation");
  if (goldExplanation) {
    if (!map.gold) throw new FormatError("given without gold", { field: "gold_explanation" });
    map.goldExplanation = singleField("gold_explanation", goldExplanation);
  }
  const priority = entries.get("priority");
  if (priority) map.priority = singleField("priority", priority);
  const tags = entries.get("tags");
  if (tags) map.tags = singleField("tags", tags);

  const models = entries.get("models");
  const separator = entries.get("models_sep");
  if (models) {
    const fields = fieldList("models", models, "|");
    if (fields.length === 1) {
      map.models = { field: fields[0], separator: separator ?? "_" };
    } else {
      if (separator) throw new FormatError("only applies to a single models field", { field: "models_sep" });
      if (fields.length !== map.responses.length) {
        throw new FormatError(`expected one field per response (${map.responses.length}), got ${fields.length}`, { field: "models" });
      }
      map.models = { fields };
    }
  } else if (separator) {
    throw new FormatError("given without models", { field: "models_sep" });
  }

  const metadata = entries.get("metadata");
  if (metadata) map.metadata = metadata === "*" ? "*" : fieldList("metadata", metadata, "|");
  const annotations = entries.get("annotations");
  if (annotations) map.annotations = fieldList("annotations", annotations, "|");

  const labels = entries.get("labels");
  if (labels) {
    if (!map.annotations && !map.gold) throw new FormatError("given without annotations or gold", { field: "labels" });
    map.labels = parseLabels(labels);
  }
  return map;
}

function parseLabels(spec: string): Record<string, Choice> {
  const labels: Record<string, Choice> = {};
  for (const rawPair of spec.split(/[,|]/)) {
    const pair = rawPair.trim();
    if (pair === "") continue;
    const colon = pair.lastIndexOf(":");
    if (colon <= 0) throw new FormatError(`"${pair}" should be VALUE:CHOICE (e.g. 1:A)`, { field: "labels" });
    const value = pair.slice(0, colon).trim();
    const choice = pair.slice(colon + 1).trim();
    if (!(CHOICES as readonly string[]).includes(choice)) {
      throw new FormatError(`"${choice}" is not a choice (${CHOICES.join(", ")})`, { field: "labels" });
    }
    if (value in labels) throw new FormatError(`value "${value}" given twice`, { field: "labels" });
    labels[value] = choice as Choice;
  }
  if (Object.keys(labels).length === 0) throw new FormatError("no VALUE:CHOICE pairs", { field: "labels" });
  return labels;
}

function fieldList(key: string, value: string, separator: "|" | "+"): string[] {
  const fields = value.split(separator).map((f) => f.trim());
  for (const field of fields) checkFieldName(key, field);
  return fields;
}

function singleField(key: string, value: string): string {
  checkFieldName(key, value);
  return value;
}

function checkFieldName(key: string, field: string): void {
  if (field === "") throw new FormatError("empty field name", { field: key });
  if (/[|+=:]/.test(field)) throw new FormatError(`"${field}" is not a field name`, { field: key });
}
