import { requirePageCaller } from "@/lib/auth/session";

export default async function AnnotateLayout({ children }: { children: React.ReactNode }) {
  await requirePageCaller("assignment:work");
  return children;
}
