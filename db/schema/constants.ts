// Enumerations shared by the schema, the services, the API and the UI: one list per concept.

export const ROLES = ["admin", "manager", "annotator"] as const;
export type RoleName = (typeof ROLES)[number];

/** A deactivated user keeps their judgments but cannot sign in, and their sessions and tokens stop working. */
export const USER_STATUSES = ["active", "deactivated"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export { CHOICES, type Choice } from "../../lib/formats/record";
export { JUDGMENT_TYPES, type JudgmentType } from "../../lib/formats/judgment";
/** How a project matches items' tags to annotators' skills: open (anyone), required (all tags held), preferred (matching first). */
export { ROUTING_RULES, type RoutingRule } from "../../lib/formats/tags";

export const ASSIGNMENT_STATUSES = ["leased", "submitted", "skipped"] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

export const JUDGMENT_SOURCES = ["app", "import"] as const;
export type JudgmentSource = (typeof JUDGMENT_SOURCES)[number];

export const PROJECT_DEFAULTS = { overlap: 3, leaseMinutes: 30, timeCapSeconds: 600 } as const;

export const PROJECT_STATUSES = ["draft", "active", "paused", "archived"] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** Who may work on a project: its members only, or every annotator. */
export const PROJECT_VISIBILITIES = ["members", "everyone"] as const;
export type ProjectVisibility = (typeof PROJECT_VISIBILITIES)[number];

/** How the next item is picked: finish started items first, at random, or in import order. */
export const ORDER_POLICIES = ["finish_first", "random", "import"] as const;
export type OrderPolicy = (typeof ORDER_POLICIES)[number];

/**
 * How a project pairs contenders: `uniform` (every pair alike: `generate` makes every pair, serving
 * follows the order policy) or `adaptive` (generate and serve the pairs the leaderboard has not yet
 * told apart first; README "Adaptive pairing").
 */
export const CONTENDER_PAIRINGS = ["uniform", "adaptive"] as const;
export type ContenderPairing = (typeof CONTENDER_PAIRINGS)[number];

/** Where an annotator stands in a project's qualification: judging gold items, passed (real items flow) or failed (refused until a reset). */
export const QUALIFICATION_STATUSES = ["pending", "passed", "failed"] as const;
export type QualificationStatus = (typeof QUALIFICATION_STATUSES)[number];

/** The pass mark of a qualification when none is set: the share of its gold items judged correctly. */
export const QUALIFICATION_DEFAULTS = { accuracy: 0.8 } as const;

/** A generation run: calling the contenders, then done (items created), cancelled, or failed (its error says why). */
export const GENERATION_STATUSES = ["running", "done", "cancelled", "failed"] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

/** A judge run over HTTP: judging, then done, cancelled, or failed (its error says why). */
export const JUDGE_RUN_STATUSES = GENERATION_STATUSES;
export type JudgeRunStatus = (typeof JUDGE_RUN_STATUSES)[number];

/** One stored response of a run: a response, or a failure (after retries) with its reason. */
export const RESPONSE_STATUSES = ["ok", "failed"] as const;
