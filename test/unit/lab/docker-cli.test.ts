import { expect } from "chai";
import { createDockerCli } from "../../../src/lab/docker-cli.js";

describe("lab/docker-cli", () => {
  it("reports a command that exits before reading its input by its exit code, never EPIPE", async () => {
    // `false` exits at once with 1; 4 MB of input outlasts any pipe buffer.
    const cli = createDockerCli("false");
    for (let i = 0; i < 5; i++) {
      const r = await cli.run(["run", "-i", "x"], { input: "x".repeat(4 * 1024 * 1024) });
      expect(r.code).to.equal(1);
    }
  });
});
