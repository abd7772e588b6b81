// The search page: the sharded Pagefind index (search-index.js), queried as the reader types or picks a filter.
// The form's fields mirror the query string, so a search is a link that can be shared.
const form = document.getElementById("search-form");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const MAX_RESULTS = 30;

const { openIndex } = await import(form.dataset.index);
const index = await openIndex(form.dataset.bundle, form.dataset.base);

function chosenFilters() {
  const filters = {};
  for (const select of form.querySelectorAll("select[data-filter]")) {
    if (select.value) filters[select.dataset.filter] = select.value;
  }
  return filters;
}

function resultItem(data) {
  const item = document.createElement("li");
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "card-meta";
  meta.textContent = [data.meta.date, data.meta.impact].filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.innerHTML = data.excerpt; // Pagefind's excerpt: escaped text with <mark> around matches
  item.append(heading, meta, excerpt);
  return item;
}

function remember() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (value) params.set(name, value);
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

async function run() {
  const words = form.q.value.trim();
  const filters = chosenFilters();
  remember();
  if (!words && !Object.keys(filters).length) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  const search = await index.debouncedSearch(words || null, filters, form.sort.value === "date", MAX_RESULTS);
  if (search === null) return; // a newer keystroke superseded this search
  const found = await Promise.all(search.results.slice(0, MAX_RESULTS).map((result) => result.data()));
  list.replaceChildren(...found.map(resultItem));
  const count = search.count;
  const shown = count > MAX_RESULTS ? ` (the first ${MAX_RESULTS} shown)` : "";
  status.textContent = count ? `${count} ${count === 1 ? "story" : "stories"} found${shown}.` : "No stories found.";
}

const params = new URLSearchParams(location.search);
for (const field of form.elements) {
  if (field.name && params.has(field.name)) field.value = params.get(field.name);
}
form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
form.addEventListener("input", run);
form.dataset.ready = "true";
run();
