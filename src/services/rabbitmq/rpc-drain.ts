/**
 * PURE. Draining an oslo.messaging RPC server at the broker: the RabbitMQ expression that
 * cancels its consumers on shared topic queues, and what is read back.
 *
 * Why: oslo.messaging 14 (Zed; bookworm's) loses a call that RabbitMQ delivers to a server that
 * has stopped reading its queues but not yet closed its connection (the delivery is read and
 * acknowledged while the connection closes, then dropped). No AMQP client other than the
 * consumer's own channel can cancel a consumer, so kroll asks the queue itself, through
 * `rabbitmqctl eval`, to forget the consumer: the queue sends it nothing more, the server's
 * channel stays open (it still answers the calls it is running) and is not told (so it does
 * not reconnect and consume again); its restart consumes afresh. A server is recognised by
 * the address its connection comes from (one of its node's) and its connection name, which
 * oslo.messaging starts with the process name ("heat-engine:22:<uuid>").
 *
 * Only classic queues: a quorum queue's consumers live in its Raft state and are not touched
 * (reported as unsupported). The queue message is the one the broker's own channels send, chosen
 * as RabbitMQ's classic queue client chooses it: with the `rabbitmq_4.0.0` feature flag on,
 * `{stop_consumer, #{pid, consumer_tag, user}}` (4.3 no longer takes the old form: its queue
 * process crashes on it, dropping every consumer, seen on 4.3.6); before it, 3.8–3.13's
 * `{basic_cancel, ChPid, Tag, OkMsg, User}`. No ok_msg in either: the channel is not told.
 *
 * A broker listening on a dual-stack socket sees an IPv4 peer as `::ffff:a.b.c.d`; both forms
 * of each address are matched.
 */

export interface RpcDrainRequest {
  /** The node's own addresses (its RPC connections come from one of them). */
  readonly addresses: readonly string[];
  /** Connection-name prefix: the server's process name. */
  readonly process: string;
  readonly queues: readonly string[];
  readonly vhost: string;
}

/** What the broker did: queues it cancelled one of the server's consumers on (one per consumer). */
export interface RpcDrainResult {
  readonly cancelled: readonly string[];
  /** Queues kroll cannot drain (`name:type`, e.g. a quorum queue). */
  readonly unsupported: readonly string[];
}

const SAFE = /^[A-Za-z0-9_.:/-]+$/;
const MARK = "KROLL-RPC-DRAIN";

const erlString = (s: string): string => {
  if (!SAFE.test(s)) throw new Error(`unexpected characters in "${s}"`);
  return `"${s}"`;
};
const erlList = (xs: readonly string[]): string => `[${xs.map(erlString).join(", ")}]`;

/** Interfaces whose addresses say nothing about which node a connection comes from. */
const LOCAL_ONLY = /^(lo|docker\d*|br-[0-9a-f]+|virbr\d*|veth\w*)$/;

/**
 * The node's addresses in `ip -o addr show` output (`2: eth0    inet 10.0.0.5/24 ...`), without
 * loopback, link-local and container-bridge ones: docker0 has the same address on every node,
 * and a loopback peer is a client on the broker's own node.
 */
export function nodeAddresses(ipAddrOutput: string): string[] {
  const out = new Set<string>();
  for (const line of ipAddrOutput.split("\n")) {
    const m = /^\d+:\s+([^\s@]+)\S*\s+inet6?\s+([0-9a-fA-F:.]+)\//.exec(line.trim());
    const [, dev, a] = m ?? [];
    if (dev === undefined || a === undefined || LOCAL_ONLY.test(dev)) continue;
    if (a === "::1" || a.startsWith("127.") || a.toLowerCase().startsWith("fe80:")) continue;
    out.add(a);
  }
  return [...out];
}

/** The `rabbitmqctl eval` expression; its result is one string: the marker, then the tokens. */
export function rpcDrainExpression(r: RpcDrainRequest): string {
  if (r.addresses.length === 0)
    throw new Error("no address of the node to match its connections by");
  return [
    `Ips0 = [element(2, inet:parse_address(A)) || A <- ${erlList(r.addresses)}],`,
    "Ips = Ips0 ++ [{0, 0, 0, 0, 0, 65535, A * 256 + B, C * 256 + D} || {A, B, C, D} <- Ips0],",
    // The cancel message this broker's queues take (see above).
    "V4 = rabbit_feature_flags:is_enabled('rabbitmq_4.0.0'),",
    "Cancel = fun(Ch, Tag) when V4 ->",
    '    {stop_consumer, #{pid => Ch, consumer_tag => Tag, user => <<"kroll">>}};',
    '  (Ch, Tag) -> {basic_cancel, Ch, Tag, undefined, <<"kroll">>}',
    "end,",
    `Prefix = ${erlString(`${r.process}:`)},`,
    // The server's channels: from one of the node's addresses, named after its process.
    "Mine = fun(Ch) ->",
    "  try",
    "    [{connection, C}] = rabbit_channel:info(Ch, [connection]),",
    "    [{peer_host, H}, {client_properties, P}] =",
    "      rabbit_networking:connection_info(C, [peer_host, client_properties]),",
    '    Name = case lists:keyfind(<<"connection_name">>, 1, P) of',
    '      {_, _, V} when is_binary(V) -> binary_to_list(V); _ -> "" end,',
    "    lists:member(H, Ips) andalso lists:prefix(Prefix, Name)",
    "  catch _:_ -> false end",
    "end,",
    "Drain = fun(QName) ->",
    `  case rabbit_amqqueue:lookup(rabbit_misc:r(list_to_binary(${erlString(r.vhost)}), queue, list_to_binary(QName))) of`,
    "    {ok, Q} ->",
    "      case amqqueue:get_type(Q) of",
    "        rabbit_classic_queue ->",
    "          Pid = amqqueue:get_pid(Q),",
    "          [begin",
    "             ok = gen_server2:call(Pid, Cancel(element(1, Co), element(2, Co)), 10000),",
    '             "cancelled:" ++ QName',
    "           end || Co <- rabbit_amqqueue:consumers(Q), Mine(element(1, Co))];",
    '        T -> ["unsupported:" ++ QName ++ ":" ++ atom_to_list(T)]',
    "      end;",
    "    _ -> []",
    "  end",
    "end,",
    `list_to_binary(lists:flatten([${erlString(MARK)}, [[" ", X] || X <- lists:append([Drain(N) || N <- ${erlList(r.queues)}])]])).`,
  ].join("\n");
}

/** Reads the expression's printed result; undefined when the output does not carry it. */
export function parseRpcDrain(stdout: string): RpcDrainResult | undefined {
  const m = new RegExp(`"${MARK}([^"]*)"`).exec(stdout.replace(/"\s*\n\s*"/g, ""));
  if (!m) return undefined;
  const tokens = (m[1] ?? "").split(" ").filter(Boolean);
  const cancelled: string[] = [];
  const unsupported: string[] = [];
  for (const t of tokens) {
    if (t.startsWith("cancelled:")) cancelled.push(t.slice("cancelled:".length));
    else if (t.startsWith("unsupported:")) unsupported.push(t.slice("unsupported:".length));
  }
  return { cancelled, unsupported };
}

/** "engine ×2, engine_worker ×2" */
export function describeCancelled(queues: readonly string[]): string[] {
  const n = new Map<string, number>();
  for (const q of queues) n.set(q, (n.get(q) ?? 0) + 1);
  return [...n].map(([q, k]) => `${q} ×${k}`);
}
