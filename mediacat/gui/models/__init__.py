"""Qt item models over the catalog: the lazy item model, the filter facets and an item's sources."""
