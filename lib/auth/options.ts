// next-auth configuration: email + password credentials, JWT sessions carrying the user id, role and
// session version (compared with the user's row on every request by lib/auth/session.ts).
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { clientAddress } from "@/lib/http/client-address";
import { signInSucceeded } from "@/lib/services/sign-in-throttle";
import { endSessions, verifyCredentials } from "@/lib/services/users";
import { resolveAuthSecret } from "./secret";

let cached: Promise<NextAuthOptions> | undefined;

/**
 * The options, built once per process: building them reads the auth secret, which may live in the
 * database. A failed build (the database unreachable) is not kept, so the next request tries again.
 */
export function getAuthOptions(): Promise<NextAuthOptions> {
  cached ??= buildOptions().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function buildOptions(): Promise<NextAuthOptions> {
  return {
    secret: await resolveAuthSecret(getDb()),
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        // The route (app/api/auth/[...nextauth]/route.ts) has already counted this attempt against
        // the throttle; a success gives it back.
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) return null;
          const address = clientAddress(req?.headers);
          const ctx = { db: getDb(), caller: null };
          const signedIn = await verifyCredentials(ctx, credentials.email, credentials.password, { ip: address });
          if (!signedIn) return null;
          await signInSucceeded({ ctx, input: { email: credentials.email, address } });
          return { id: String(signedIn.userId), email: signedIn.email, role: signedIn.role, sessionVersion: signedIn.sessionVersion };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = Number(user.id);
          token.role = user.role;
          token.sv = user.sessionVersion;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user) {
          session.user.id = token.uid;
          session.user.role = token.role;
          session.user.sv = token.sv;
        }
        return session;
      },
    },
    events: {
      // Signing out ends every session of the user, not only this cookie (which the browser drops).
      async signOut({ token }) {
        if (token?.uid != null) await endSessions({ db: getDb(), caller: null }, token.uid, token.sv ?? 0);
      },
    },
  };
}
