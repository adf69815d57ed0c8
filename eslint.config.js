// Flat config: JavaScript and TypeScript recommended rules, the two classic React hooks rules, no
// import cycles, and the layers (docs/decisions/037-layers-and-import-cycles.md). No type-aware
// rules, so `npm run lint` stays fast and needs no build.
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

const nodeGlobals = Object.fromEntries(
  ["process", "console", "Buffer", "URL", "URLSearchParams", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "setImmediate", "queueMicrotask", "fetch", "structuredClone", "globalThis"].map((name) => [
    name,
    "readonly",
  ]),
);

/** A layer's files may not import the named top-level folders of app/ (as `~/name…` or relatively). */
function layer(files, forbidden, message) {
  const group = forbidden.flatMap((name) => [`~/${name}`, `~/${name}/**`, `**/../${name}/**`, `**/../${name}`]);
  return [
    {
      files: [files],
      rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ group, message, allowTypeImports: true }] }] },
    },
  ];
}

export default tseslint.config(
  {
    ignores: ["build/", "public/build/", "app/generated/", ".data/", "node_modules/", "test-results/", "playwright-report/", "tests/e2e/.artifacts/", "bench-results/"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
  {
    files: ["**/*.{js,mjs,cjs}"],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ["app/**/*.{ts,tsx}", "server.ts", "scripts/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
    },
    rules: {
      // A value import in both directions: type-only imports are erased and may go either way.
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  // Layers: routes → components → modules → utils and integrations; workflows and the HTTP server
  // use modules. A lower layer never imports a higher one (type-only imports of the root route's
  // data shapes excepted).
  ...layer("app/components/**", ["routes", "workflows", "server", "seeding"], "Components are used by routes; they take what they need as props or from modules."),
  ...layer("app/modules/**", ["routes", "components", "root", "workflows", "server", "seeding"], "Modules are the domain: routes, workflows and the server call them, never the other way round."),
  ...layer("app/lib/**", ["routes", "components", "root", "workflows", "server", "modules", "integrations", "utils", "seeding"], "The shared kernel (time, formatting, money, actors, statuses, phones) is plain code every layer uses; it imports none of them."),
  ...layer("app/utils/**", ["routes", "components", "root", "workflows", "server", "modules", "integrations", "seeding"], "Utilities sit below everything: the domain and the vendor adapters use them, never the other way round."),
  ...layer("app/integrations/**", ["routes", "components", "root", "workflows", "server", "seeding"], "Vendor adapters sit below the pages and the workflows."),
  ...layer("app/seeding/**", ["routes", "components", "root", "workflows", "server"], "The demo seeding uses the domain's modules; only the server's start and the seed script call it."),
  ...layer("app/workflows/**", ["routes", "components", "root", "seeding"], "Workflows call modules; pages are not theirs to import."),
  {
    rules: {
      // `_name` marks a parameter a signature requires but the body does not use (Express error handlers).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      "no-empty": ["error", { allowEmptyCatch: true }],
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "inline-type-imports" }],
    },
  },
);
