import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/lib/auth/options";
import { contextFor } from "@/lib/auth/session";
import { clientAddress } from "@/lib/http/client-address";
import { admitSignIn } from "@/lib/services/sign-in-throttle";

type Ctx = { params: Promise<{ nextauth: string[] }> };

const REFUSAL_PAUSE_MS = 1000;

// Options are built on the first request, so the build never needs the auth secret or the database.
async function handler(request: NextRequest, context: Ctx) {
  return NextAuth(request, context, await getAuthOptions());
}

/**
 * A sign-in attempt is counted against the throttle before next-auth checks the password (its
 * `authorize` can only answer null): a spent account or address gets 429 with the retry time, in
 * the header and in the body the login page shows.
 */
async function post(request: NextRequest, context: Ctx) {
  const { nextauth } = await context.params;
  if (nextauth.join("/") === "callback/credentials") {
    const form = await request.clone().formData().catch(() => null);
    const email = form?.get("email");
    if (typeof email === "string" && email.trim()) {
      const admission = await admitSignIn({ ctx: contextFor(null), input: { email, address: clientAddress(request.headers) } });
      if (!admission.ok) {
        // Answered after a pause that costs no CPU: a client guessing in a loop slows to one guess
        // per pause instead of keeping the server busy with refusals (README, "Accounts").
        await new Promise((r) => setTimeout(r, REFUSAL_PAUSE_MS));
        const seconds = Math.ceil(admission.retryAfterMs / 1000);
        const message = `Too many sign-in attempts${admission.limit === "account" ? " for this account" : " from your address"}: try again in ${formatWait(seconds)}.`;
        return Response.json(
          { error: { code: "too_many_requests", message, details: { retry_after: seconds, limit: admission.limit } } },
          { status: 429, headers: { "Retry-After": String(seconds) } },
        );
      }
    }
  }
  return handler(request, context);
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

export { handler as GET, post as POST };
