// Parquet over HTTP against the running production server: the download's headers, its bytes read
// back by a full Parquet reader (hyparquet) and compared with the JSONL export, and who may have it.
import { beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/services/projects";
import { api, serverInfo, systemCtx } from "../helpers/server";

const SLUG = "http-parquet";
// More than two row groups (5,000 rows each), so the body is many chunks long.
const ITEMS = 12_000;

async function readParquet(res: Response): Promise<Record<string, unknown>[]> {
  const { parquetReadObjects } = await import("hyparquet");
  return (await parquetReadObjects({ file: await res.arrayBuffer() })) as Record<string, unknown>[];
}

async function readJsonl(res: Response): Promise<Record<string, unknown>[]> {
  return (await res.text())
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

describe("Parquet exports over HTTP", () => {
  beforeAll(async () => {
    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "HTTP Parquet" } });
    await ctx.db.close();
    const records = Array.from({ length: ITEMS }, (_, i) => ({
      id: `q${i}`,
      prompt: i % 7 ? `Prompt ${i}` : `Prompt ${i} with ünïcode and\nnew lines`,
      responses: [`first ${i}`, `second ${i}`],
      annotations: [{ annotator: "vendor", choice: i % 3 ? "A" : "B" }],
    }));
    const res = await api(`/api/v1/projects/${SLUG}/items`, {
      method: "POST",
      token: serverInfo().users.admin.token,
      body: records.map((r) => JSON.stringify(r)).join("\n"),
    });
    expect(await res.json()).toMatchObject({ inserted: ITEMS, annotations: ITEMS });
  });

  it("streams trl-dpo as a Parquet file with the rows of the JSONL export", async () => {
    const { admin } = serverInfo().users;
    const res = await api(`/api/v1/projects/${SLUG}/export?format=trl-dpo&file_format=parquet`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${SLUG}-trl-dpo.parquet"`);
    const rows = await readParquet(res);
    expect(rows).toHaveLength(ITEMS);
    expect(rows[7]).toEqual({ prompt: "Prompt 7 with ünïcode and\nnew lines", chosen: "first 7", rejected: "second 7" });
    const jsonl = await api(`/api/v1/projects/${SLUG}/export?format=trl-dpo`, { token: admin.token });
    expect(rows).toEqual(await readJsonl(jsonl));
  });

  it("streams one part of a split, conversational", async () => {
    const { admin } = serverInfo().users;
    const query = "format=trl-kto&split=test%3D0.1&seed=7&part=test&conversational=1";
    const res = await api(`/api/v1/projects/${SLUG}/export?${query}&file_format=parquet`, { token: admin.token });
    expect(res.headers.get("content-disposition")).toContain(`${SLUG}-trl-kto-test.parquet`);
    const rows = await readParquet(res);
    expect(rows.length).toBeGreaterThan(ITEMS * 0.1);
    expect(rows.length).toBeLessThan(ITEMS * 0.3);
    expect(rows[0]).toMatchObject({ prompt: [{ role: "user", content: expect.any(String) }], label: expect.any(Boolean) });
    expect(rows).toEqual(await readJsonl(await api(`/api/v1/projects/${SLUG}/export?${query}`, { token: admin.token })));
  });

  it("answers 400 for a format without a Parquet form, and 403 to an annotator", async () => {
    const { admin, annotator } = serverInfo().users;
    const openai = await api(`/api/v1/projects/${SLUG}/export?format=openai-dpo&file_format=parquet`, { token: admin.token });
    expect(openai.status).toBe(400);
    expect((await openai.json()).error).toMatchObject({ code: "bad_request", message: expect.stringMatching(/^file_format: openai-dpo has no Parquet form/) });
    const forbidden = await api(`/api/v1/projects/${SLUG}/export?format=trl-dpo&file_format=parquet`, { token: annotator.token });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error.code).toBe("forbidden");
  });

  it("names a bad option by its query parameter, with the problem per parameter in fields", async () => {
    const { admin } = serverInfo().users;
    const res = await api(`/api/v1/projects/${SLUG}/export?format=trl-dpo&min_votes=abc&file_format=xml`, { token: admin.token });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toEqual({
      code: "bad_request",
      message: "file_format: must be one of jsonl, csv, parquet; min_votes: must be a whole number from 1 to 1000",
      fields: { file_format: "must be one of jsonl, csv, parquet", min_votes: "must be a whole number from 1 to 1000" },
    });
  });
});
