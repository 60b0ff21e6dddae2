"use client";
// Starts an AI judge run on the project through the judge-runs route and follows it: items judged of
// those taken, failures with why, a cancel button while it runs; the project's earlier runs below.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { JudgeRunView } from "@/lib/services/judges";
import { Field, controlProps } from "../../../_components/Field";

/** How often a running run's progress is read. */
const POLL_MS = 500;

type Errors = { judge?: string; limit?: string; form?: string };

async function errorOf(response: Response): Promise<Errors> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: string; fields?: Record<string, string> } } | null;
  const fields = body?.error?.fields ?? {};
  return fields.judge || fields.limit ? { judge: fields.judge, limit: fields.limit } : { form: body?.error?.message ?? `The request failed (${response.status}).` };
}

export function JudgeRunPanel({ slug, judges, runs }: { slug: string; judges: string[]; runs: JudgeRunView[] }) {
  const router = useRouter();
  const [current, setCurrent] = useState<JudgeRunView | null>(runs.find((r) => r.status === "running") ?? null);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  const running = current?.status === "running";
  const id = current?.id;
  useEffect(() => {
    if (!running || id === undefined) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One read at a time: the next is scheduled when this one has answered (or failed), so a slow
    // server never has reads piling up.
    const poll = async () => {
      const response = await fetch(`/api/v1/judge-runs/${id}`).catch(() => null);
      const run = response?.ok ? ((await response.json().catch(() => null)) as { judge_run: JudgeRunView } | null)?.judge_run : undefined;
      if (stopped) return;
      if (run) setCurrent(run);
      if (run && run.status !== "running") router.refresh();
      else timer = setTimeout(() => void poll(), POLL_MS);
    };
    timer = setTimeout(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [running, id, router]);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const limit = String(form.get("limit") ?? "").trim();
    setBusy(true);
    setErrors({});
    try {
      const response = await fetch(`/api/v1/projects/${encodeURIComponent(slug)}/judge-runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ judge: form.get("judge"), ...(limit ? { limit } : {}) }),
      });
      if (!response.ok) setErrors(await errorOf(response));
      else setCurrent(((await response.json()) as { judge_run: JudgeRunView }).judge_run);
    } catch (err) {
      setErrors({ form: `The judge run did not start: ${(err as Error).message}` });
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    if (!current) return;
    try {
      const response = await fetch(`/api/v1/judge-runs/${current.id}`, { method: "DELETE" });
      if (response.ok) setCurrent(((await response.json()) as { judge_run: JudgeRunView }).judge_run);
      else setErrors(await errorOf(response));
      router.refresh();
    } catch (err) {
      setErrors({ form: `The run was not cancelled: ${(err as Error).message}` });
    }
  }

  if (judges.length === 0) {
    return (
      <p className="muted" data-testid="judge-run-none">
        No AI judge yet: add one with <code>arbiter judge add</code> or <code>POST /api/v1/judges</code>.
      </p>
    );
  }
  return (
    <>
      <form onSubmit={onSubmit} aria-label="Start a judge run">
        <div className="row">
          <Field label="Judge" id="judge-run-judge" error={errors.judge}>
            <select name="judge" defaultValue={judges[0]} {...controlProps("judge-run-judge", errors.judge)}>
              {judges.map((j) => (
                <option key={j} value={j}>{j}</option>
              ))}
            </select>
          </Field>
          <Field label="Most items (empty: all not yet judged)" id="judge-run-limit" error={errors.limit}>
            <input name="limit" type="number" min={1} step={1} inputMode="numeric" {...controlProps("judge-run-limit", errors.limit)} />
          </Field>
        </div>
        <button type="submit" disabled={busy || running} data-testid="judge-run-start">
          Start judge run
        </button>
      </form>
      {errors.form && <p className="error" role="alert" data-testid="judge-run-error">{errors.form}</p>}
      {current && <RunStatus run={current} onCancel={cancel} />}
      {runs.length > 0 && <RunList runs={runs} />}
    </>
  );
}

function RunStatus({ run, onCancel }: { run: JudgeRunView; onCancel: () => void }) {
  const done = run.judged + run.failed;
  return (
    <div data-testid="judge-run-status" data-status={run.status} role="status" aria-live="polite">
      <p>
        Run {run.id} of <strong>{run.judge}</strong>: <span data-testid="judge-run-state">{run.status}</span>, {run.judged} of {run.items} item(s) judged
        {run.failed ? `, ${run.failed} failed` : ""}.
      </p>
      {run.status === "running" && (
        <>
          <progress max={Math.max(run.items, 1)} value={done} aria-label="Items judged" />
          <button type="button" onClick={onCancel} data-testid="judge-run-cancel">
            Cancel run
          </button>
        </>
      )}
      {run.error && <p className="error">{run.error}</p>}
      {run.failures.length > 0 && (
        <details>
          <summary>Failed items ({run.failures.length}; the next run asks again)</summary>
          <ul data-testid="judge-run-failures">
            {run.failures.map((f) => (
              <li key={f.item}>
                <code>{f.item}</code>: {f.error}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function RunList({ runs }: { runs: JudgeRunView[] }) {
  return (
    <div className="table-wrap" role="region" aria-label="Judge runs" tabIndex={0}>
      <table className="data" data-testid="judge-runs">
        <thead>
          <tr>
            <th scope="col">Run</th><th scope="col">Judge</th><th scope="col">Status</th><th scope="col" className="num">Judged</th><th scope="col" className="num">Failed</th><th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <td>{r.id}</td><td>{r.judge}</td><td>{r.status}</td><td className="num">{r.judged} of {r.items}</td><td className="num">{r.failed}</td><td>{r.created_at.replace("T", " ").slice(0, 16)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
