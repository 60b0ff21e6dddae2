// next-auth configuration: email + password credentials, JWT sessions carrying the user id and role.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { verifyCredentials } from "@/lib/services/users";
import { resolveAuthSecret } from "./secret";

let cached: NextAuthOptions | undefined;

export function getAuthOptions(): NextAuthOptions {
  if (cached) return cached;
  const db = getDb();
  cached = {
    secret: resolveAuthSecret(db),
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        async authorize(credentials) {
          if (!credentials?.email || !credentials.password) return null;
          const caller = verifyCredentials({ db: getDb(), caller: null }, credentials.email, credentials.password);
          if (!caller) return null;
          return { id: String(caller.userId), email: caller.email, role: caller.role };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = Number(user.id);
          token.role = user.role;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user) {
          session.user.id = token.uid;
          session.user.role = token.role;
        }
        return session;
      },
    },
  };
  return cached;
}
