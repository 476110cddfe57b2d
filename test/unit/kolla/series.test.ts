import { expect } from "chai";
import {
  compareUpstream,
  isSlurp,
  seriesOf,
  unsupportedUpgrade,
  upstreamOf,
} from "../../../src/kolla/series.js";
import type { SeriesTable } from "../../../src/kolla/series.js";
import { LAB_PACKS } from "../../../src/services/catalogue.js";

const table = (name: string): SeriesTable => {
  const t = LAB_PACKS.find((p) => p.lab.source === name)?.lab.series;
  if (t === undefined) throw new Error(`${name} has no series table`);
  return t;
};

describe("kolla/series", () => {
  it("reads the upstream version inside a Debian one", () => {
    expect(upstreamOf("1:39.0.0-6")).to.equal("39.0.0");
    expect(upstreamOf("1:29.0.5-0+deb13u4")).to.equal("29.0.5");
    expect(upstreamOf("27.0.0~rc1-1")).to.equal("27.0.0~rc1");
    expect(upstreamOf("4.3.6")).to.equal("4.3.6");
    expect(compareUpstream("36.0.0", "35.0.1")).to.be.greaterThan(0);
    expect(compareUpstream("21.4", "21.4.0")).to.equal(0);
  });

  it("places Ironic's releases as openstack/releases does, intermediate ones included", () => {
    const at = (v: string) => seriesOf(table("ironic"), v)?.series;
    expect(at("21.4.4")).to.equal("2023.1");
    expect(at("23.1.0")).to.equal("2024.1"); // caracal's first, after bobcat's 23.0.x
    expect(at("23.0.5")).to.equal("2023.2");
    expect(at("29.0.5")).to.equal("2025.1");
    expect(at("35.0.1")).to.equal("2026.1");
    expect(at("38.0.0")).to.equal("2026.2");
    expect(at("39.0.0")).to.equal("2026.2");
    // Past what the table knows: Ironic releases several times a series, so no guess.
    expect(seriesOf(table("ironic"), "40.0.0")).to.equal(undefined);
    expect(seriesOf(table("ironic"), "19.0.0")).to.equal(undefined);
  });

  it("extrapolates Heat one major a series, and says so", () => {
    expect(seriesOf(table("heat"), "26.0.1")).to.deep.equal({
      series: "2026.1",
      extrapolated: false,
    });
    expect(seriesOf(table("heat"), "27.0.0")).to.deep.equal({
      series: "2026.2",
      extrapolated: false,
    });
    expect(seriesOf(table("heat"), "28.0.0")).to.deep.equal({
      series: "2027.1",
      extrapolated: true,
    });
    expect(seriesOf(table("heat"), "29.0.0")).to.equal(undefined); // past the series kroll knows
  });

  it("supports N → N+1 and SLURP → SLURP, and says why not otherwise", () => {
    expect(isSlurp("2025.1")).to.equal(true);
    expect(isSlurp("2025.2")).to.equal(false);
    expect(unsupportedUpgrade("2026.1", "2026.2")).to.equal(undefined);
    expect(unsupportedUpgrade("2026.1", "2026.1")).to.equal(undefined);
    expect(unsupportedUpgrade("2025.1", "2026.1")).to.equal(undefined);
    expect(unsupportedUpgrade("2025.2", "2026.2")).to.include("skips 1 release");
    expect(unsupportedUpgrade("2025.1", "2026.2")).to.include("skips 2 releases");
    expect(unsupportedUpgrade("2026.2", "2026.1")).to.include("downgrade");
  });
});
