import { getDb } from "@/db/client";

// Liveness and database check, used by the start command to know when to print the login details.
export function GET() {
  getDb().$client.prepare("select 1").get();
  return Response.json({ ok: true });
}
