import { contextFor } from "@/lib/auth/session";
import { checkDatabase } from "@/lib/services/health";

// Liveness and database check, used by the start command to know when to print the login details.
export async function GET() {
  return Response.json(await checkDatabase({ ctx: contextFor(null) }));
}
