import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { testEndpoint } from "@/lib/services/endpoints";

// Sends the endpoint one short request (admins): {"ok", "latency_ms", "ttft_ms", "reply", "error"}.
export const POST = apiRoute<{ name: string }>(async ({ params, caller }) => json(await testEndpoint({ ctx: contextFor(caller), input: { name: params.name } })));
