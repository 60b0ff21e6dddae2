"use client";
// Generate responses from the project's admin page: the prompts (a file or pasted, JSONL or a JSON
// array) go to the generations route as they are, so bad rows come back named by line and the
// route's size limit applies; the server works the run in its own process. Below, the project's
// runs, newest first: a running one is polled every second until it ends, and can be cancelled.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { GenerationFailure, GenerationView } from "@/lib/services/generation";
import { Field, controlProps } from "../../../_components/Field";

export type RunState = GenerationView & { failures: GenerationFailure[] };

const POLL_MS = 1000;
const PAIRINGS = [
  { value: "all", label: "every pair of contenders" },
  { value: "baseline", label: "each contender against a baseline" },
  { value: "random", label: "K random pairs per prompt" },
  { value: "adaptive", label: "K pairs per prompt where judgments are undecided" },
] as const;
type Pairing = (typeof PAIRINGS)[number]["value"];

const fieldOf = (path: string) => path.split(/[.[]/, 1)[0];

/** `maxBytes`: the route's body limit, checked here too so a large file fails before it is sent. */
export function GenerationPanel({ slug, contenders, runs: initial, maxBytes }: { slug: string; contenders: string[]; runs: RunState[]; maxBytes: number }) {
  const [runs, setRuns] = useState(initial);
  const started = (run: GenerationView) => setRuns((rs) => [{ ...run, failures: [] }, ...rs.filter((r) => r.id !== run.id)]);
  return (
    <>
      {contenders.length < 2 ? (
        <p className="muted" data-testid="generate-no-contenders">
          A generation compares at least two contenders: add them on the <a href="/admin/models">Models</a> page.
        </p>
      ) : (
        <GenerateForm slug={slug} contenders={contenders} maxBytes={maxBytes} onStarted={started} />
      )}
      <GenerationRuns runs={runs} setRuns={setRuns} />
    </>
  );
}

function GenerateForm({ slug, contenders, maxBytes, onStarted }: { slug: string; contenders: string[]; maxBytes: number; onStarted: (run: GenerationView) => void }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [pending, setPending] = useState(false);
  const [pairing, setPairing] = useState<Pairing>("all");

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("file");
    const text = String(form.get("text") ?? "");
    const chosen = form.getAll("contenders").map(String);
    const found: Record<string, string> = {};
    const hasFile = file instanceof File && file.size > 0;
    if (hasFile && text.trim()) found.prompts = "give a file or pasted prompts, not both";
    else if (!hasFile && !text.trim()) found.prompts = "choose a prompts file or paste prompts";
    else if (hasFile && file.size > maxBytes) found.prompts = `the file is larger than the limit of ${Math.round(maxBytes / 1024 / 1024)} MiB`;
    if (chosen.length < 2) found.contenders = "choose at least two contenders";
    const pairs = pairRule(pairing, form);
    if (typeof pairs !== "string") Object.assign(found, pairs);
    setMessage(undefined);
    setErrors(found);
    if (Object.keys(found).length || typeof pairs !== "string") return;
    setPending(true);
    try {
      const query = new URLSearchParams({ contenders: chosen.join(","), pairs });
      const response = await fetch(`/api/v1/projects/${encodeURIComponent(slug)}/generations?${query}`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: hasFile ? file : new Blob([text]),
      });
      const body = await response.json().catch(() => null);
      if (!response.ok) {
        const refused: Record<string, string> = {};
        const rest: string[] = [];
        for (const [path, why] of Object.entries((body?.error?.fields ?? {}) as Record<string, string>)) {
          const field = fieldOf(path);
          if (["prompts", "contenders", "pairs"].includes(field) && !refused[field]) refused[field] = why;
          else rest.push(`${path}: ${why}`);
        }
        setErrors(refused);
        if (rest.length || !Object.keys(refused).length) setMessage({ ok: false, text: rest.length ? rest.join("; ") : (body?.error?.message ?? `The generation did not start (${response.status}).`) });
        return;
      }
      onStarted(body.generation as GenerationView);
      setMessage({ ok: true, text: `${body.resumed ? "Resumed" : "Started"} generation ${body.generation.id}: ${body.generation.total} responses to get.` });
    } catch (err) {
      setMessage({ ok: false, text: `The generation did not start: ${(err as Error).message}` });
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} aria-label="Generate responses" noValidate>
      <fieldset aria-describedby={errors.prompts ? "generate-prompts-error" : undefined}>
        <legend>Prompts: JSONL or a JSON array of {"{\"prompt\": …, \"id\"?, \"metadata\"?}"} rows, as in the import format</legend>
        <div className="row">
          <Field label="Prompts file (.jsonl, .json)" id="generate-file">
            <input name="file" type="file" accept=".jsonl,.json,.ndjson" {...controlProps("generate-file", errors.prompts)} aria-describedby={errors.prompts ? "generate-prompts-error" : undefined} />
          </Field>
        </div>
        <Field label="Or paste prompts" id="generate-text">
          <textarea name="text" rows={5} placeholder={'{"id": "q1", "prompt": "Why is the sky blue?"}'} {...controlProps("generate-text", errors.prompts)} aria-describedby={errors.prompts ? "generate-prompts-error" : undefined} />
        </Field>
        {errors.prompts && (
          <p id="generate-prompts-error" className="field-error" data-testid="generate-prompts-error">
            {errors.prompts}
          </p>
        )}
      </fieldset>
      <fieldset aria-describedby={errors.contenders ? "generate-contenders-error" : undefined} aria-invalid={errors.contenders ? true : undefined}>
        <legend>Contenders (at least two)</legend>
        <div className="checks">
          {contenders.map((name) => (
            <label key={name}>
              <input type="checkbox" name="contenders" value={name} data-testid={`generate-contender-${name}`} /> {name}
            </label>
          ))}
        </div>
        {errors.contenders && (
          <p id="generate-contenders-error" className="field-error" data-testid="generate-contenders-error">
            {errors.contenders}
          </p>
        )}
      </fieldset>
      <div className="row">
        <Field label="Pairing" id="generate-pairing" error={errors.pairs}>
          <select name="pairing" value={pairing} onChange={(e) => setPairing(e.target.value as Pairing)} {...controlProps("generate-pairing", errors.pairs)}>
            {PAIRINGS.map((p) => (
              <option key={p.value} value={p.value}>{p.label}</option>
            ))}
          </select>
        </Field>
        {pairing === "baseline" && (
          <Field label="Baseline" id="generate-baseline">
            <select name="baseline" defaultValue={contenders[0]} {...controlProps("generate-baseline")}>
              {contenders.map((name) => (
                <option key={name} value={name}>{name}</option>
              ))}
            </select>
          </Field>
        )}
        {(pairing === "random" || pairing === "adaptive") && (
          <Field label="K (pairs per prompt)" id="generate-k" error={errors.k}>
            <input name="k" inputMode="numeric" className="narrow" defaultValue="1" {...controlProps("generate-k", errors.k)} />
          </Field>
        )}
        <button className="primary" type="submit" disabled={pending} data-testid="generate-start">
          {pending ? "Starting…" : "Start generation"}
        </button>
      </div>
      {message && (
        <p className={message.ok ? "ok" : "error"} role={message.ok ? "status" : "alert"} data-testid="generate-message">
          {message.text}
        </p>
      )}
    </form>
  );
}

/** The pairing rule's text (`all`, `baseline:NAME`, `random:K`, `adaptive:K`), or the field errors that stop it. */
function pairRule(pairing: Pairing, form: FormData): string | Record<string, string> {
  if (pairing === "all") return "all";
  if (pairing === "baseline") return `baseline:${String(form.get("baseline") ?? "")}`;
  const k = String(form.get("k") ?? "").trim();
  if (!/^[1-9][0-9]*$/.test(k)) return { k: "must be a whole number of at least 1" };
  return `${pairing}:${k}`;
}

function GenerationRuns({ runs, setRuns }: { runs: RunState[]; setRuns: React.Dispatch<React.SetStateAction<RunState[]>> }) {
  const router = useRouter();
  const running = runs.filter((r) => r.status === "running").map((r) => r.id);
  const key = running.join(",");

  useEffect(() => {
    if (!key) return;
    const ids = key.split(",").map(Number);
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      const updates = await Promise.all(
        ids.map(async (id) => {
          const response = await fetch(`/api/v1/generations/${id}`, { cache: "no-store" }).catch(() => null);
          if (!response?.ok) return null;
          const body = (await response.json()) as { generation: GenerationView; failures: GenerationFailure[] };
          return { ...body.generation, failures: body.failures };
        }),
      );
      if (stopped) return;
      const fresh = updates.filter((u): u is RunState => u !== null);
      setRuns((rs) => rs.map((r) => fresh.find((u) => u.id === r.id) ?? r));
      // A run that made items changed the project's figures above.
      if (fresh.some((u) => u.status === "done")) router.refresh();
      if (fresh.every((u) => u.status === "running")) timer = setTimeout(() => void poll(), POLL_MS);
    };
    timer = setTimeout(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [key, setRuns, router]);

  if (!runs.length) return <p className="muted" data-testid="generation-runs-empty">No generations in this project yet.</p>;
  return (
    <ol className="runs" data-testid="generation-runs" aria-label="Generations, newest first">
      {runs.map((run) => (
        <RunCard key={run.id} run={run} onChange={(updated) => setRuns((rs) => rs.map((r) => (r.id === updated.id ? { ...r, ...updated } : r)))} />
      ))}
    </ol>
  );
}

function RunCard({ run, onChange }: { run: RunState; onChange: (run: GenerationView) => void }) {
  const [error, setError] = useState<string>();
  const [cancelling, setCancelling] = useState(false);
  const stored = run.responses + run.failed;
  async function cancel() {
    setCancelling(true);
    setError(undefined);
    try {
      const response = await fetch(`/api/v1/generations/${run.id}`, { method: "DELETE" });
      const body = await response.json().catch(() => null);
      if (response.ok) onChange(body.generation as GenerationView);
      else setError(body?.error?.message ?? `Not cancelled (${response.status}).`);
    } catch (err) {
      setError(`Not cancelled: ${(err as Error).message}`);
    } finally {
      setCancelling(false);
    }
  }
  return (
    <li className="run" data-testid={`generation-${run.id}`} aria-labelledby={`generation-${run.id}-title`}>
      <h3 id={`generation-${run.id}-title`}>
        Generation {run.id}: <span data-testid={`generation-${run.id}-status`} className={`status-${run.status}`}>{run.status}</span>
      </h3>
      <p className="muted">
        {run.contenders.map((c) => `${c.name} v${c.version}`).join(", ")} · pairs: {run.pairs} · started {run.created_at.slice(0, 16).replace("T", " ")} UTC
      </p>
      <progress max={Math.max(1, run.total)} value={stored} aria-label={`Generation ${run.id}: ${stored} of ${run.total} responses`} />
      <dl className="stats">
        <div><dt>Prompts</dt><dd data-testid={`generation-${run.id}-prompts`}>{run.prompts}</dd></div>
        <div><dt>Responses</dt><dd data-testid={`generation-${run.id}-responses`}>{run.responses} / {run.total}</dd></div>
        <div><dt>Failed</dt><dd data-testid={`generation-${run.id}-failed`}>{run.failed}</dd></div>
        <div><dt>Items</dt><dd data-testid={`generation-${run.id}-items`}>{run.items}</dd></div>
      </dl>
      {run.error && <p className="error" data-testid={`generation-${run.id}-error`}>{run.error}</p>}
      {run.failures.length > 0 && (
        <details open={run.failures.length <= 5 || undefined}>
          <summary>Failed responses ({run.failed})</summary>
          <ul className="error" data-testid={`generation-${run.id}-failures`}>
            {run.failures.map((f, i) => (
              <li key={i}>
                prompt {f.prompt}, {f.contender}: {f.error}
              </li>
            ))}
          </ul>
          {run.failed > run.failures.length && <p className="muted">…and {run.failed - run.failures.length} more.</p>}
        </details>
      )}
      {run.status === "running" && (
        <button type="button" onClick={cancel} disabled={cancelling} data-testid={`generation-${run.id}-cancel`} aria-label={`Cancel generation ${run.id}`}>
          {cancelling ? "Cancelling…" : "Cancel"}
        </button>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </li>
  );
}
