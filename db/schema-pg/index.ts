// Arbiter's tables for PostgreSQL: db/schema/ table by table (same names, keys and indexes), in
// PostgreSQL's types. test/integration/schema-drift.test.ts fails when the two drift apart.
export * from "../schema/constants";
export * from "./users";
export * from "./projects";
export * from "./judgments";
export * from "./audit";
export * from "./qualification";
export * from "./models";
