"""Platform adapters: each pages through one kind of remote API and yields normalized records."""
from __future__ import annotations

from .base import Adapter, FeedState, Source
from .ckan import CkanAdapter
from .dcat_rdf import DcatRdfAdapter
from .dcat_us import ArcgisHubAdapter, DcatUsAdapter
from .ods import OdsAdapter
from .socrata import SocrataAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    cls.platform: cls
    for cls in (CkanAdapter, SocrataAdapter, ArcgisHubAdapter, OdsAdapter, DcatUsAdapter,
                DcatRdfAdapter)
}

__all__ = ["ADAPTERS", "Adapter", "ArcgisHubAdapter", "CkanAdapter", "DcatRdfAdapter",
           "DcatUsAdapter", "FeedState", "OdsAdapter", "SocrataAdapter", "Source"]
