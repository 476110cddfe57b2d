import { expect } from "chai";
import { encodeNumber } from "../../../src/run/subunit.js";

describe("run/subunit.encodeNumber", () => {
  it("uses 1 to 4 bytes, the top two bits of the first saying how many", () => {
    expect([...encodeNumber(0)]).to.deep.equal([0x00]);
    expect([...encodeNumber(63)]).to.deep.equal([0x3f]);
    expect([...encodeNumber(64)]).to.deep.equal([0x40, 0x40]);
    expect([...encodeNumber(16_383)]).to.deep.equal([0x7f, 0xff]);
    expect([...encodeNumber(16_384)]).to.deep.equal([0x80, 0x40, 0x00]);
    expect([...encodeNumber(4_194_303)]).to.deep.equal([0xbf, 0xff, 0xff]);
    expect([...encodeNumber(4_194_304)]).to.deep.equal([0xc0, 0x40, 0x00, 0x00]);
    expect(() => encodeNumber(0x40000000)).to.throw(RangeError);
    expect(() => encodeNumber(-1)).to.throw(RangeError);
  });
});
