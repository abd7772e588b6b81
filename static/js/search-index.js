// The search index is split into shards: Pagefind bundles of consecutive stories, oldest first, listed in
// pagefind/shards.json. One Pagefind instance loads the first bundle with its WebAssembly and merges the
// others, each tagged with a `shard` filter, so that words, filters and counts span every story.
// Pagefind ranks merged bundles together by relevance, but its date sort orders each bundle's results
// only within that bundle; the shards hold disjoint date ranges, so newest first is each shard's own
// order, newest shard first, asked of one shard at a time (its `shard` filter).

const DEBOUNCE_MS = 150;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function openIndex(bundle, baseUrl) {
  const response = await fetch(`${bundle}shards.json`, { cache: "no-cache" });
  if (!response.ok) throw new Error(`the search index list is missing (${response.status})`);
  const { shards } = await response.json();
  if (!shards.length) return new ShardedIndex(null, 0);
  const pagefind = await import(`${bundle}${shards[0]}/pagefind.js`);
  await pagefind.options({ baseUrl, mergeFilter: { shard: "0" } });
  pagefind.init();
  await Promise.all(shards.slice(1).map((name, index) =>
    pagefind.mergeIndex(`${bundle}${name}/`, { baseUrl, mergeFilter: { shard: String(index + 1) } })));
  return new ShardedIndex(pagefind, shards.length);
}

class ShardedIndex {
  constructor(pagefind, count) {
    this.pagefind = pagefind;
    this.count = count;
    this.latest = 0;
  }

  // The stories found (`count`) and, in the order asked (`newest` first, else by relevance), the Pagefind
  // results (`result.data()` loads one): all of them, or at least the first `wanted`.
  async search(words, filters, newest, wanted = Infinity) {
    if (!this.pagefind) return { count: 0, results: [] };
    if (!newest) {
      const { results } = await this.pagefind.search(words, { filters });
      return { count: results.length, results };
    }
    const sort = { date: "desc" };
    const all = await this.pagefind.search(words, { filters, sort });
    const perShard = all.filters.shard ?? {};
    const results = [];
    for (let shard = this.count - 1; shard >= 0 && results.length < wanted; shard--) {
      if (!perShard[shard]) continue;
      const one = await this.pagefind.search(words, { filters: { ...filters, shard: String(shard) }, sort });
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
