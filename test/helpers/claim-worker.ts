// One annotator in its own process and connection, for the claim suite's exactness test on either
// engine: leases items without judging them, holding every lease (the workspace shows at most six:
// the claim excludes the five it holds besides), until nothing more is served.
// Args: database (SQLite file or postgres:// URL), user id, email, project slug.
import { openDatabase } from "@/db/client";
import type { RoleName } from "@/db/schema/constants";
import { claimNext } from "@/lib/services/assignment";

export async function run([target, userId, email, slug]: string[]) {
  const db = openDatabase(target);
  const ctx = { db, caller: { userId: Number(userId), email, role: "annotator" as RoleName } };
  const held: number[] = [];
  for (;;) {
    let claimed;
    try {
      claimed = await claimNext({ ctx, input: { slug, exclude: held.slice(-5) } });
    } catch (e) {
      // SQLite's write lock stayed taken past the busy timeout: ask again.
      if ((e as { code?: string }).code === "SQLITE_BUSY") continue;
      throw e;
    }
    // Nothing more, or a held lease comes back (six held): done.
    if (!claimed || held.includes(claimed.assignment.id)) break;
    held.push(claimed.assignment.id);
  }
  await db.close();
  return { leased: held.length };
}
