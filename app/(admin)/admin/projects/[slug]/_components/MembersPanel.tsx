"use client";
// Who works on a members-only project: add an annotator by email (which makes the project
// members-only), remove one (their open leases end).
import { useActionState } from "react";
import type { MemberView } from "@/lib/services/members";
import { addMemberAction, removeMemberAction } from "../settings-actions";
import type { ActionState } from "@/lib/http/form-state";
import { Field, controlProps } from "../../../_components/Field";
import { FormMessage } from "@/app/_components/FormMessage";

export function MembersPanel({ slug, members }: { slug: string; members: MemberView[] }) {
  const [state, add, pending] = useActionState(addMemberAction, { ok: false } as ActionState);
  const [removed, remove] = useActionState(removeMemberAction, { ok: false } as ActionState);
  return (
    <>
      {members.length === 0 ? (
        <p className="muted" data-testid="members-open">No members. Adding one makes the project members-only; removing members never opens it to everyone (that is the visibility setting).</p>
      ) : (
        <ul data-testid="members-list">
          {members.map((m) => (
            <li key={m.id}>
              <form action={remove} className="row" aria-label={`Remove ${m.email}`}>
                <input type="hidden" name="slug" value={slug} />
                <input type="hidden" name="email" value={m.email} />
                <span>{m.email}</span>
                <button type="submit" data-testid={`member-remove-${m.email}`}>Remove</button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <FormMessage state={removed} testId="member-remove-message" />
      <form action={add} aria-label="Add member" className="row">
        <input type="hidden" name="slug" value={slug} />
        <Field label="Annotator email" id="member-email" error={state.errors?.email}>
          <input name="email" type="email" required {...controlProps("member-email", state.errors?.email)} />
        </Field>
        <button type="submit" disabled={pending} data-testid="member-add">Add member</button>
      </form>
      <FormMessage state={state} testId="member-message" />
    </>
  );
}
