import { expect } from "chai";
import { PACKS } from "../../../src/services/index.js";
import { CATALOGUE, KOLLA_RECIPES, RECIPES, SERVICES } from "../../../src/services/catalogue.js";

describe("services: the registry", () => {
  it("holds one pack per service name, each naming itself, its recipes naming it too", () => {
    expect(Object.keys(PACKS)).to.deep.equal([...SERVICES]);
    for (const s of SERVICES) {
      expect(PACKS[s].spec.name, s).to.equal(s);
      expect(PACKS[s].recipe.service, s).to.equal(s);
      expect(PACKS[s].kollaRecipe?.service ?? s, s).to.equal(s);
    }
  });

  it("gives no two packs the same component, container or API port", () => {
    const all = SERVICES.flatMap((s) => CATALOGUE[s].components);
    for (const field of ["key", "container"] as const) {
      const seen = all.map((c) => c[field]);
      expect(seen, field).to.deep.equal([...new Set(seen)]);
    }
    const ports = all.flatMap((c) => (c.api ? [c.api.port] : []));
    expect(ports).to.deep.equal([...new Set(ports)]);
  });

  it("lets each recipe's stages name only its own service's components", () => {
    for (const s of SERVICES) {
      const own = new Set(CATALOGUE[s].components.map((c) => c.key));
      for (const r of [RECIPES[s], KOLLA_RECIPES[s]])
        for (const st of r.stages) {
          const named =
            st.kind === "oneShot" ? [st.component] : "components" in st ? st.components : [];
          for (const c of named) expect(own.has(c), `${s}: ${st.id} names ${c}`).to.equal(true);
        }
    }
  });
});
