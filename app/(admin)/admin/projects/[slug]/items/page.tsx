// A project's items for an admin: search and filter them, see each one's models and progress, set
// its priority and gold answer; and set the priority of a whole import batch.
import Form from "next/form";
import Link from "next/link";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { isMultiTurn, promptText, type Prompt } from "@/lib/formats/record";
import type { Ctx } from "@/lib/services/context";
import { orNotFound } from "@/lib/http/page";
import { AppError } from "@/lib/services/errors";
import { listBatches, listItems, type BatchView, type ItemPage, type ItemView } from "@/lib/services/items";
import { getProject, type Project } from "@/lib/services/projects";
import { BatchPriorityForm } from "./_components/BatchPriorityForm";
import { ItemForm } from "./_components/ItemForm";

const PAGE_SIZE = 50;
const FILTERS = [
  ["all", "all items"],
  ["gold", "gold items only"],
  ["priority", "items with a non-zero priority"],
] as const;

type Query = { q: string; filter: string; page: string };
type Search = Promise<Record<keyof Query, string | string[] | undefined>>;

export default async function ItemsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Search }) {
  const caller = await requirePageCaller("project:write");
  const { slug } = await params;
  const sp = await searchParams;
  const query: Query = { q: first(sp.q) ?? "", filter: first(sp.filter) || "all", page: first(sp.page) || "1" };
  const { project, batches, list } = await orNotFound(() => load(contextFor(caller), slug, query));
  const base = `/admin/projects/${project.slug}/items`;
  return (
    <>
      <h1>Items: {project.name}</h1>
      <section className="panel" aria-labelledby="items-heading">
        <h2 id="items-heading">Items</h2>
        <p className="muted" data-testid="items-hint">
          A <strong>higher priority</strong> is served first, whatever the project&apos;s order (0 is the default; a negative
          priority holds an item back). A <strong>gold answer</strong> is in the item&apos;s own order: A is its first response
          (the first model listed), B its second, not the slot an annotator sees, since slots are shuffled for each
          assignment. A judgment of a gold item is correct when it picks that response, or says tie or both bad when that is
          the answer. A gold item leaves the normal stream: it is served at the project&apos;s gold rate, once to each
          annotator, and a changed answer re-scores everyone.
        </p>
        <Form action={base} className="table-tools" aria-label="Search items">
          <div className="field">
            <label htmlFor="items-q">Search external id, prompt text or item id</label>
            <input id="items-q" name="q" type="search" defaultValue={query.q} data-testid="items-q" />
          </div>
          <div className="field">
            <label htmlFor="items-filter">Show</label>
            <select id="items-filter" name="filter" defaultValue={query.filter} data-testid="items-filter">
              {FILTERS.map(([value, text]) => (
                <option key={value} value={value}>{text}</option>
              ))}
            </select>
          </div>
          <button type="submit" data-testid="items-search">Search</button>
        </Form>
        {"error" in list ? (
          <p className="error" role="alert" data-testid="items-error">
            {list.error} <Link href={base}>Show all items</Link>
          </p>
        ) : (
          <ItemList slug={project.slug} wants={project.minJudgments != null ? `${project.minJudgments}–${project.maxJudgments} judgment(s) (adaptive overlap: the figure beside each item is what it needs now)` : `${project.overlap} judgment(s)`} list={list} pager={(page) => pageHref(base, query, page)} />
        )}
      </section>
      <section className="panel" aria-labelledby="batches-heading">
        <h2 id="batches-heading">Batches</h2>
        <p className="muted">
          Each import is one batch. Setting a batch&apos;s priority sets it on every item of the batch, replacing their own;
          the priority shown is the highest among its items.
        </p>
        <BatchTable slug={project.slug} batches={batches} />
      </section>
    </>
  );
}

function ItemList({ slug, wants, list, pager }: { slug: string; wants: string; list: ItemPage; pager: (page: number) => string }) {
  const pages = Math.max(1, Math.ceil(list.total / list.page_size));
  const from = (list.page - 1) * list.page_size;
  return (
    <>
      <p data-testid="items-total">
        {list.total} item(s){list.items.length ? `, ${from + 1}–${from + list.items.length} shown` : ""}. Each wants {wants} plus any sent back by a manager.
      </p>
      {list.items.length > 0 && (
        <table className="data" data-testid="items-table">
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Prompt</th>
              <th scope="col">Models</th>
              <th scope="col">Tags</th>
              <th scope="col">Judgments</th>
              <th scope="col">Priority</th>
              <th scope="col">Gold</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((item) => (
              <ItemRow key={item.id} slug={slug} item={item} />
            ))}
          </tbody>
        </table>
      )}
      {pages > 1 && (
        <nav aria-label="Item pages" className="pager">
          {list.page > 1 && <Link href={pager(list.page - 1)} data-testid="items-prev">Previous page</Link>}
          <span data-testid="items-page">Page {list.page} of {pages}</span>
          {list.page < pages && <Link href={pager(list.page + 1)} data-testid="items-next">Next page</Link>}
        </nav>
      )}
    </>
  );
}

function ItemRow({ slug, item }: { slug: string; item: ItemView }) {
  const id = `item-${item.id}`;
  return (
    <tr data-testid={`${id}-row`}>
      <td>
        #{item.id}
        <br />
        <code data-testid={`${id}-external-id`}>{item.external_id}</code>
      </td>
      <td className="excerpt">
        <PromptExcerpt prompt={item.prompt} />
      </td>
      <td>
        <ol className="models" data-testid={`${id}-models`}>
          {item.models.map((model, i) => (
            <li key={i}>
              {String.fromCharCode(65 + i)}: {model ?? <span className="muted">unnamed</span>}
            </li>
          ))}
        </ol>
      </td>
      <td data-testid={`${id}-tags`}>{item.tags.length ? item.tags.join(", ") : <span className="muted">none</span>}</td>
      <td data-testid={`${id}-judgments`}>
        {item.gold ? `${item.judgments} (gold: once per annotator)` : `${item.judgments} / ${item.wanted}`}
        {item.extra_overlap > 0 && <span className="muted"> ({item.extra_overlap} sent back)</span>}
      </td>
      <td data-testid={`${id}-priority-value`}>{item.priority}</td>
      <td data-testid={`${id}-gold-value`}>{item.gold ?? "–"}</td>
      <td className="change">
        <ItemForm slug={slug} itemId={item.id} priority={item.priority} gold={item.gold} goldExplanation={item.gold_explanation} />
      </td>
    </tr>
  );
}

/** The prompt, or a conversation's last user turn, cut to a few lines. */
function PromptExcerpt({ prompt }: { prompt: Prompt }) {
  const text = promptText(prompt);
  const cut = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  if (!isMultiTurn(prompt)) return <>{cut}</>;
  return (
    <>
      <span className="muted">{(prompt as unknown[]).length} turns, last user turn:</span> {cut}
    </>
  );
}

function BatchTable({ slug, batches }: { slug: string; batches: BatchView[] }) {
  if (batches.length === 0) return <p className="muted" data-testid="batches-empty">No imports yet.</p>;
  return (
    <table className="data" data-testid="batches-table">
      <thead>
        <tr>
          <th scope="col">Batch</th>
          <th scope="col">File</th>
          <th scope="col">Items inserted</th>
          <th scope="col">Imported</th>
          <th scope="col">Priority</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {batches.map((b) => (
          <tr key={b.id} data-testid={`batch-${b.id}-row`}>
            <td>#{b.id}</td>
            <td>{b.source ?? <span className="muted">not named</span>}</td>
            <td>{b.inserted}</td>
            <td>
              <time dateTime={b.created_at}>{b.created_at.slice(0, 16).replace("T", " ")} UTC</time>
            </td>
            <td data-testid={`batch-${b.id}-priority-value`}>{b.priority}</td>
            <td className="change">
              <BatchPriorityForm slug={slug} batchId={b.id} priority={b.priority} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function pageHref(base: string, query: Query, page: number): string {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.filter !== "all") params.set("filter", query.filter);
  if (page > 1) params.set("page", String(page));
  const s = params.toString();
  return s ? `${base}?${s}` : base;
}

type Loaded = { project: Project; batches: BatchView[]; list: ItemPage | { error: string } };

/** The page's data; a bad search (say ?page=abc) shows its message instead of the list. */
async function load(ctx: Ctx, slug: string, query: Query): Promise<Loaded> {
  const project = await getProject({ ctx, input: { slug } });
  const batches = await listBatches({ ctx, input: { slug } });
  try {
    return { project, batches, list: await listItems({ ctx, input: { slug, q: query.q, filter: query.filter, page: query.page, page_size: PAGE_SIZE } }) };
  } catch (err) {
    if (err instanceof AppError && err.code === "bad_request") return { project, batches, list: { error: err.message } };
    throw err;
  }
}
