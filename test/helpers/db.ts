// A fresh migrated SQLite file per test, and small factories that build rows through the services.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { openDatabase, type Db } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import type { RoleName } from "@/db/schema/constants";
import type { Caller, Ctx } from "@/lib/services/context";
import { importItems } from "@/lib/services/importer";
import { createProject, type ProjectInput } from "@/lib/services/projects";
import { users } from "@/db/schema";
import { scryptSync } from "node:crypto";
import type { ImportRecord } from "@/lib/formats/record";
import { AppError } from "@/lib/services/errors";
import { sql } from "drizzle-orm";

export interface TempDb {
  db: Db;
  file: string;
  system: Ctx;
  close(): void;
}

export function tempDbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-test-"));
  return path.join(dir, "arbiter.db");
}

export function tempDb(): TempDb {
  const file = tempDbFile();
  const db = openDatabase(file);
  runMigrations(db);
  return {
    db,
    file,
    system: { db, caller: null },
    close() {
      db.$client.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
}

let counter = 0;

/**
 * A stored password hash made synchronously with a small scrypt cost (N=2^10), so a factory can
 * make hundreds of accounts fast; a real sign-in upgrades it to the current cost, as it would an old
 * hash. `createUser` itself (async, full cost) is tested in test/integration/accounts.test.ts.
 */
export function quickHash(password: string, N = 1024): string {
  const salt = Buffer.from(`salt-${password}`.padEnd(16, "x").slice(0, 16));
  const hash = scryptSync(password, salt, 32, { N, r: 8, p: 1 });
  return `scrypt$${N}$8$1$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export function makeUser(t: TempDb, role: RoleName, email?: string): { caller: Caller; ctx: Ctx; password: string } {
  const password = "password-" + ++counter;
  const address = email ?? `${role}${counter}@test.local`;
  const user = t.db.insert(users).values({ email: address, name: address.split("@")[0], role, passwordHash: quickHash(password) }).returning().get();
  const caller = { userId: user.id, email: user.email, role: user.role };
  return { caller, ctx: { db: t.db, caller }, password };
}

export function makeProject(t: TempDb, input: Partial<ProjectInput> = {}) {
  return createProject({ ctx: t.system, input: { slug: `p${++counter}`, name: "Test project", status: "active", ...input } });
}

export function pairRecord(i: number, extra: Partial<ImportRecord> = {}): ImportRecord {
  return {
    id: `item-${i}`,
    prompt: `Question number ${i}?`,
    responses: [
      { content: `First answer to ${i}`, model: "model-x" },
      { content: `Second answer to ${i}`, model: "model-y" },
    ],
    ...extra,
  };
}

export function jsonl(records: unknown[]): string {
  return records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n";
}

export async function importText(t: TempDb, slug: string, text: string, options: { skipInvalid?: boolean } = {}) {
  return importItems({ ctx: t.system, input: { slug, source: () => Readable.from([text]), ...options } });
}

/** Rows in a table of the test database. */
export function countRows(t: TempDb, table: string): number {
  return t.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)).n;
}

/** The AppError code a call throws, or undefined when it succeeds (other errors propagate). */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return undefined;
}

/** The AppError code an async call rejects with, or undefined when it succeeds (other errors propagate). */
export async function errorCodeAsync(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return undefined;
}
