/* global module */
/**
 * The import rules of src/ (docs/architecture.md): no cycle between modules or between folders,
 * and each layer imports only layers below it. The test step runs it after ESLint; a forbidden
 * import fails the run (test/unit/architecture.test.ts shows one failing on a fixture).
 */
const ENGINES = "deploy|upgrade|lab|load|run|report|watch|inventory|gate|cli";

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
      comment: "cluster/ holds the ports and their adapters; no engine, no service pack.",
      from: { path: "^src/cluster/" },
      to: { path: `^src/(${ENGINES}|services)/` },
    },
    {
      name: "packs-import-no-engine",
      severity: "error",
      comment:
        "A service pack imports the contract, kolla/, core/ and the cluster ports; never an engine.",
      from: { path: "^src/services/" },
      to: { path: `^src/(${ENGINES})/` },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
