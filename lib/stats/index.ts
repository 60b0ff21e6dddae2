// The statistics library's public surface: pure functions over plain arrays, no DB or React.

export * from "./types";
export * from "./random";
export * from "./bootstrap";
export * from "./agreement";
export * from "./bradley-terry";
export * from "./quality";
export * from "./breakdown";
export * from "./aggregate";
export * from "./counts";
