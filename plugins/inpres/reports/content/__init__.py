"""Tables and sentences: what each document says, from the figures read from the marts.

`columns` is the catalogue of report columns and `wording` the words every report uses; `common` holds the
basis of a figure and what the monthly and the semester report both say; `monthly`, `province` and `semester`
hold each document's own tables and sentences.
"""
