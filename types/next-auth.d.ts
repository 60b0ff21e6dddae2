import type { RoleName } from "@/db/schema/constants";
import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface User {
    role: RoleName;
    /** The user's session version when they signed in (lib/services/users.ts). */
    sessionVersion: number;
  }
  interface Session {
    user: { id: number; role: RoleName; sv: number; email?: string | null; name?: string | null };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid: number;
    role: RoleName;
    /** Session version: a session whose version differs from the user's row is refused. */
    sv: number;
  }
}
