"""The provider catalog: knowledge about providers, loaded from `rules/providers/*.toml`."""

from routelint.catalog.loader import CatalogError, load_catalog
from routelint.catalog.model import Catalog, Provider

__all__ = ["Catalog", "CatalogError", "Provider", "load_catalog"]
