// Reference implementations: the readable, object-per-judgment definitions of the figures that
// lib/stats/tally.ts computes from rows. Only tests call them, to check the fast path on the same data.

export * from "./agreement";
export * from "./bootstrap";
export * from "./bradley-terry";
export * from "./quality";
