/* global module */
/**
 * The import rules of src/ (docs/architecture.md): no cycle between modules or between folders,
 * and each layer imports only layers below it. The test step runs it after ESLint; a forbidden
 * import fails the run (test/unit/architecture.test.ts shows one failing on a fixture).
 */

module.exports = {
  forbidden: [
    {
      name: "no-cycle",
      severity: "error",
      comment: "Modules form no import cycle.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "no-folder-cycle",
      severity: "error",
      comment: "Folders of src/ form no import cycle either: a layer never imports one above it.",
      scope: "folder",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "base-imports-base",
      severity: "error",
      comment: "core/ and kolla/ are the base: they import nothing else of kroll's.",
      from: { path: "^src/(core|kolla)/" },
      to: { path: "^src/", pathNot: "^src/(core|kolla)/" },
    },
    {
      name: "scenario-below-engines",
      severity: "error",
      comment:
        "scenario/ reads and checks a scenario; it imports only core/, kolla/ and the service catalogue.",
      from: { path: "^src/scenario/" },
      to: {
        path: "^src/",
        pathNot: ["^src/(core|kolla|scenario)/", "^src/services/(catalogue|types)[.]ts$"],
      },
    },
    {
      name: "cluster-below-engines",
      severity: "error",
      comment: "cluster/ holds the ports and their adapters: it imports only core/.",
      from: { path: "^src/cluster/" },
      to: { path: "^src/", pathNot: "^src/(core|cluster)/" },
    },
    {
      name: "packs-import-no-engine",
      severity: "error",
      comment:
        "A service pack imports the contract (services/types.ts), kolla/, core/ and cluster/; never an engine or the scenario.",
      from: { path: "^src/services/[^/]+/" },
      to: {
        path: "^src/",
        pathNot: "^src/(core|kolla|cluster)/|^src/services/(types[.]ts$|[^/]+/)",
      },
    },
    {
      name: "engines-read-the-registry",
      severity: "error",
      comment:
        "Outside src/services/, a pack is reached only through the registry's catalogue and the contract (services/catalogue.ts, services/types.ts): no engine imports a pack's folder.",
      from: { path: "^src/", pathNot: "^src/services/" },
      to: { path: "^src/services/[^/]+/" },
    },
    {
      name: "packs-are-apart",
      severity: "error",
      comment: "A pack imports no other pack: what it needs of another comes through its deps.",
      from: { path: "^src/services/([^/]+)/" },
      to: { path: "^src/services/[^/]+/", pathNot: "^src/services/$1/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
