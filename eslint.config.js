// @ts-check
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

const PURE = [
  "src/**/schema.ts",
  "src/**/rules.ts",
  "src/**/planner.ts",
  "src/**/fenceposts.ts",
  "src/**/buckets.ts",
  "src/**/detectors.ts",
  "src/**/stats.ts",
  "src/kolla/**",
  "src/inventory/kolla-*.ts",
  "src/inventory/overrides.ts",
  "src/inventory/passwords.ts",
  "src/inventory/phase.ts",
  "src/report/**",
  "src/upgrade/types.ts",
  "src/upgrade/desired.ts",
  "src/upgrade/journal.ts",
  "src/services/*/stats.ts",
  "src/services/*/operations.ts",
  "src/cluster/procs.ts",
  "src/scenario/managed-globals.ts",
  "src/scenario/inline-paths.ts",
  "src/upgrade/ops.ts",
  "src/services/types.ts",
  "src/services/index.ts",
  "src/services/catalogue.ts",
  "src/services/*/index.ts",
  "src/services/*/recipe.ts",
  "src/services/*/config.ts",
  "src/services/rabbitmq/rpc-drain.ts",
  "src/cluster/docker/clone.ts",
  "src/load/schedule.ts",
  "src/watch/logscan.ts",
];

export default tseslint.config(
  {
    ignores: ["node_modules/", "dist/", "runs/", "inventories/", ".scratch/", "test/support/*.cjs"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ["*.js", "*.cjs", "bin/*.js", "test/support/*.mjs"],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-restricted-exports": [
        "error",
        {
          restrictDefaultExports: {
            direct: true,
            named: true,
            defaultFrom: true,
            namedFrom: true,
            namespaceFrom: true,
          },
        },
      ],
      "no-console": "error",
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "dockerode", message: "dockerode is imported only under src/cluster/docker/" },
            { name: "ssh2", message: "ssh2 is imported only under src/cluster/ssh/" },
          ],
        },
      ],
    },
  },
  {
    files: PURE,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            "dockerode",
            "ssh2",
            "p-queue",
            "node:fs",
            "node:fs/promises",
            "node:child_process",
          ].map((name) => ({ name, message: "pure modules do no I/O" })),
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: "pure modules take time as an argument or a Clock",
        },
      ],
    },
  },
  {
    files: ["src/cluster/docker/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "ssh2", message: "ssh2 only under src/cluster/ssh/" }] },
      ],
    },
  },
  {
    files: ["src/cluster/ssh/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "dockerode", message: "dockerode only under src/cluster/docker/" }] },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "scripts/**/*.ts", "bench/**"],
    rules: { "@typescript-eslint/no-unused-expressions": "off", "no-console": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly" },
    },
  },
  {
    // Tool config files must export a default.
    files: ["eslint.config.js"],
    rules: { "no-restricted-exports": "off" },
  },
);
