"""What a build checks of its rendered pages before they go live: each page's failures and every broken link,
and the lookups of the site's addresses and of the pages that hold each story, kept with the site's shape."""

from __future__ import annotations

from beatgen.config import SiteConfig
from beatgen.diagnostics import Diagnostic
from beatgen.engine.layouts import TemplateTokens
from beatgen.engine.link_errors import LinkErrors, shown_documents
from beatgen.engine.links import LinkScanner, broken_links, kept_ids, site_paths
from beatgen.engine.pages import CLEAN, Outcomes, PageHolders, page_problems
from beatgen.engine.prepared import BuildOptions, Prepared
from beatgen.engine.state import PageRecord
from beatgen.routes import Route


def verify_pages(options: BuildOptions, prepared: Prepared, tokens: TemplateTokens, outcomes: Outcomes,
                 previous: dict[str, PageRecord], failing: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """Every page's failure, once per distinct problem, and every broken link of the built site.

    `previous`: the records of the last build, whose links all resolved. While no page of it is gone and
    no page rendered again lost an id, its unchanged pages' links still resolve: only the pages rendered
    again are checked. Pages whose content files already have errors (`failing`, in `check`) are not
    link-checked again."""
    paths, routes = site_paths_of(prepared), routes_by_file(prepared)
    records = outcomes.records()
    fresh = [(o.rel, o.record) for o in outcomes.looked.values() if o.status != CLEAN and o.record is not None]
    narrow = bool(previous) and previous.keys() <= records.keys() and all(
        kept_ids(previous.get(rel), record) for rel, record in fresh)
    checked = [(rel, record) for rel, record in (fresh if narrow else records.items())
               if not failing or rel not in routes or failing.isdisjoint(shown_documents(prepared.site, routes[rel]))]
    broken = broken_links(checked, records, paths, prepared.config.base_path)
    errors = LinkErrors(options.site_dir, prepared.site, link_scanner(prepared.config), routes, tokens)
    return page_problems(outcomes) + errors.diagnostics(broken)


def link_scanner(config: SiteConfig) -> LinkScanner:
    return LinkScanner(config.base_url, config.base_path)




def page_holders(prepared: Prepared, records: dict[str, PageRecord]) -> PageHolders:
    """The pages that hold each story, from the records of the build this one shares its shape with."""
    return prepared.of_shape("page holders", lambda: PageHolders.of(records, routes_by_file(prepared)))


def routes_by_file(prepared: Prepared) -> dict[str, Route]:
    paths = site_paths_of(prepared)
    return prepared.of_shape("routes by file", lambda: {paths[route.path]: route for route in prepared.routes})


def site_paths_of(prepared: Prepared) -> dict[str, str]:
    """Each address of the site → its output file: the pages, the static files and the picture variants."""
    files = [*(name for name, _ in prepared.assets.values()),
             *(variant.path for _, variants in prepared.images.values() for variant in variants)]
    return prepared.of_shape("paths", lambda: site_paths((route.path for route in prepared.routes), files))
