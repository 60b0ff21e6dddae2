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
    visibility: p.visibility,
    allow_remote_images: p.allowRemoteImages,
    overlap: p.overlap,
    min_judgments: p.minJudgments,
    max_judgments: p.maxJudgments,
    stop_agreement: p.stopAgreement,
    lease_minutes: p.leaseMinutes,
    order_policy: p.orderPolicy,
    quota: p.quota,
    gold_rate: p.goldRate,
    min_gold_accuracy: p.minGoldAccuracy,
    min_gold_after: p.minGoldAfter,
    agreement_threshold: p.agreementThreshold,
    time_cap_seconds: p.timeCapSeconds,
    qualification_items: p.qualificationItems,
    qualification_accuracy: p.qualificationAccuracy,
    training_mode: p.trainingMode,
    routing: p.routing,
    tags_from: p.tagsFrom,
    contender_pairing: p.contenderPairing,
    judgment_schema: p.judgmentSchema,
    guidelines: p.guidelines,
    created_at: iso(p.createdAt),
  };
}

export function progressJson(p: ProjectProgress) {
  return { items: p.items, judgments: p.judgments, complete_items: p.completeItems };
}

export function userJson(u: UserView) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    external: u.external,
    status: u.status,
    last_sign_in_at: u.lastSignInAt == null ? null : iso(u.lastSignInAt),
    created_at: iso(u.createdAt),
    skills: u.skills,
  };
}

/** An API token as `token list` shows it: never the token itself. */
export function tokenJson(t: { id: number; name: string; prefix: string; email: string; createdAt: number; lastUsedAt: number | null; revokedAt: number | null }) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    email: t.email,
    created_at: iso(t.createdAt),
    last_used_at: t.lastUsedAt == null ? null : iso(t.lastUsedAt),
    revoked_at: t.revokedAt == null ? null : iso(t.revokedAt),
  };
}
