import { expect } from "chai";
import { sqlIdentifier, sqlString } from "../../../../src/services/mariadb/deploy.js";

describe("services/mariadb: SQL built with quoting", () => {
  it("quotes an operator's password whatever it holds, so the statement stays one literal", () => {
    expect(sqlString(`it's-a-Secret42`)).to.equal(`'it\\'s-a-Secret42'`);
    expect(sqlString(`a"b\\c%d&e<f+g`)).to.equal(`'a\\"b\\\\c%d&e<f+g'`);
    expect(sqlString("x\ny\0")).to.equal("'x\\ny\\0'");
    // What is left between the quotes has no unescaped quote: it cannot end the literal early.
    const inner = sqlString(`'; DROP DATABASE ironic; -- \\'`).slice(1, -1);
    expect(inner.replace(/\\./g, "")).to.not.include("'");
    expect(sqlIdentifier("ir`onic")).to.equal("`ir``onic`");
  });
});
