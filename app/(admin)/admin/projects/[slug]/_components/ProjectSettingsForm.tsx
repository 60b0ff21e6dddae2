"use client";
// Assignment and quality-control settings of a project: status, order, overlap, lease, quota, gold.
import { useActionState } from "react";
import type { Project } from "@/lib/services/projects";
import { updateSettingsAction } from "../settings-actions";
import type { ActionState } from "@/lib/http/form-state";
import { Field, controlProps } from "../../../_components/Field";
import { FormMessage } from "@/app/_components/FormMessage";

type Settings = Pick<Project, "slug" | "status" | "visibility" | "orderPolicy" | "overlap" | "leaseMinutes" | "quota" | "goldRate" | "minGoldAccuracy" | "minGoldAfter" | "agreementThreshold">;

export function ProjectSettingsForm({ project }: { project: Settings }) {
  const [state, action, pending] = useActionState(updateSettingsAction, { ok: false } as ActionState);
  const e = state.errors ?? {};
  const num = (v: number | null) => (v == null ? "" : String(v));
  return (
    <form action={action} aria-label="Project settings">
      <input type="hidden" name="slug" value={project.slug} />
      <div className="row">
        <Field label="Status" id="settings-status" error={e.status}>
          <select name="status" key={project.status} defaultValue={project.status} {...controlProps("settings-status", e.status)}>
            <option value="draft">draft (hidden from annotators)</option>
            <option value="active">active</option>
            <option value="paused">paused (serves nothing)</option>
            <option value="archived">archived</option>
          </select>
        </Field>
        <Field label="Who may work on it" id="settings-visibility" error={e.visibility}>
          <select name="visibility" key={project.visibility} defaultValue={project.visibility} {...controlProps("settings-visibility", e.visibility)}>
            <option value="members">members only</option>
            <option value="everyone">every annotator</option>
          </select>
        </Field>
        <Field label="Order" id="settings-order" error={e.orderPolicy}>
          <select name="orderPolicy" key={project.orderPolicy} defaultValue={project.orderPolicy} {...controlProps("settings-order", e.orderPolicy)}>
            <option value="finish_first">finish started items first</option>
            <option value="random">random</option>
            <option value="import">import order</option>
          </select>
        </Field>
        <Field label="Overlap (judgments per item)" id="settings-overlap" error={e.overlap}>
          <input name="overlap" type="number" min={1} max={100} defaultValue={project.overlap} {...controlProps("settings-overlap", e.overlap)} />
        </Field>
        <Field label="Lease (minutes)" id="settings-lease" error={e.leaseMinutes}>
          <input name="leaseMinutes" type="number" min={1} max={1440} defaultValue={project.leaseMinutes} {...controlProps("settings-lease", e.leaseMinutes)} />
        </Field>
        <Field label="Quota per annotator (blank: none)" id="settings-quota" error={e.quota}>
          <input name="quota" type="number" min={1} defaultValue={num(project.quota)} {...controlProps("settings-quota", e.quota)} />
        </Field>
      </div>
      <div className="row">
        <Field label="Gold rate (0–1)" id="settings-gold-rate" error={e.goldRate}>
          <input name="goldRate" type="number" min={0} max={1} step="any" defaultValue={project.goldRate} {...controlProps("settings-gold-rate", e.goldRate)} />
        </Field>
        <Field label="Min gold accuracy (0–1, blank: none)" id="settings-min-gold" error={e.minGoldAccuracy}>
          <input name="minGoldAccuracy" type="number" min={0} max={1} step="any" defaultValue={num(project.minGoldAccuracy)} {...controlProps("settings-min-gold", e.minGoldAccuracy)} />
        </Field>
        <Field label="…after N gold judgments" id="settings-min-gold-after" error={e.minGoldAfter}>
          <input name="minGoldAfter" type="number" min={1} defaultValue={num(project.minGoldAfter)} {...controlProps("settings-min-gold-after", e.minGoldAfter)} />
        </Field>
        <Field label="Agreement threshold (0–1, blank: majority only)" id="settings-agreement" error={e.agreementThreshold}>
          <input name="agreementThreshold" type="number" min={0} max={1} step="any" defaultValue={num(project.agreementThreshold)} {...controlProps("settings-agreement", e.agreementThreshold)} />
        </Field>
      </div>
      <button className="primary" type="submit" disabled={pending} data-testid="settings-submit">
        {pending ? "Saving…" : "Save settings"}
      </button>
      <FormMessage state={state} testId="settings-message" />
    </form>
  );
}
