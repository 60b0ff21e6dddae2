import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { listQualifications } from "@/lib/services/qualification";

/** Who has qualified, is pending or failed in the project, with judged count and accuracy (managers and admins). */
export const GET = apiRoute<{ slug: string }>(async ({ params, caller }) => json(await listQualifications({ ctx: contextFor(caller), input: { slug: params.slug } })));
