// The Models page (admins): the endpoints contenders call, with a test button each, and the
// contenders with their versions; generation itself starts from a project's admin page.
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { contenderVersions, listContenders, type ContenderVersionView } from "@/lib/services/contenders";
import { listEndpoints } from "@/lib/services/endpoints";
import { AddContenderForm } from "./_components/AddContenderForm";
import { AddEndpointForm } from "./_components/AddEndpointForm";
import { EditContenderForm } from "./_components/EditContenderForm";
import { TestEndpointButton } from "./_components/TestEndpointButton";

export default async function ModelsPage() {
  const caller = await requirePageCaller("model:manage");
  const ctx = contextFor(caller);
  const [endpoints, contenders, versions] = await Promise.all([listEndpoints({ ctx }), listContenders({ ctx }), contenderVersions({ ctx })]);
  const endpointNames = endpoints.map((e) => e.name);
  return (
    <>
      <h1>Models</h1>
      <p className="muted">
        Endpoints are the OpenAI-compatible servers Arbiter calls; contenders are the ways of answering that a generation compares. Start a
        generation from a project&apos;s admin page.
      </p>
      <section className="panel" aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">Endpoints</h2>
        {endpoints.length === 0 ? (
          <p className="muted" data-testid="endpoints-empty">No endpoints yet: add one below.</p>
        ) : (
          <table className="data" data-testid="endpoints-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Base URL</th>
                <th scope="col">Model</th>
                <th scope="col">API key</th>
                <th scope="col" className="num">Concurrency</th>
                <th scope="col" className="num">Timeout</th>
                <th scope="col" className="num">Price in / out (USD per 1M tokens)</th>
                <th scope="col">Test</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <tr key={e.name} data-testid={`endpoint-row-${e.name}`}>
                  <th scope="row">{e.name}</th>
                  <td><code>{e.base_url}</code></td>
                  <td>{e.model}</td>
                  <td data-testid={`endpoint-key-${e.name}`}>{e.api_key}</td>
                  <td className="num">{e.max_concurrency}</td>
                  <td className="num">{e.timeout_s} s</td>
                  <td className="num">{price(e.price_in)} / {price(e.price_out)}</td>
                  <td><TestEndpointButton name={e.name} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="add-endpoint-heading">
        <h2 id="add-endpoint-heading">Add endpoint</h2>
        <AddEndpointForm />
      </section>
      <section className="panel" aria-labelledby="contenders-heading">
        <h2 id="contenders-heading">Contenders</h2>
        {contenders.length === 0 ? (
          <p className="muted" data-testid="contenders-empty">No contenders yet{endpoints.length ? ": add one below." : ": add an endpoint first."}</p>
        ) : (
          <>
            <table className="data" data-testid="contenders-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col" className="num">Version</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col" className="num">Temperature</th>
                  <th scope="col" className="num">Max tokens</th>
                  <th scope="col" className="num">Seed</th>
                  <th scope="col">System prompt</th>
                </tr>
              </thead>
              <tbody>
                {contenders.map((c) => (
                  <tr key={c.name} data-testid={`contender-row-${c.name}`}>
                    <th scope="row">{c.name}</th>
                    <td className="num" data-testid={`contender-version-${c.name}`}>{c.version}</td>
                    <td>{c.endpoint}</td>
                    <td className="num">{c.temperature ?? <span className="muted">default</span>}</td>
                    <td className="num">{c.max_tokens ?? <span className="muted">default</span>}</td>
                    <td className="num">{c.seed ?? <span className="muted">none</span>}</td>
                    <td className="excerpt">{c.system ? excerpt(c.system) : <span className="muted">none</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>Edit a contender</h3>
            <p className="muted">An edit makes a new version; responses keep the version that produced them.</p>
            {contenders.map((c) => (
              <details key={c.name} className="contender-edit" data-testid={`contender-edit-${c.name}`}>
                <summary>
                  {c.name} <span className="muted">(version {c.version})</span>
                </summary>
                <EditContenderForm contender={c} endpoints={endpointNames} />
                <VersionHistory versions={versions.get(c.name) ?? []} name={c.name} />
              </details>
            ))}
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="add-contender-heading">
        <h2 id="add-contender-heading">Add contender</h2>
        {endpoints.length === 0 ? <p className="muted">Add an endpoint first: a contender answers through one.</p> : <AddContenderForm endpoints={endpointNames} />}
      </section>
    </>
  );
}

function VersionHistory({ name, versions }: { name: string; versions: ContenderVersionView[] }) {
  return (
    <table className="data" data-testid={`contender-versions-${name}`} aria-label={`Versions of ${name}`}>
      <thead>
        <tr>
          <th scope="col" className="num">Version</th>
          <th scope="col">Made</th>
          <th scope="col">Endpoint</th>
          <th scope="col" className="num">Temperature</th>
          <th scope="col" className="num">Max tokens</th>
          <th scope="col" className="num">Seed</th>
          <th scope="col">System prompt</th>
          <th scope="col">Template</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.version}>
            <td className="num">{v.version}</td>
            <td><time dateTime={v.created_at}>{v.created_at.slice(0, 16).replace("T", " ")} UTC</time></td>
            <td>{v.endpoint}</td>
            <td className="num">{v.temperature ?? "–"}</td>
            <td className="num">{v.max_tokens ?? "–"}</td>
            <td className="num">{v.seed ?? "–"}</td>
            <td className="excerpt">{v.system ? excerpt(v.system) : "–"}</td>
            <td className="excerpt">{v.template ? excerpt(v.template) : "–"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function price(p: number | null): string {
  return p === null ? "–" : `$${p}`;
}

function excerpt(text: string): string {
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
