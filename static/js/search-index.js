// The search index is split into shards: Pagefind bundles of consecutive stories, oldest first, listed in
// pagefind/shards.json with a lexicon, one record per shard holding that shard's words. Each `openIndex`
// makes one Pagefind instance that loads the first bundle with its WebAssembly and merges the others, each
// tagged with a `shard` filter, so that words, filters and counts span every story.
// Two things one index does that merged bundles do not, done here:
// - Pagefind falls back to a shorter word when no word of an index begins with a term, and merged bundles
//   decide that each alone; so the lexicon is asked first which shards hold every term, and only those
//   are searched (a filter on `shard`).
// - Pagefind ranks merged bundles together by relevance, but its date sort orders each bundle's results
//   only within that bundle; the shards hold disjoint date ranges, so newest first is each shard's own
//   order, newest shard first, asked of one shard at a time.

const DEBOUNCE_MS = 150;
const EXACT = /^\s*".+"\s*$/; // Pagefind's own test for a quoted search, which never falls back
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function openIndex(bundle, baseUrl) {
  const response = await fetch(`${bundle}shards.json`, { cache: "no-cache" });
  if (!response.ok) throw new Error(`the search index list is missing (${response.status})`);
  const { shards, lexicon } = await response.json();
  if (!shards.length) return new ShardedIndex(null, []);
  const { createInstance } = await import(`${bundle}${shards[0]}/pagefind.js`);
  const pagefind = createInstance({ baseUrl, mergeFilter: { shard: "0" } });
  await Promise.all([
    ...shards.slice(1).map((name, index) =>
      pagefind.mergeIndex(`${bundle}${name}/`, { baseUrl, mergeFilter: { shard: String(index + 1) } })),
    pagefind.mergeIndex(`${bundle}${lexicon}/`, { mergeFilter: { shard: "lexicon" } }),
  ]);
  return new ShardedIndex(pagefind, shards);
}

class ShardedIndex {
  constructor(pagefind, names) {
    this.pagefind = pagefind;
    this.names = names;
    this.latest = 0;
  }

  // The positions of the shards that hold every word searched for (all of them when there are no words).
  async holding(words) {
    const all = this.names.map((_name, index) => String(index));
    if (!words || EXACT.test(words)) return all;
    // Filtering on `holds` (by every shard) makes Pagefind load that filter, and so count its values.
    const found = await this.pagefind.search(words, { filters: { shard: "lexicon", holds: { any: this.names } } });
    const holds = found.filters.holds ?? {};
    return all.filter((index) => holds[this.names[index]]);
  }

  // The stories found (`count`) and, in the order asked (`newest` first, else by relevance), the Pagefind
  // results (`result.data()` loads one): all of them, or at least the first `wanted`.
  async search(words, filters, newest, wanted = Infinity) {
    const shards = this.pagefind ? await this.holding(words) : [];
    if (!shards.length) return { count: 0, results: [] };
    const within = { ...filters, shard: { any: shards } };
    if (!newest) {
      const { results } = await this.pagefind.search(words, { filters: within });
      return { count: results.length, results };
    }
    const sort = { date: "desc" };
    const all = await this.pagefind.search(words, { filters: within, sort });
    const perShard = all.filters.shard ?? {};
    const results = [];
    for (const shard of shards.reverse()) {
      if (results.length >= wanted) break;
      if (!perShard[shard]) continue;
      const one = await this.pagefind.search(words, { filters: { ...filters, shard }, sort });
      results.push(...one.results);
    }
    return { count: all.results.length, results };
  }

  // `search` after a pause, or null when a later call superseded this one (one per keystroke).
  async debouncedSearch(words, filters, newest, wanted) {
    const ticket = ++this.latest;
    if (this.pagefind) this.pagefind.preload(words, { filters });
    await sleep(DEBOUNCE_MS);
    if (ticket !== this.latest) return null;
    const found = await this.search(words, filters, newest, wanted);
    return ticket === this.latest ? found : null;
  }
}
