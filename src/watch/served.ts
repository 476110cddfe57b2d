/**
 * PURE. Which containers logged each request id: the evidence of which version served a
 * request. Bounded: past `max` ids the oldest are forgotten (a run's load sends fewer).
 */
export interface ServedBy {
  readonly node: string;
  readonly container: string;
  /** The container's image when its line was read (`…/ironic-conductor:proposed`). */
  readonly image: string;
  /** When the line was read (one log poll after it was written, at most). */
  readonly at: number;
}

export class ServedIndex {
  private readonly byId = new Map<string, ServedBy[]>();
  private readonly max: number;
  constructor(max = 200_000) {
    this.max = max;
  }

  /** Records that `by` logged `id`; once per container and id. */
  add(id: string, by: ServedBy): void {
    const list = this.byId.get(id);
    if (list === undefined) {
      if (this.byId.size >= this.max) {
        const oldest = this.byId.keys().next().value;
        if (oldest !== undefined) this.byId.delete(oldest);
      }
      this.byId.set(id, [by]);
    } else if (!list.some((x) => x.node === by.node && x.container === by.container)) list.push(by);
  }

  of(id: string): readonly ServedBy[] {
    return this.byId.get(id) ?? [];
  }

  get size(): number {
    return this.byId.size;
  }
}
