"""Facts across the filings of one run: pasted paragraphs and one metric stated differently.

Split where the work happens: `features` runs in the worker that checked an evaluation and keeps only what
this stage needs; `index` runs in the main process, collects the features of the whole run and yields the
cross-filing facts (`paste`, `metric_pair`) of each evaluation. (Nothing is imported here, so a fact kind
may use the features without importing the index.)
"""
