#!/usr/bin/env python3
"""Google's dp-accounting (PyPI 0.6.0) as the oracle for Placer's RDP accountant (Tests/LearningTests).

Reads one JSON object on stdin:
  {"epsilon": [{"events": [{"q": 0.01, "z": 1.0, "rounds": 100}, ...], "delta": 1e-5}, ...],
   "noise":   [{"q": 0.01, "rounds": 100, "delta": 1e-5, "epsilon": 2.0}, ...]}
and prints {"epsilon": [[epsilon, order], ...], "noise": [z, ...]} in the same order:
  epsilon: RdpAccountant() composed with each PoissonSampledDpEvent(q, GaussianDpEvent(z)) self-composed `rounds`
           times (several events: heterogeneous rounds), then get_epsilon_and_optimal_order(delta) (inf: null);
  noise:   calibrate_dp_mechanism over the noise multiplier for the same event, to 1e-6.
"""
import json
import math
import sys

import dp_accounting
from dp_accounting.rdp import rdp_privacy_accountant as rdp


def event(q, z, rounds):
    return dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(z)), rounds)


def epsilon(item):
    accountant = rdp.RdpAccountant()
    for e in item["events"]:
        accountant.compose(event(e["q"], e["z"], e["rounds"]))
    eps, order = accountant.get_epsilon_and_optimal_order(item["delta"])
    return [None if math.isinf(eps) else float(eps), float(order)]


def noise(item):
    return float(dp_accounting.calibrate_dp_mechanism(
        rdp.RdpAccountant,
        lambda z: event(item["q"], z, item["rounds"]),
        item["epsilon"], item["delta"],
        dp_accounting.LowerEndpointAndGuess(0, 1), tol=1e-6))


def main():
    request = json.load(sys.stdin)
    json.dump({"epsilon": [epsilon(i) for i in request.get("epsilon", [])],
               "noise": [noise(i) for i in request.get("noise", [])]}, sys.stdout)


if __name__ == "__main__":
    main()
