import { expect } from "chai";
import { judgeHeat } from "../../../src/services/heat/operations.js";
import { judgeIronic } from "../../../src/services/ironic/operations.js";

describe("services/{ironic,heat}/operations: following accepted operations", () => {
  const op = (goal: string) => ({ goal, acceptedAt: 0, deadline: 300_000 });
  describe("ironic", () => {
    const table: [string, Parameters<typeof judgeIronic>[1], number, string][] = [
      ["deploy reaches active", { state: "active", target: null }, 10_000, "done"],
      ["deploy in flight", { state: "deploying", target: "active" }, 10_000, "pending"],
      [
        "deploy failed, with the reason",
        { state: "deploy failed", target: null, reason: "Unable to establish connection" },
        10_000,
        "failed",
      ],
      [
        "a killed conductor leaves the node in error",
        { state: "error", target: null, reason: "can't be resumed" },
        10_000,
        "failed",
      ],
      [
        "manage bounced back to enroll with an error",
        { state: "enroll", target: null, reason: "Failed to get power state" },
        10_000,
        "failed",
      ],
      [
        "still deploying past its deadline",
        { state: "deploying", target: "active" },
        400_000,
        "stuck",
      ],
      [
        "wait call-back past its deadline",
        { state: "wait call-back", target: "active" },
        400_000,
        "stuck",
      ],
    ];
    for (const [what, obs, now, want] of table)
      it(`${what} → ${want}`, () =>
        expect(judgeIronic(op("active"), obs, now).status).to.equal(want));
    it("a delete is done when the node is gone (404)", () => {
      expect(judgeIronic(op("gone"), { state: undefined }, 1)).to.deep.equal({ status: "done" });
      expect(judgeIronic(op("gone"), { state: "available", target: null }, 1)).to.deep.equal({
        status: "pending",
      });
    });
    it("names the last state and the reason the API gives", () => {
      expect(
        judgeIronic(op("active"), { state: "deploy failed", target: null, reason: "boom" }, 1),
      ).to.deep.equal({
        status: "failed",
        state: "deploy failed",
        reason: "boom",
      });
      expect(
        judgeIronic(op("active"), { state: "deploying", target: "active" }, 301_000),
      ).to.deep.equal({
        status: "stuck",
        state: "deploying",
        reason: "still deploying (target active) 301 s after it was accepted",
      });
    });
  });
  describe("heat", () => {
    it("CREATE_COMPLETE is done, *_FAILED failed with its reason, IN_PROGRESS past the deadline stuck", () => {
      expect(judgeHeat(op("CREATE_COMPLETE"), { state: "CREATE_COMPLETE" }, 1).status).to.equal(
        "done",
      );
      expect(
        judgeHeat(
          op("CREATE_COMPLETE"),
          { state: "CREATE_FAILED", reason: "Resource CREATE failed" },
          1,
        ),
      ).to.deep.equal({
        status: "failed",
        state: "CREATE_FAILED",
        reason: "Resource CREATE failed",
      });
      expect(judgeHeat(op("CREATE_COMPLETE"), { state: "CREATE_IN_PROGRESS" }, 1).status).to.equal(
        "pending",
      );
      expect(
        judgeHeat(op("CREATE_COMPLETE"), { state: "CREATE_IN_PROGRESS" }, 300_001),
      ).to.deep.equal({
        status: "stuck",
        state: "CREATE_IN_PROGRESS",
        reason: "still CREATE_IN_PROGRESS 300 s after it was accepted",
      });
    });
    it("a delete is done when the stack is gone; a create whose stack vanished failed", () => {
      expect(judgeHeat(op("gone"), { state: undefined }, 1).status).to.equal("done");
      expect(judgeHeat(op("CREATE_COMPLETE"), { state: undefined }, 1).status).to.equal("failed");
    });
  });
});
