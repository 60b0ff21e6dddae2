// TRANSITION (issue 11): the verdict fragments moved to db/queries/verdict.ts, beside the statements
// that embed them; this re-export keeps modules not yet moved (stats, reports, adjudication) compiling.
export { GOLD_VERDICT_SQL, VERDICT_JOIN_SQL, VERDICT_SQL } from "@/db/queries/verdict";
