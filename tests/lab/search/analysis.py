"""Text analysis: a close approximation of Lucene's standard analyzer.

Elasticsearch analyses ``text`` fields with the standard tokenizer (Unicode
UAX #29 word boundaries) and a lowercase filter.  What matters for log
search, and is reproduced here:

* ``prd-web-01`` → ``prd``, ``web``, ``01`` (hyphens split words), which is
  why ``host:prd-web-01`` on a text field matches other hosts too;
* ``10.77.0.5``, ``foo.bar``, ``don't``, ``a_b`` stay one token (letters or
  digits joined by ``.``, ``'`` or ``_``; digits joined by ``,`` or ``;``);
* ``v1.2`` stays one token; ``ERROR:`` → ``error``;
* every Han ideograph and Hiragana character is its own token, Katakana and
  Hangul runs stay together;
* tokens longer than 255 characters are split (max_token_length).

Deviation: the full UAX #29 tables (e.g. emoji, Extend/Format characters,
Thai) are not reproduced; such characters are dropped like punctuation.
"""

import unicodedata

MAX_TOKEN = 255

_LETTER, _DIGIT, _EXTNUM, _MIDLETTER, _MIDNUMLET, _MIDNUM, _IDEO, _KATA, _OTHER = range(9)


def _klass(c):
    if c == "_":
        return _EXTNUM
    if c in ".'\u2018\u2019\u2024\ufe52\uff07\uff0e":
        return _MIDNUMLET
    if c in ":\u00b7\u0387\u05f4\u2027\ufe13\ufe55\uff1a":
        return _MIDLETTER
    if c in ",;\u037e\u0589\u060c\u060d\u066c\u07f8\u2044\ufe10\ufe14\ufe50\ufe54\uff0c\uff1b":
        return _MIDNUM
    o = ord(c)
    if (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF
            or 0xF900 <= o <= 0xFAFF or 0x3040 <= o <= 0x309F):
        return _IDEO
    if 0x30A0 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F:
        return _KATA
    cat = unicodedata.category(c)
    if cat[0] == "L" or cat == "Mn" or cat == "Mc":
        return _LETTER
    if cat == "Nd":
        return _DIGIT
    return _OTHER


def _word(k):
    return k in (_LETTER, _DIGIT, _EXTNUM)


def tokenize(text):
    """Split text into lower-cased tokens (the standard analyzer)."""
    return [t for t, _s, _e in tokenize_spans(text)]


def tokenize_spans(text):
    """Tokens with their character offsets: [(token, start, end)]."""
    out = []
    n = len(text)
    i = 0
    classes = [_klass(c) for c in text]
    while i < n:
        k = classes[i]
        if k == _IDEO:
            out.append((text[i], i, i + 1))
            i += 1
            continue
        if k == _KATA:
            j = i
            while j < n and classes[j] == _KATA:
                j += 1
            out.append((text[i:j], i, j))
            i = j
            continue
        if not _word(k):
            i += 1
            continue
        j = i + 1
        while j < n:
            kj = classes[j]
            if _word(kj):
                j += 1
                continue
            # A middle character joins two word characters of the right kind.
            if j + 1 < n and _word(classes[j + 1]):
                prev, nxt = classes[j - 1], classes[j + 1]
                if kj == _MIDNUMLET and prev != _EXTNUM and nxt != _EXTNUM:
                    j += 2
                    continue
                if kj == _MIDLETTER and prev == _LETTER and nxt == _LETTER:
                    j += 2
                    continue
                if kj == _MIDNUM and prev == _DIGIT and nxt == _DIGIT:
                    j += 2
                    continue
            break
        tok = text[i:j].lower()
        start = i
        while len(tok) > MAX_TOKEN:
            out.append((tok[:MAX_TOKEN], start, start + MAX_TOKEN))
            tok = tok[MAX_TOKEN:]
            start += MAX_TOKEN
        out.append((tok, start, j))
        i = j
    return out


def normalize(text):
    """How a single term (wildcard, prefix, fuzzy) is normalised for a text
    field: lower-cased, not split."""
    return text.lower()
