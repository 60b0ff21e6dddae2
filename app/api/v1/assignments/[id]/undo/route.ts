import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { undoJudgment } from "@/lib/services/judgments";

// Takes back the caller's last judgment while its lease lasts; the item is leased to them again.
export const POST = apiRoute<{ id: string }>(({ params, caller }) => json(undoJudgment({ ctx: contextFor(caller), input: { assignmentId: params.id } })));
