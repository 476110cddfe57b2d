import { expect } from "chai";
import type { Attribution } from "../../../src/report/model.js";
import { hazardHint } from "../../../src/run/hazards.js";

const during = (container: string): Attribution => ({
  wave: 7,
  service: "x",
  step: "s",
  node: "node2",
  container,
  action: `recreate ${container} on node2`,
});

describe("run/hazards", () => {
  it("hints at the mechanism when the failure and the container being changed match a known hazard", () => {
    expect(hazardHint("GET /v1/{tenant}/stacks: 5xx HTTP 504: timeout", during("heat_engine")))
      .to.be.a("string")
      .and.match(/heat-engine loses the RPC calls/);
    expect(
      hazardHint(
        "PUT /v1/nodes/{uuid}/states/provision: 5xx HTTP 500: Can not schedule new futures after being shut down",
        during("ironic_conductor"),
      ),
    ).to.match(/hash_ring_reset_interval/);
    expect(
      hazardHint(
        'PUT /v1/nodes/{uuid}/states/provision: 5xx HTTP 500: {"error_message": "{\\"faultstring\\": \\"Unexpected error raised by RPC\\"}"}',
        during("ironic_conductor"),
      ),
    ).to.match(/shuts its worker pool/);
    expect(
      hazardHint(
        'POST /v1/nodes/{uuid}/states/provision: 4xx HTTP 400: {"error_message": "{\\"faultstring\\": \\"Node 8480375e found not to be locked on release\\"}"}',
        during("ironic_conductor"),
      ),
    ).to.match(/clears its node locks before its tasks end/);
    expect(
      hazardHint(
        "GET /v1/nodes: 5xx HTTP 500: (2013, 'Lost connection to MySQL server during query')",
        during("mariadb"),
      ),
    ).to.match(/drained/);
  });

  it("gives none when the text or the container does not match, or nothing was running", () => {
    // A 504 while an API (not an engine) was replaced is not the engine hazard.
    expect(hazardHint("GET /v1/{tenant}/stacks: 5xx HTTP 504", during("heat_api"))).to.equal(
      undefined,
    );
    // An engine's own error reported back (a 500 RemoteError) is not a lost call.
    expect(
      hazardHint(
        'POST /v1/{tenant}/stacks: 5xx HTTP 500: {"error": {"type": "RemoteError"}}',
        during("heat_engine"),
      ),
    ).to.equal(undefined);
    // A refused connection while an engine stopped is something else.
    expect(
      hazardHint("GET /v1/{tenant}/stacks: refused ECONNREFUSED", during("heat_engine")),
    ).to.equal(undefined);
    expect(hazardHint("GET /v1/{tenant}/stacks: 5xx HTTP 504", undefined)).to.equal(undefined);
  });
});
