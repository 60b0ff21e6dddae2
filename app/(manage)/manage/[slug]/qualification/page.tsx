// A project's qualification for managers: who has qualified, is pending or failed, with gold items
// judged and accuracy in their current attempt, and a button to reset an attempt.
import Link from "next/link";
import { can } from "@/lib/auth/permissions";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { orNotFound } from "@/lib/http/page";
import { listQualifications } from "@/lib/services/qualification";
import { ResetButton } from "./_components/ResetButton";

const pct = (x: number | null) => (x == null ? "–" : `${Math.round(x * 1000) / 10}%`);
const STATUS = { pending: "pending", passed: "qualified", failed: "failed" } as const;

export default async function QualificationPage({ params }: { params: Promise<{ slug: string }> }) {
  const caller = await requirePageCaller("project:read");
  const { slug } = await params;
  const list = await orNotFound(() => listQualifications({ ctx: contextFor(caller), input: { slug } }));
  const resets = can(caller.role, "judgment:read_all");
  return (
    <>
      <h1>Qualification: {slug}</h1>
      <p className="muted">
        <Link href={`/manage/${slug}`}>← Dashboard</Link>
      </p>
      {list.required == null ? (
        <p data-testid="qualification-none">This project asks for no qualification (an admin sets one in the project settings).</p>
      ) : (
        <p data-testid="qualification-rule">
          Annotators judge {list.required} gold item(s), seeing each answer, before real items; {pct(list.accuracy_required)} right passes.
        </p>
      )}
      {list.annotators.length === 0 ? (
        <p className="muted">Nobody has started the qualification yet.</p>
      ) : (
        <table className="data" data-testid="qualification-table">
          <thead>
            <tr>
              <th>Annotator</th>
              <th>Status</th>
              <th>Attempt</th>
              <th>Judged</th>
              <th>Right</th>
              <th>Accuracy</th>
              <th>Last reset</th>
              {resets && <th />}
            </tr>
          </thead>
          <tbody>
            {list.annotators.map((a) => (
              <tr key={a.user_id} data-testid={`qualification-${a.email}`} data-status={a.status}>
                <td>{a.email}</td>
                <td>{STATUS[a.status]}</td>
                <td>{a.attempt}</td>
                <td>
                  {a.judged} of {a.required}
                </td>
                <td>{a.correct}</td>
                <td>{pct(a.accuracy)}</td>
                <td>{a.reset_at ? `${a.reset_at.slice(0, 16).replace("T", " ")} UTC by ${a.reset_by ?? "the system"}` : "–"}</td>
                {resets && (
                  <td>
                    <ResetButton slug={slug} email={a.email} testId={`reset-${a.email}`} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
