"""The ways the funding figures can be grouped: one list, read by the chart, `stats` and the
command line (which must not import the database code just to show its --help)."""

from __future__ import annotations

GROUPINGS = ("year", "quarter", "company", "deal", "all")  # the chart's bars
STACKINGS = ("instrument", "funder-type", "funder")  # the chart's segments
# `lodestone stats --by`: a bar dimension, or a segment dimension summed over all deals.
STATS_BY = ("year", "quarter", "company", "deal", "instrument", "funder", "funder-type")
