"""Populations: a whole city's cases as tables, evaluated by the very rules a single case runs (免申即享).

Population directory format
---------------------------
``population.yaml``::

    document: wzb-2019-76        # the gazette document whose case model the tables follow
    year: 2020                   # the year concerned (as a case's ``year``)
    readings: {}                 # optional: switch → option, as a case's ``readings``
    synthetic: true              # true for generated data; real data says false
    seed: 7                      # the generator's seed (synthetic only), else null
    entities: 10000              # how many enterprises were generated (synthetic only), else null
    calibration: "…"             # where the figures come from: gazette quotes and stated assumptions
    case: {applied_on: 2020-05-01}   # optional: the case model's case-wide (non-list) fields

One file per list field of the document's case model, named after the field
(``parties.parquet``, ``loans.parquet``, ``guarantees.parquet`` …), whose columns are exactly the
fields of the list's item model. A nested list (``Party.qualifications``,
``BondIssue.lead_underwriters``) is its own file ``<parent>.<child>.parquet`` (e.g.
``parties.qualifications.parquet``) with an extra ``parent`` column holding the parent row's id. An
absent file is an empty list. ``.arrow``/``.feather`` (Arrow IPC) and ``.csv`` files are read too;
in CSV every column is text, an empty cell is "not given" and a list is written ``2019;2020``. An
Arrow IPC file is memory-mapped: written uncompressed (``duixian population generate --format
arrow``), a city loads in about half the time of its Parquet, for five times the disk.

Arrow types (what the writer writes; the loader also casts text and compatible types):

    str, Literal, Uscc  string            date        date32
    Money               decimal128(16,2)  Percent     decimal128(12,6)  (1.5 = 1.5%)
    bool                bool              int         int64
    float               float64           Decimal     decimal128(max_digits or 38, decimal_places or 10)
    list[X]             list<X's type>    (list[int] stays list<int64>: 76号 g1 compares years as ints)
    X | None            nullable

A null is "not given", like a key left out of a case: the field's default applies, and a field
without a default is an error. The case model's types, constraints (ge, le, min_length, pattern,
Literal values), USCC check characters and custom validators are enforced by the loader
(``load``), column by column; errors name ``<table>[row].<field>`` (the first 20, and the count).

Custom validators are checked by vectorised detectors (``checks.DETECTORS``, all of 76号's); a
model whose validator has none is checked by pydantic row by row (correct, slow). A validator that
TRANSFORMS its input (e.g. a month "2020-03" → 2020-03-01) is not applied: write the validated
value.

Modules: ``schema`` (the layout read off the case model), ``load`` (files → engine tables),
``write`` (tables → files; a case → a population; one enterprise's case out of a population),
``batch`` (evaluate, list payable lines), ``synthetic`` (generated populations).
"""

from duixian.population.load import Population, load_population, open_population

__all__ = ["Population", "load_population", "open_population"]
