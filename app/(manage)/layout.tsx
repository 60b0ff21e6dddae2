// Progress overview for managers and admins: anyone who may read every project.
import { requirePageCaller } from "@/lib/auth/session";

export default async function ManageLayout({ children }: { children: React.ReactNode }) {
  await requirePageCaller("project:read");
  return children;
}
