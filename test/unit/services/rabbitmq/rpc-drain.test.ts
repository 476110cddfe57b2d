import { expect } from "chai";
import {
  describeCancelled,
  nodeAddresses,
  parseRpcDrain,
  rpcDrainExpression,
} from "../../../../src/services/rabbitmq/rpc-drain.js";

describe("services/rabbitmq/rpc-drain", () => {
  it("takes a node's own addresses from `ip -o addr show`, not loopback, link-local or Docker bridges", () => {
    const out = [
      "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever",
      "1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever",
      "2: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever",
      "5: br-3f2a1b0c9d8e    inet 172.18.0.1/16 scope global br-3f2a1b0c9d8e",
      "1093: eth0    inet 172.30.92.12/24 brd 172.30.92.255 scope global eth0\\       valid_lft forever",
      "1093: eth0    inet 172.30.92.250/32 scope global eth0",
      "1093: eth0    inet6 fd00:92::12/64 scope global \\       valid_lft forever",
      "1093: eth0    inet6 fe80::42:acff:fe1e:5c0c/64 scope link \\       valid_lft forever",
      "7: bond0.20@bond0    inet 10.20.0.5/24 scope global bond0.20",
    ].join("\n");
    expect(nodeAddresses(out)).to.deep.equal([
      "172.30.92.12",
      "172.30.92.250",
      "fd00:92::12",
      "10.20.0.5",
    ]);
    expect(nodeAddresses("")).to.deep.equal([]);
  });

  it("builds one expression with the addresses, process and queues quoted, and refuses anything else", () => {
    const e = rpcDrainExpression({
      addresses: ["172.30.92.12", "fd00:92::12"],
      process: "heat-engine",
      queues: ["engine", "engine_worker"],
      vhost: "/",
    });
    expect(e).to.include('A <- ["172.30.92.12", "fd00:92::12"]');
    expect(e).to.include('Prefix = "heat-engine:"');
    expect(e).to.include('N <- ["engine", "engine_worker"]');
    // The queue is asked to forget the consumer without telling its channel (no ok_msg), in
    // the message its broker's version takes: 4.x queues crash on 3.x's basic_cancel.
    expect(e).to.include("V4 = rabbit_feature_flags:is_enabled('rabbitmq_4.0.0'),");
    expect(e).to.match(
      /Cancel = fun\(Ch, Tag\) when V4 ->\s+\{stop_consumer, #\{pid => Ch, consumer_tag => Tag, user => <<"kroll">>\}\};/,
    );
    expect(e).to.include('(Ch, Tag) -> {basic_cancel, Ch, Tag, undefined, <<"kroll">>}');
    expect(e).to.include("gen_server2:call(Pid, Cancel(element(1, Co), element(2, Co)), 10000)");
    // An IPv4 peer seen through a dual-stack listener (::ffff:a.b.c.d) is the same node.
    expect(e).to.include("{0, 0, 0, 0, 0, 65535, A * 256 + B, C * 256 + D}");
    expect(e).to.include("rabbit_classic_queue ->");
    expect(() =>
      rpcDrainExpression({ addresses: ['1"]), halt().'], process: "p", queues: [], vhost: "/" }),
    ).to.throw(/unexpected characters/);
    expect(() =>
      rpcDrainExpression({ addresses: [], process: "p", queues: ["q"], vhost: "/" }),
    ).to.throw(/no address/);
  });

  it("reads what the broker printed, a long binary wrapped over lines included", () => {
    expect(parseRpcDrain('<<"KROLL-RPC-DRAIN">>\n')).to.deep.equal({
      cancelled: [],
      unsupported: [],
    });
    const wrapped =
      '<<"KROLL-RPC-DRAIN cancelled:engine cancelled:engine cancelled:engine_worker "\n' +
      '  "cancelled:engine_worker unsupported:heat-engine-listener:rabbit_quorum_queue">>\n';
    const r = parseRpcDrain(wrapped);
    expect(r).to.deep.equal({
      cancelled: ["engine", "engine", "engine_worker", "engine_worker"],
      unsupported: ["heat-engine-listener:rabbit_quorum_queue"],
    });
    expect(describeCancelled(r?.cancelled ?? [])).to.deep.equal(["engine ×2", "engine_worker ×2"]);
    expect(parseRpcDrain("Error: unable to perform an operation on node 'rabbit@localhost'")).to.be
      .undefined;
  });
});
