// Enumerations shared by the schema, the services, the API and the UI: one list per concept.

export const ROLES = ["admin", "manager", "annotator"] as const;
export type RoleName = (typeof ROLES)[number];

export const CHOICES = ["A", "B", "tie", "both_bad"] as const;
export type Choice = (typeof CHOICES)[number];

export const ASSIGNMENT_STATUSES = ["leased", "submitted", "skipped"] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

export const JUDGMENT_SOURCES = ["app", "import"] as const;
export type JudgmentSource = (typeof JUDGMENT_SOURCES)[number];

export const PROJECT_DEFAULTS = { overlap: 3, leaseMinutes: 30 } as const;
