"use server";
// Server actions behind the Models page: add an endpoint (its key, when entered, goes to the
// service and never comes back), test one, add a contender and edit one (a new version). Each
// re-reads the caller; the endpoints and contenders services decide.
import { revalidatePath } from "next/cache";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { formValues, refusal, withoutBlanks, type ActionState } from "@/lib/http/form-state";
import { addContender, editContender } from "@/lib/services/contenders";
import { addEndpoint, testEndpoint, type EndpointTest } from "@/lib/services/endpoints";

const ENDPOINT_FIELDS = ["name", "base_url", "model", "api_key_env", "max_concurrency", "timeout_s", "price_in", "price_out"] as const;

export async function addEndpointAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("model:manage");
  // The key is read apart from the values sent back: a refused form keeps everything but the key.
  const values = formValues(formData, ENDPOINT_FIELDS);
  const key = formData.get("api_key");
  const input = { ...withoutBlanks(values, ["api_key_env", "max_concurrency", "timeout_s", "price_in", "price_out"]), api_key: typeof key === "string" && key ? key : undefined };
  try {
    const endpoint = await addEndpoint({ ctx: contextFor(caller), input });
    revalidatePath("/admin/models");
    return { ok: true, message: `Added endpoint ${endpoint.name} (key: ${endpoint.api_key}).` };
  } catch (err) {
    return { ...refusal(err, [...ENDPOINT_FIELDS, "api_key"]), values };
  }
}

export async function testEndpointAction(_prev: ActionState<EndpointTest>, formData: FormData): Promise<ActionState<EndpointTest>> {
  const caller = await requirePageCaller("model:manage");
  const { name } = formValues(formData, ["name"]);
  try {
    const result = await testEndpoint({ ctx: contextFor(caller), input: { name } });
    return { ok: result.ok, data: result };
  } catch (err) {
    return refusal(err, []);
  }
}

const CONTENDER_FIELDS = ["name", "endpoint", "system", "template", "temperature", "max_tokens", "seed"] as const;
const CONTENDER_OPTIONAL = ["system", "template", "temperature", "max_tokens", "seed"] as const;

export async function addContenderAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("model:manage");
  const values = formValues(formData, CONTENDER_FIELDS);
  try {
    const contender = await addContender({ ctx: contextFor(caller), input: withoutBlanks(values, CONTENDER_OPTIONAL) });
    revalidatePath("/admin/models");
    return { ok: true, message: `Added contender ${contender.name} (version ${contender.version}).` };
  } catch (err) {
    return { ...refusal(err, CONTENDER_FIELDS), values };
  }
}

/** The edit form shows every setting: a blank one is cleared (null), the rest replace the current version's. */
export async function editContenderAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("model:manage");
  const values = formValues(formData, CONTENDER_FIELDS);
  const input: Record<string, string | null> = { ...values };
  for (const key of CONTENDER_OPTIONAL) if (!values[key].trim()) input[key] = null;
  try {
    const contender = await editContender({ ctx: contextFor(caller), input });
    revalidatePath("/admin/models");
    return { ok: true, message: `${contender.name} is now version ${contender.version}.`, values };
  } catch (err) {
    return { ...refusal(err, CONTENDER_FIELDS), values };
  }
}
