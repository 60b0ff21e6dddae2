import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/lib/auth/options";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// Options are built on the first request, so the build never needs the auth secret or the database.
async function handler(request: NextRequest, context: Ctx) {
  return NextAuth(request, context, getAuthOptions());
}

export { handler as GET, handler as POST };
