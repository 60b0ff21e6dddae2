export * from "./constants";
export * from "./users";
export * from "./projects";
export * from "./judgments";
export * from "./audit";
export * from "./qualification";
export * from "./models";
