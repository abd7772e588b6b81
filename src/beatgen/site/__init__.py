"""The site: indexes over the published content (by slug, topic, entity, date) and what derives from them."""
