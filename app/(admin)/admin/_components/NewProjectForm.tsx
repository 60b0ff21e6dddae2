"use client";
import { useActionState } from "react";
import { PROJECT_DEFAULTS } from "@/db/schema/constants";
import { createProjectAction } from "../actions";
import type { ActionState } from "@/lib/http/form-state";
import { FormMessage } from "@/app/_components/FormMessage";
import { Field, controlProps } from "./Field";

const SCHEMA_EXAMPLE = `{
  "type": "pairwise",
  "strength": true,
  "allow_tie": true,
  "rewrite": "both_bad",
  "criteria": [{ "key": "helpfulness", "label": "Helpfulness", "min": 1, "max": 5, "min_label": "useless", "max_label": "very helpful" }],
  "flags": [{ "key": "unsafe", "label": "Unsafe" }],
  "rationale": "optional"
}`;

export function NewProjectForm() {
  const [state, formAction, pending] = useActionState(createProjectAction, { ok: false } as ActionState);
  const v = state.values;
  const e = state.errors ?? {};
  return (
    <form action={formAction} aria-label="New project" noValidate>
      <div className="row">
        <Field label="Slug" id="project-slug" error={e.slug}>
          <input name="slug" required defaultValue={v?.slug} placeholder="helpfulness-v1" autoComplete="off" {...controlProps("project-slug", e.slug)} />
        </Field>
        <Field label="Name" id="project-name" error={e.name}>
          <input name="name" required defaultValue={v?.name} {...controlProps("project-name", e.name)} />
        </Field>
        <Field label="Overlap (judgments per item)" id="project-overlap" error={e.overlap}>
          <input name="overlap" type="number" min={1} max={100} defaultValue={v?.overlap ?? PROJECT_DEFAULTS.overlap} {...controlProps("project-overlap", e.overlap)} />
        </Field>
        <Field label="Lease (minutes)" id="project-lease-minutes" error={e.leaseMinutes}>
          <input name="leaseMinutes" type="number" min={1} max={1440} defaultValue={v?.leaseMinutes ?? PROJECT_DEFAULTS.leaseMinutes} {...controlProps("project-lease-minutes", e.leaseMinutes)} />
        </Field>
      </div>
      <Field label="Guidelines (Markdown)" id="project-guidelines" error={e.guidelines}>
        <textarea name="guidelines" rows={6} defaultValue={v?.guidelines} {...controlProps("project-guidelines", e.guidelines)} />
      </Field>
      <Field label="Judgment schema (JSON; blank = pairwise A/B/tie/both bad; see README “Judgment types”)" id="project-judgment-schema" error={e.judgmentSchema}>
        <textarea
          name="judgmentSchema"
          rows={6}
          defaultValue={v?.judgmentSchema}
          placeholder={SCHEMA_EXAMPLE}
          spellCheck={false}
          style={{ fontFamily: "monospace" }}
          {...controlProps("project-judgment-schema", e.judgmentSchema)}
        />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={pending} data-testid="project-create">
          {pending ? "Creating…" : "Create project"}
        </button>
        <FormMessage state={state} testId="project-message" />
      </div>
    </form>
  );
}
