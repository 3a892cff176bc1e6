"""Pure money math of the capital ledger: pro-rata allocation by the largest-remainder rule."""


def allocate(total: int, weights: dict[int, int]) -> dict[int, int]:
    """Split total (minor units) over weights keyed by partner id; the parts sum to total exactly.

    Each gets floor(total * w / sum(w)); the units left over go one each to the largest fractional
    remainders, ties to the lower partner id. A negative total is split as its opposite, negated.
    """
    if total < 0:
        return {key: -part for key, part in allocate(-total, weights).items()}
    if any(weight < 0 for weight in weights.values()):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        if total:
            raise ValueError("cannot allocate over zero weights")
        return dict.fromkeys(weights, 0)
    parts, remainders = {}, []
    for key in sorted(weights):
        part, remainder = divmod(total * weights[key], weight_sum)
        parts[key] = part
        remainders.append((-remainder, key))
    left_over = total - sum(parts.values())
    for _remainder, key in sorted(remainders)[:left_over]:
        parts[key] += 1
    return parts
