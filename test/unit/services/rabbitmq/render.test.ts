import { expect } from "chai";
import { advancedConfig, erlBinary } from "../../../../src/services/rabbitmq/render.js";

describe("services/rabbitmq/render", () => {
  it("writes a password as an Erlang binary that nothing in it can end", () => {
    expect(erlBinary(`Kr'o"l\\l%2F&x<y+z#w`)).to.equal(`<<"Kr'o\\"l\\\\l%2F&x<y+z#w"/utf8>>`);
    expect(erlBinary("é\n")).to.equal(`<<"\\x{e9}\\x{a}"/utf8>>`);
  });

  it("keeps the default user out of rabbitmq.conf, where # starts a comment anywhere", () => {
    expect(advancedConfig("openstack", "a#b")).to.equal(
      `[{rabbit, [{default_user, <<"openstack"/utf8>>}, {default_pass, <<"a#b"/utf8>>}]}].\n`,
    );
  });
});
