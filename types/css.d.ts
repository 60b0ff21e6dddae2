// Side-effect CSS imports (loaded on demand, e.g. KaTeX's stylesheet).
declare module "*.css";
