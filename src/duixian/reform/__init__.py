"""Budget simulation of reforms: change a parameter or a reading, see what it costs and who gains.

Reform file (YAML)::

    name: c1-cap-300k                       # a short id (letters, digits, . _ -): names the output folder
    description: 第一条单户补助上限由20万元提高到30万元
    document: wzb-2019-76                   # the gazette document whose rules are reformed
    from: 2020-01-01                        # the changed parameters take their new value from this day
    parameters:                             # parameter → new value, in the parameter's own unit
      wzb-2019-76.c1.cap: 300000            #   yuan (元), percent (20 = 20%), count, number, text
    readings:                               # switch → option (the interpretations register)
      wzb-2019-76.c1.day_count: actual_365

A value may also be written ``{value: 300000, unit: yuan}``: the unit is then checked against the
parameter's. Errors name the field (``parameters.wzb-2019-76.c1.cap``, ``readings.<switch>``, ``from``).

The baseline and the reform are evaluated on the same population by the engine's own ``evaluate``
(``population.batch``): no formula is copied. Compared: every line of a money rule (cash, deposit
quota, investment), summed per beneficiary and rule; the cost is the cash difference, exact to the fen.

Modules: ``spec`` (the reform file, checked against the rulebook), ``simulate`` (both runs, the
per-beneficiary comparison and its summaries).
"""

from duixian.reform.simulate import Simulation, simulate
from duixian.reform.spec import Reform, load_reform, parse_reform

__all__ = ["Reform", "Simulation", "load_reform", "parse_reform", "simulate"]
