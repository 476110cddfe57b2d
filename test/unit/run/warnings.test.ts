import { expect } from "chai";
import { runWarnings } from "../../../src/run/warnings.js";
import { Slo } from "../../../src/scenario/schema.js";
import { aDisruption, aRunReport } from "../../builders.js";

describe("run/warnings", () => {
  const load = {
    requests: 1_000,
    failed: 4,
    p99Ms: 900,
    operationsDone: 10,
    failures: [],
    startedAt: 0,
  } as unknown as NonNullable<ReturnType<typeof aRunReport>["load"]>;

  it("names an SLO met by less than a fifth of its bound, and nothing met by more", () => {
    const slo = Slo.parse({ max_failed_requests: 5, p99_latency: "1s", max_disruption: "10s" });
    const w = runWarnings(
      aRunReport({
        load,
        disruption: [
          aDisruption("ironic_api", "vip", 9_000, 8_500),
          aDisruption("heat_api", "vip", 1_000),
          aDisruption("heat_api", "node1", 9_900),
        ],
      }),
      slo,
    );
    expect(w).to.deep.equal([
      "near miss: failed requests 4, within 20% of slo.max_failed_requests (5)",
      "near miss: p99 latency 900 ms, within 20% of slo.p99_latency (1000 ms)",
      "near miss: ironic_api unavailable through the VIP for 8500 ms, within 20% of slo.max_disruption (10000 ms)",
    ]);
  });

  it("is quiet for bounds of zero, says what was recorded and what could not be checked", () => {
    const w = runWarnings(
      aRunReport({
        load: { ...load, failed: 0 },
        checks: [
          {
            suite: "slo",
            name: "heat_stuck_stacks",
            ok: true,
            recorded: true,
            message: "1 stack stuck",
          },
          { suite: "steps", name: "ironic pin", ok: true, message: "not checked: pinned 3 s" },
          { suite: "slo", name: "max_failed_requests", ok: true, message: "0 of 1000 failed" },
        ],
      }),
      Slo.parse({}),
    );
    expect(w).to.deep.equal([
      "recorded, not failed: heat_stuck_stacks: 1 stack stuck",
      "not checked: ironic pin: not checked: pinned 3 s",
    ]);
  });
});
