// Type-aware checks for the async data layer (issue 11): every promise is awaited, returned or
// handed on on purpose. A forgotten `await` on a service call compiles but races the next statement;
// typescript-eslint's rules find it from the types. Nothing else is linted here.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", "next-env.d.ts", "docs/**", "data/**"] },
  // Comments that switch off Next's own lint rules (run by `next lint` users) name rules this config does not load.
  { linterOptions: { reportUnusedDisableDirectives: "off" } },
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
    },
  },
);
