// The statistics library's public surface: pure functions over plain arrays and rows, no DB or React.
// The reference implementations the tests compare the fast paths with are in ./reference.

export * from "./types";
export * from "./random";
export * from "./bootstrap";
export * from "./agreement";
export * from "./bradley-terry";
export * from "./quality";
export * from "./breakdown";
export * from "./aggregate";
export * from "./counts";
export * from "./tally";
export * from "./adaptive";
export * from "./projection";
export * from "./ticks";
export * from "./contenders";
export * from "./judges";
export * from "./adaptive-pairs";
