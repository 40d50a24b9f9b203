"""Every write to the public reference data (districts and places), by sub-area.

- `load`: the bundled JSON (`panah demo`);
- `importing`: CSV and GeoJSON files from staff, row by row, with the rejected rows kept;
- `exporting`: every place as CSV or GeoJSON, which the importer reads back unchanged.
"""

from panah.places.services.exporting import places_export
from panah.places.services.importing import (
    ImportResult,
    RejectedRow,
    format_for_file_name,
    places_import,
    rejected_rows_csv,
)
from panah.places.services.load import DEFAULT_DATA, PlacesDataError, places_load

__all__ = [
    "DEFAULT_DATA",
    "ImportResult",
    "PlacesDataError",
    "RejectedRow",
    "format_for_file_name",
    "places_export",
    "places_import",
    "places_load",
    "rejected_rows_csv",
]
