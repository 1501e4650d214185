"""The statistics of comparing two workflows: Wilson score intervals for each rate, and a
two-sided two-proportion z-test (pooled) for each difference; ``math.erf``, no SciPy."""

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054
ALPHA = 0.05
TEST_NAME = "two-proportion z-test (pooled variance, two-sided, significance level 0.05)"
INTERVAL_NAME = "95% Wilson score interval"


@dataclass(frozen=True)
class Rate:
    count: int
    base: int
    rate: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Difference:
    difference: float | None
    z: float | None
    p_value: float | None
    significant: bool


def wilson(count: int, base: int, z: float = Z_95) -> Rate:
    """``count`` of ``base`` with its Wilson interval (sound at small samples and at 0 or 1)."""
    if base <= 0:
        return Rate(count, base, None, None, None)
    p = count / base
    denominator = 1 + z * z / base
    centre = (p + z * z / (2 * base)) / denominator
    half = z * math.sqrt(p * (1 - p) / base + z * z / (4 * base * base)) / denominator
    return Rate(count, base, p, max(0.0, centre - half), min(1.0, centre + half))


def _normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def two_proportion_test(a: Rate, b: Rate) -> Difference:
    """Whether ``a`` and ``b`` differ more than chance would make them."""
    if a.base <= 0 or b.base <= 0:
        return Difference(None, None, None, False)
    difference = a.rate - b.rate
    pooled = (a.count + b.count) / (a.base + b.base)
    error = math.sqrt(pooled * (1 - pooled) * (1 / a.base + 1 / b.base))
    if error == 0:
        return Difference(difference, None, None, False)
    z = difference / error
    p_value = 2 * (1 - _normal_cdf(abs(z)))
    return Difference(difference, z, p_value, p_value < ALPHA)
