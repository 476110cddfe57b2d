/**
 * The profiles against small fakes of Heat and Ironic on loopback that answer 500 with a JSON
 * error document while an operation is followed — what an API does through HAProxy while its
 * database or conductor is being replaced. The error body must never be read as the resource:
 * in a kolla-ansible baseline run, reading `stack.stack_status` from Heat's error document
 * crashed the whole run before it could write its report.
 */
import { expect } from "chai";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { systemClock } from "../../../src/core/clock.js";
import { runPackProfile } from "../../../src/load/profiles.js";
import type { ProfileContext } from "../../../src/load/profiles.js";
import { Recorder } from "../../../src/load/recorder.js";
import { LoadProfile } from "../../../src/scenario/schema.js";
import type { PackProfile } from "../../../src/scenario/schema.js";
import { packOf } from "../../../src/services/catalogue.js";

/** A pack's profile, parsed as the scenario parses it, run through the load engine. */
const runProfile =
  (service: "ironic" | "heat", fields: Record<string, unknown>) =>
  (ctx: ProfileContext): Promise<void> => {
    const load = packOf(service).load;
    if (!load) throw new Error(`${service} has no load`);
    const p = LoadProfile.parse({ kind: service, ...fields }) as PackProfile;
    return runPackProfile(service, load, p, ctx);
  };

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(h: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => h(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const send = (res: ServerResponse, status: number, body?: unknown): void => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body === undefined ? "" : JSON.stringify(body));
};

/** Heat's and Ironic's error document shapes (what oslo/wsgi answer on a 500). */
const heatError = {
  code: 500,
  title: "Internal Server Error",
  error: { type: "DBConnectionError" },
};
const ironicError = {
  error_message: JSON.stringify({
    faultstring: "Lost connection to MySQL server",
    faultcode: "Server",
  }),
};

/** Runs a profile with no reads, one lifecycle, until `until()` or 8 s. */
async function runOne(
  start: (ctx: ProfileContext) => Promise<void>,
  url: string,
  until: (r: Recorder) => boolean,
): Promise<Recorder> {
  const recorder = new Recorder(systemClock.now());
  const stop = new AbortController();
  const hard = new AbortController();
  const done = start({
    url,
    clock: systemClock,
    recorder,
    stop: stop.signal,
    hard: hard.signal,
    schedule: { rate: 0, rampMs: 0, durationMs: 8_000 },
    maxRequests: 0,
    pollMs: 20,
    timeoutMs: 2_000,
  });
  const end = Date.now() + 8_000;
  while (!until(recorder) && Date.now() < end) await systemClock.sleep(20);
  stop.abort();
  setTimeout(() => hard.abort(), 1_000);
  await done;
  return recorder;
}

describe("load/profiles: following operations through API errors", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("heat: a 500 error document while a stack is followed is a failed poll, not the stack; the stack still completes and is deleted", async () => {
    let polls = 0;
    let deleted = false;
    const s = await serve((req, _b, res) => {
      if (req.method === "POST") return send(res, 201, { stack: { id: "s1" } });
      if (req.method === "DELETE") {
        deleted = true;
        return send(res, 204);
      }
      polls++;
      if (deleted) return send(res, 404, { code: 404 });
      // Three polls answer 500 with JSON, then the stack is complete.
      if (polls <= 3) return send(res, 500, heatError);
      return send(res, 200, {
        stack: { stack_status: "CREATE_COMPLETE", stack_status_reason: "" },
      });
    });
    server = s.server;
    const r = await runOne(
      runProfile("heat", { stacks: 1 }),
      s.url,
      (rec) => rec.summary().operations.length >= 2,
    );
    const sum = r.summary();
    expect(sum.operations.map((o) => `${o.verb} ${o.status}`).slice(0, 2)).to.deep.equal([
      "create done",
      "delete done",
    ]);
    expect(sum.byClass["5xx"]).to.equal(3);
    expect(polls).to.be.above(3);
  });

  it("ironic: a 500 error document is never read as a node without provision_state (which would look deleted)", async () => {
    let state = "enroll";
    let target: string | null = null;
    let errors = 0;
    let seenGoing = 0;
    let goneAt: number | undefined;
    const s = await serve((req, body, res) => {
      const url = req.url ?? "";
      if (req.method === "POST" && url === "/v1/nodes") return send(res, 201, { uuid: "n1" });
      if (req.method === "PUT" && url.endsWith("/states/provision")) {
        const verb = (JSON.parse(body) as { target: string }).target;
        const next: Record<string, string> = {
          manage: "manageable",
          provide: "available",
          active: "active",
          deleted: "available",
        };
        state = next[verb] ?? state;
        target = null;
        // Every state change is followed by two 500s before the node is seen again.
        errors = 2;
        return send(res, 202);
      }
      if (req.method === "DELETE") {
        // The node is still seen twice after the delete is accepted, behind a 500.
        state = "going";
        errors = 1;
        return send(res, 204);
      }
      if (req.method === "GET" && url === "/v1/nodes/n1") {
        if (errors > 0) {
          errors--;
          return send(res, 500, ironicError);
        }
        if (state === "going" && ++seenGoing > 2) state = "gone";
        if (state === "gone") {
          goneAt ??= Date.now();
          return send(res, 404, {});
        }
        return send(res, 200, {
          provision_state: state,
          target_provision_state: target,
          last_error: null,
        });
      }
      return send(res, 404, {});
    });
    server = s.server;
    const r = await runOne(
      runProfile("ironic", { lifecycles: 1 }),
      s.url,
      (rec) => rec.summary().operations.length >= 5,
    );
    const ops = r.summary().operations.slice(0, 5);
    expect(ops.map((o) => `${o.verb} ${o.status} ${o.state}`)).to.deep.equal([
      "manage done manageable",
      "provide done available",
      "active done active",
      "deleted done available",
      "delete done gone",
    ]);
    // The delete is done when the node is gone (404), not at the 500 before it.
    expect(goneAt, "the fake never answered 404").to.be.a("number");
    expect(ops[4]?.endedAt).to.be.at.least(goneAt ?? Infinity);
    expect(r.summary().byClass["5xx"]).to.be.at.least(9);
  });

  it("a stuck operation says the error the service showed on the way and later cleared (Ironic's power sync clears last_error)", async () => {
    let state = "enroll";
    let target: string | null = null;
    let polls = 0;
    const s = await serve((req, body, res) => {
      const url = req.url ?? "";
      if (req.method === "POST" && url === "/v1/nodes") return send(res, 201, { uuid: "n1" });
      if (req.method === "PUT" && url.endsWith("/states/provision")) {
        const verb = (JSON.parse(body) as { target: string }).target;
        if (verb === "active") [state, target, polls] = ["deploying", "active", 0];
        else [state, target] = [verb === "manage" ? "manageable" : "available", null];
        return send(res, 202);
      }
      if (req.method === "GET" && url === "/v1/nodes/n1") {
        polls++;
        // The deploy's worker failed: its error shows for a few polls, then is cleared while
        // the node stays in deploying.
        const err =
          state === "deploying" && polls > 2 && polls <= 5
            ? "Async execution of do_node_deploy failed with error: boom"
            : null;
        return send(res, 200, {
          provision_state: state,
          target_provision_state: target,
          last_error: err,
        });
      }
      return send(res, 404, {});
    });
    server = s.server;
    const r = await runOne(
      runProfile("ironic", { lifecycles: 1, operation_deadline: "1s" }),
      s.url,
      (rec) => rec.summary().operations.some((o) => o.status === "stuck"),
    );
    const stuck = r.summary().operations.find((o) => o.status === "stuck");
    expect(stuck?.verb).to.equal("active");
    expect(stuck?.reason).to.match(
      /^still deploying \(target active\) 1 s after it was accepted; on the way it showed: Async execution of do_node_deploy failed with error: boom \(deploying\)$/,
    );
  });
});

describe("load/profiles: ironic reads", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("reads each route at every microversion (a list is not always sent at the newest)", async () => {
    const seen = new Set<string>();
    const s = await serve((req, _b, res) => {
      const url = req.url ?? "";
      const v = String(req.headers["x-openstack-ironic-api-version"]);
      if (req.method === "GET") seen.add(`${url.startsWith("/v1/nodes?") ? "list" : "show"} ${v}`);
      if (req.method === "POST") return send(res, 201, { uuid: "n1" });
      if (req.method === "PUT") return send(res, 202);
      // The node stays on its way to manageable: its lifecycle keeps it known to the reads.
      if (req.method === "GET" && url === "/v1/nodes/n1")
        return send(res, 200, {
          provision_state: "verifying",
          target_provision_state: "manageable",
        });
      return send(res, 200, { nodes: [] });
    });
    server = s.server;
    const recorder = new Recorder(systemClock.now());
    const stop = new AbortController();
    const hard = new AbortController();
    const done = runProfile("ironic", { lifecycles: 1, microversions: ["1.115", "1.80"] })({
      url: s.url,
      clock: systemClock,
      recorder,
      stop: stop.signal,
      hard: hard.signal,
      schedule: { rate: 100, rampMs: 0, durationMs: 2_000 },
      maxRequests: 300,
      pollMs: 20,
      timeoutMs: 2_000,
    });
    const end = Date.now() + 3_000;
    while (seen.size < 4 && Date.now() < end) await systemClock.sleep(20);
    stop.abort();
    hard.abort();
    await done;
    expect([...seen].sort()).to.deep.equal(["list 1.115", "list 1.80", "show 1.115", "show 1.80"]);
  });
});
