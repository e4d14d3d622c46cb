"""Report stage: the national, semester and per-province reports (PDF), the workbook and the CSV files,
all from the marts; the manifest and the mail that deliver them."""
