import { redirect } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { requirePageCaller } from "@/lib/auth/session";

// Sends each role to where its work is.
export default async function Home() {
  const caller = await requirePageCaller();
  if (can(caller.role, "project:write")) redirect("/admin");
  if (can(caller.role, "project:read")) redirect("/manage");
  redirect("/annotate");
}
