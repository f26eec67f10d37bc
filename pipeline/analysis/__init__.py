"""The pure middle of the pipeline: aggregations from the domain to results.

No I/O, no clock, no logging: every function takes domain objects and returns
frozen results, so tests use literals and the render layer only formats.
``roi`` ranks the scenarios of the R.O.I. citoyen workshop (majority judgment),
``stakeholders`` counts the power/interest grid, ``opinions`` weighs the
participation devices of a Stratégie globale, ``concepts`` tallies the scenario
tests of an Émergence de concepts.
"""
