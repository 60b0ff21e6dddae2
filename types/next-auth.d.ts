import type { RoleName } from "@/db/schema/constants";
import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface User {
    role: RoleName;
  }
  interface Session {
    user: { id: number; role: RoleName; email?: string | null; name?: string | null };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid: number;
    role: RoleName;
  }
}
