/**
 * The run workflow through fake ports: the order of its phases, and what it promises whatever
 * happens — the load and watchers stopped, the resources it created removed, a stop request
 * honoured at a safe point — without a lab.
 */
import { expect } from "chai";
import { ServedIndex } from "../../../src/watch/served.js";
import { silentLogger } from "../../../src/core/logger.js";
import { runGate } from "../../../src/gate/workflow.js";
import type { GatePorts } from "../../../src/gate/workflow.js";
import type { LoadResult, LoadSession } from "../../../src/load/session.js";
import type { KeptResource } from "../../../src/run/resources.js";
import type { UpgradeOutcome } from "../../../src/upgrade/executor.js";
import { fakeClock } from "../../fakes/fake-clock.js";

interface Fakes {
  readonly calls: string[];
  readonly stop: AbortController;
  ports(over?: Partial<GatePorts<string>>): GatePorts<string>;
}

const OUTCOME: UpgradeOutcome = {
  status: "done",
  waves: 3,
  message: "3 waves",
  failure: undefined,
  rolledBack: [],
  notes: [],
};

function fakes(): Fakes {
  const calls: string[] = [];
  const stop = new AbortController();
  const kept: KeptResource = {
    service: "svc",
    kind: "thing",
    id: "t-1",
    name: "kroll-keep-t-1",
    data: {},
  };
  const load = (): LoadSession => ({
    failure: () => undefined,
    recorder: undefined as never,
    stop: () => {
      calls.push("load.stop");
      return Promise.resolve({ summary: { requests: 10 } } as unknown as LoadResult);
    },
  });
  return {
    calls,
    stop,
    ports: (over = {}) => ({
      clock: fakeClock(),
      logger: silentLogger,
      stop: stop.signal,
      deploy: () => {
        calls.push("deploy");
        return Promise.resolve({ units: [{ action: "created" }], changed: true });
      },
      prepare: () => {
        calls.push("prepare");
        return Promise.resolve("setup");
      },
      resources: {
        create: (k) => {
          calls.push("resources.create");
          k.push(kept);
          return Promise.resolve();
        },
        verify: (k) => {
          calls.push(`resources.verify ${k.length}`);
          return Promise.resolve(
            k.map((x) => ({
              kind: x.kind,
              id: x.id,
              name: x.name,
              check: "cleanup",
              ok: true,
              message: "removed",
            })),
          );
        },
      },
      startWatchers: () => {
        calls.push("watchers.start");
        return {
          records: () => [],
          served: () => new ServedIndex(),
          stop: () => {
            calls.push("watchers.stop");
            return Promise.resolve([]);
          },
        };
      },
      startLoad: () => {
        calls.push("load.start");
        return load();
      },
      upgrade: () => {
        calls.push("upgrade");
        return Promise.resolve(OUTCOME);
      },
      containers: () => {
        calls.push("containers");
        return Promise.resolve([]);
      },
      ...over,
    }),
  };
}

describe("gate/workflow: the run through fake ports", () => {
  it("deploys, keeps resources, runs the upgrade under load and watchers, drains, verifies, in that order", async () => {
    const f = fakes();
    const r = await runGate(f.ports());
    expect(f.calls).to.deep.equal([
      "deploy",
      "prepare",
      "resources.create",
      "watchers.start",
      "load.start",
      "upgrade",
      "load.stop",
      "watchers.stop",
      "resources.verify 1",
      "containers",
    ]);
    expect(r.phases.map((p) => [p.name, p.ok])).to.deep.equal([
      ["deploy", true],
      ["resources", true],
      ["upgrade", true],
      ["drain", true],
      ["verify", true],
    ]);
    expect(r.phases[0]?.message).to.equal("1 containers deployed");
    expect(r.error).to.equal(undefined);
    expect(r.setup).to.equal("setup");
    expect(r.outcome).to.equal(OUTCOME);
    expect(r.resources.map((c) => c.check)).to.deep.equal(["cleanup"]);
  });

  it("when the upgrade throws: the load and watchers are stopped, the resources still removed, the error kept for the report", async () => {
    const f = fakes();
    const r = await runGate(
      f.ports({
        upgrade: () => {
          f.calls.push("upgrade");
          return Promise.reject(new Error("ops exploded"));
        },
      }),
    );
    expect(r.error?.message).to.equal("ops exploded");
    expect(f.calls.slice(f.calls.indexOf("upgrade"))).to.deep.equal([
      "upgrade",
      "load.stop",
      "watchers.stop",
      "resources.verify 1",
      // Where every container was left (the cluster is part-way), for the report.
      "containers",
    ]);
    expect(r.phases.at(-1)).to.deep.include({
      name: "upgrade",
      ok: false,
      message: "ops exploded",
    });
    expect(r.resources).to.have.length(1);
  });

  it("a stop request after the deploy ends the run before any resource or load, with a reason", async () => {
    const f = fakes();
    const r = await runGate(
      f.ports({
        deploy: () => {
          f.calls.push("deploy");
          f.stop.abort();
          return Promise.resolve({ units: [], changed: false });
        },
      }),
    );
    expect(f.calls).to.deep.equal(["deploy"]);
    expect(r.error?.message).to.equal(
      "run stopped on request after the deploy; no resource created, no load started",
    );
    expect(r.setup).to.equal(undefined);
  });

  it("a deploy that fails leaves nothing to clean and no run directory (setup undefined)", async () => {
    const f = fakes();
    const r = await runGate(
      f.ports({
        deploy: () => Promise.reject(new Error("pull failed")),
      }),
    );
    expect(f.calls).to.deep.equal([]);
    expect(r.error?.message).to.equal("pull failed");
    expect(r.phases).to.have.length(1);
    expect(r.setup).to.equal(undefined);
  });

  it("resources that fail half-way are removed all the same (what was created before the error)", async () => {
    const f = fakes();
    const r = await runGate(
      f.ports({
        resources: {
          create: (k) => {
            k.push({ service: "svc", kind: "thing", id: "t-2", name: "n", data: {} });
            return Promise.reject(new Error("second resource failed"));
          },
          verify: (k) => {
            f.calls.push(`resources.verify ${k.length}`);
            return Promise.resolve([]);
          },
        },
      }),
    );
    expect(r.error?.message).to.equal("second resource failed");
    expect(f.calls).to.include("resources.verify 1");
    expect(f.calls).to.not.include("load.start");
  });
});
