"""Report stage: the national, semester and per-province reports (PDF), the workbooks and the CSV files, all
from the marts.

One axis, each layer importing only those above it:

1. reading the marts: `figures` (every select the documents make: `load_figures`, `load_semester`) and
   `exports` (five marts copied out as CSV);
2. tables and sentences: `content/` (`columns`, the catalogue of report columns; `wording`; `common`, what
   every document says of a figure's basis; `monthly`, `province`, `semester`), on the table model of `tables`
   and the Indonesian formats of `formatting`;
3. renderers: `pdf` (with the Typst layouts in templates/), `workbook`, `charts`, `csv_files`;
4. documents: `national`, `province`, `semester`, each a short assembly of a `Document` that `build`, the
   one skeleton, writes (PDF, workbook, CSV files, data dictionary) and copies to the run's folder.
"""
