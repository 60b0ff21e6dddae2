import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { jsonObject } from "@/lib/http/guard";
import { resetQualification } from "@/lib/services/qualification";

/** Starts a new qualification attempt for an annotator: {"email": E} (managers and admins; audited). */
export const POST = apiRoute<{ slug: string }>(async ({ params, caller, readJson }) => {
  const { email } = jsonObject(await readJson());
  return json(await resetQualification({ ctx: contextFor(caller), input: { slug: params.slug, email: email as string } }));
});
