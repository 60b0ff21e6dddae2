import { contextFor } from "@/lib/auth/session";
import { jsonObject } from "@/lib/http/guard";
import { apiRoute, json } from "@/lib/http/respond";
import { editContender } from "@/lib/services/contenders";

// Edits a contender (admins): the fields given replace the current version's (null clears one), and
// the result is a new version; responses keep the version that produced them.
export const PATCH = apiRoute<{ name: string }>(async ({ params, caller, readJson }) => {
  const body = jsonObject(await readJson());
  return json({ contender: await editContender({ ctx: contextFor(caller), input: { ...body, name: params.name } }) });
});
