import { expect } from "chai";
import { inDependencyOrder } from "../../../src/lab/build-order.js";

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

describe("lab/build-order.inDependencyOrder", () => {
  const graph = [
    { ref: "node", parent: "debian" },
    { ref: "base", parent: "debian" },
    { ref: "ironic-base", parent: "base" },
    { ref: "heat-base", parent: "base" },
    { ref: "ironic-api", parent: "ironic-base" },
    { ref: "heat-api", parent: "heat-base" },
  ];

  it("starts each item after its parent, at most `jobs` at a time", async () => {
    const done: string[] = [];
    let running = 0;
    let most = 0;
    await inDependencyOrder(graph, 2, new Set(["debian"]), async (b) => {
      expect(
        b.parent === "debian" || done.includes(b.parent),
        `${b.ref} before ${b.parent}`,
      ).to.equal(true);
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
      done.push(b.ref);
    });
    expect([...done].sort()).to.deep.equal(graph.map((g) => g.ref).sort());
    expect(most).to.equal(2);
  });

  it("starts nothing new after a failure, lets the running ones end, then throws it", async () => {
    const started: string[] = [];
    let ended = 0;
    const run = inDependencyOrder(graph, 2, new Set(["debian"]), async (b) => {
      started.push(b.ref);
      await tick();
      if (b.ref === "base") throw new Error("apt failed");
      await tick();
      ended++;
    });
    await run.then(
      () => expect.fail("should throw"),
      (e: unknown) => expect(String(e)).to.include("apt failed"),
    );
    expect(started).to.deep.equal(["node", "base"]);
    expect(ended).to.equal(1);
  });

  it("names the items whose parent never comes", async () => {
    await inDependencyOrder([{ ref: "x", parent: "nowhere" }], 2, new Set(), () =>
      Promise.resolve(),
    ).then(
      () => expect.fail("should throw"),
      (e: unknown) => expect(String(e)).to.include("x (from nowhere)"),
    );
  });
});
