"""The funding breakdown: facts, frames, amounts, labels, totals and exchange rates.

Built on `lists`, `storage` and `records`; independent of csvio, snapshots and timeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "STATS_BY": "dimensions",
    "RATE_KIND": "exchange_rates",
    "ExchangeRate": "exchange_rates",
    "add_rate": "exchange_rates",
    "delete_rate": "exchange_rates",
    "get_rate": "exchange_rates",
    "list_rates": "exchange_rates",
    "parse_rate": "exchange_rates",
    "update_rate": "exchange_rates",
    "validate_rate": "exchange_rates",
    "Facts": "facts",
    "currencies_present": "facts",
    "load_facts": "facts",
    "Bar": "figures",
    "Breakdown": "figures",
    "DealGap": "figures",
    "FundingQuery": "figures",
    "Key": "figures",
    "Segment": "figures",
    "Unconvertible": "figures",
    "breakdown": "figures",
    "segment_deal_ids": "figures",
    "UNALLOCATED": "labels",
    "format_stats": "totals",
    "stats": "totals",
    "write_csv": "totals",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.funding.dimensions import STATS_BY as STATS_BY
    from lodestone.core.funding.exchange_rates import RATE_KIND as RATE_KIND
    from lodestone.core.funding.exchange_rates import ExchangeRate as ExchangeRate
    from lodestone.core.funding.exchange_rates import add_rate as add_rate
    from lodestone.core.funding.exchange_rates import delete_rate as delete_rate
    from lodestone.core.funding.exchange_rates import get_rate as get_rate
    from lodestone.core.funding.exchange_rates import list_rates as list_rates
    from lodestone.core.funding.exchange_rates import parse_rate as parse_rate
    from lodestone.core.funding.exchange_rates import update_rate as update_rate
    from lodestone.core.funding.exchange_rates import validate_rate as validate_rate
    from lodestone.core.funding.facts import Facts as Facts
    from lodestone.core.funding.facts import currencies_present as currencies_present
    from lodestone.core.funding.facts import load_facts as load_facts
    from lodestone.core.funding.figures import Bar as Bar
    from lodestone.core.funding.figures import Breakdown as Breakdown
    from lodestone.core.funding.figures import DealGap as DealGap
    from lodestone.core.funding.figures import FundingQuery as FundingQuery
    from lodestone.core.funding.figures import Key as Key
    from lodestone.core.funding.figures import Segment as Segment
    from lodestone.core.funding.figures import Unconvertible as Unconvertible
    from lodestone.core.funding.figures import breakdown as breakdown
    from lodestone.core.funding.figures import segment_deal_ids as segment_deal_ids
    from lodestone.core.funding.labels import UNALLOCATED as UNALLOCATED
    from lodestone.core.funding.totals import format_stats as format_stats
    from lodestone.core.funding.totals import stats as stats
    from lodestone.core.funding.totals import write_csv as write_csv
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
