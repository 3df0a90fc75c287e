"""ES's "did you mean" suffixes (SuggestingErrorOnUnknown)."""


def _lev(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def candidates(name, known):
    """Known names similar to name (Lucene LevenshteinDistance > 0.7)."""
    scored = []
    for k in known:
        m = max(len(k), len(name)) or 1
        sim = 1.0 - _lev(name, k) / m
        if sim > 0.7:
            scored.append((-sim, k))
    return [k for _s, k in sorted(scored)]


def suffix(name, known):
    """' did you mean [x]?' or ' did you mean any of [a, b]?' or ''."""
    c = candidates(name, known)
    if not c:
        return ""
    if len(c) == 1:
        return " did you mean [%s]?" % c[0]
    return " did you mean any of %s?" % ("[" + ", ".join(c) + "]")
