// Admin area: only roles that may create and edit projects get past this layout.
// Each page and action checks its own scope too, since a layout does not re-run on every navigation.
import { requirePageCaller } from "@/lib/auth/session";
import "./admin/admin.css";

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requirePageCaller("project:write");
  return children;
}
