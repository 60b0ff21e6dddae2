// What `--json` prints for projects, users and batches: snake_case keys like the HTTP API, times as
// ISO strings (README "CLI" documents each shape). Database rows never reach stdout as they are.
import type { Project, ProjectProgress } from "@/lib/services/projects";
import type { UserView } from "@/lib/services/users";

const iso = (ms: number): string => new Date(ms).toISOString();

export function projectJson(p: Project) {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    status: p.status,
    overlap: p.overlap,
    lease_minutes: p.leaseMinutes,
    order_policy: p.orderPolicy,
    quota: p.quota,
    gold_rate: p.goldRate,
    min_gold_accuracy: p.minGoldAccuracy,
    min_gold_after: p.minGoldAfter,
    agreement_threshold: p.agreementThreshold,
    judgment_schema: p.judgmentSchema,
    guidelines: p.guidelines,
    created_at: iso(p.createdAt),
  };
}

export function progressJson(p: ProjectProgress) {
  return { items: p.items, judgments: p.judgments, complete_items: p.completeItems };
}

export function userJson(u: UserView) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, external: u.external, created_at: iso(u.createdAt) };
}
