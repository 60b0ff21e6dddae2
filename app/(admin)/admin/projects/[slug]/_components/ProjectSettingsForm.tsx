"use client";
// Assignment, quality-control, display and report settings of a project: status, order, routing, contender pairing, overlap (fixed or adaptive), lease, quota, gold, qualification, remote images, time cap.
// One control per row of the settings table (lib/services/project-settings.ts), passed in by the page.
import { useActionState } from "react";
import type { Project } from "@/lib/services/projects";
import { choiceValue, type ProjectSettingKey, type ProjectSettingRow } from "@/lib/services/project-settings";
import { updateSettingsAction } from "../settings-actions";
import type { ActionState } from "@/lib/http/form-state";
import { Field, controlProps } from "../../../_components/Field";
import { FormMessage } from "@/app/_components/FormMessage";

type Settings = Pick<Project, "slug" | ProjectSettingKey>;

function Control({ setting, value, error }: { setting: ProjectSettingRow; value: string | number | boolean | null; error?: string }) {
  const props = controlProps(setting.field, error);
  if (setting.kind === "choice") {
    // A select's default is read once, so it is keyed by the stored value to show what was saved.
    return (
      <select name={setting.key} key={choiceValue(value)} defaultValue={choiceValue(value)} {...props}>
        {setting.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  }
  if (setting.kind === "text") return <input name={setting.key} type="text" maxLength={setting.maxLength} defaultValue={typeof value === "string" ? value : ""} {...props} />;
  return <input name={setting.key} type="number" min={setting.min} max={setting.max} step={setting.whole ? undefined : "any"} defaultValue={typeof value === "number" ? value : ""} {...props} />;
}

export function ProjectSettingsForm({ project, settings }: { project: Settings; settings: ProjectSettingRow[] }) {
  const [state, action, pending] = useActionState(updateSettingsAction, { ok: false } as ActionState);
  const e = state.errors ?? {};
  const row = (group: ProjectSettingRow["group"]) => (
    <div className="row">
      {settings
        .filter((s) => s.group === group)
        .map((s) => (
          <Field key={s.key} label={s.label} id={s.field} error={e[s.key]}>
            <Control setting={s} value={project[s.key]} error={e[s.key]} />
          </Field>
        ))}
    </div>
  );
  return (
    <form action={action} aria-label="Project settings">
      <input type="hidden" name="slug" value={project.slug} />
      {row("assignment")}
      {row("overlap")}
      {row("quality")}
      {row("qualification")}
      {row("display")}
      {row("report")}
      <button className="primary" type="submit" disabled={pending} data-testid="settings-submit">
        {pending ? "Saving…" : "Save settings"}
      </button>
      <FormMessage state={state} testId="settings-message" />
    </form>
  );
}
