"""Text analysis in Python, token for token like the Lucene chains declared in the Solr schemas.

Each analyzer turns a field value into ``(position, term)`` pairs. The chains are built
from the ``<analyzer>`` elements of the schema XML (see :mod:`.schema`); only the
tokenizers and filters implemented here are accepted, and anything else is a startup
error rather than a guess.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import Stemmer

Token = tuple[int, str]
TokenFilter = Callable[[list[Token]], list[Token]]

# Lucene's WhitespaceTokenizer splits on Character.isWhitespace: Unicode spaces, except
# the non-breaking ones.
_NON_BREAKING = {"\u00a0", "\u2007", "\u202f"}
MAX_TOKEN_LENGTH = 255


class AnalysisConfigError(Exception):
    """A schema declares an analyzer this engine cannot reproduce exactly."""


def _is_ws(char: str) -> bool:
    return (char.isspace() or char in "\x1c\x1d\x1e\x1f") and char not in _NON_BREAKING


_WS_CHARS = "".join(chr(c) for c in range(0x3000 + 1) if _is_ws(chr(c)))
_WS_SPLIT = re.compile("[" + re.escape(_WS_CHARS) + "]+")


def whitespace_tokenize(text: str, max_len: int = MAX_TOKEN_LENGTH) -> list[Token]:
    tokens: list[Token] = []
    for word in _WS_SPLIT.split(text):
        if not word:
            continue
        while len(word) > max_len:
            tokens.append((len(tokens), word[:max_len]))
            word = word[max_len:]
        tokens.append((len(tokens), word))
    return tokens


# Word delimiter character classes, as in Lucene's WordDelimiterIterator.
_LOWER, _UPPER, _DIGIT, _DELIM = 1, 2, 4, 8
_ALPHA = _LOWER | _UPPER
_ALPHANUM = _ALPHA | _DIGIT


def _char_type(char: str) -> int:
    cat = unicodedata.category(char)
    if cat == "Ll":
        return _LOWER
    if cat == "Lu":
        return _UPPER
    if cat in ("Lo", "Lm", "Lt"):
        return _ALPHA
    if cat in ("Nd", "Nl", "No"):
        return _DIGIT
    if cat in ("Mn", "Me", "Mc", "Cs"):
        return _ALPHANUM
    return _DELIM


@dataclass(frozen=True)
class WordDelimiter:
    """Lucene's WordDelimiter(Graph)Filter for the options CKAN's schema uses."""

    generate_word_parts: bool = True
    generate_number_parts: bool = True
    catenate_words: bool = False
    catenate_numbers: bool = False
    catenate_all: bool = False
    split_on_case_change: bool = True
    split_on_numerics: bool = True
    preserve_original: bool = False
    stem_english_possessive: bool = True

    def _is_break(self, last: int, cur: int) -> bool:
        if cur & last:
            return False
        if not self.split_on_case_change and last & _ALPHA and cur & _ALPHA:
            return False
        if last & _UPPER and cur & _ALPHA:
            return False
        return self.split_on_numerics or not (
            (last & _ALPHA and cur & _DIGIT) or (last & _DIGIT and cur & _ALPHA)
        )

    def _single(self, text: str) -> bool:
        """Whether ``text`` is one subword (the common case, decided without a scan)."""
        if text.isalpha():
            return not self.split_on_case_change or text.islower() or text.isupper() or (
                text[1:].islower())
        return text.isdigit() and text.isascii()

    def subwords(self, text: str) -> list[tuple[str, int]]:
        """The parts of one token, each with its class (_ALPHA or _DIGIT)."""
        if self._single(text):
            return [(text, _ALPHA if text.isalpha() else _DIGIT)]
        types = [_char_type(c) for c in text]
        n = len(text)
        parts: list[tuple[str, int]] = []
        i = 0
        while i < n:
            while i < n and types[i] & _DELIM:
                i += 1
            if i >= n:
                break
            start = i
            last = types[i]
            i += 1
            while i < n and not types[i] & _DELIM and not self._is_break(last, types[i]):
                last = types[i]
                i += 1
            end = i
            # English possessive: drop a trailing 's after a word part.
            if (
                self.stem_english_possessive
                and end - start >= 1
                and end + 2 <= n
                and text[end] == "'"
                and text[end + 1] in "sS"
                and (end + 2 == n or types[end + 2] & _DELIM)
                and types[end - 1] & _ALPHA
            ):
                parts.append((text[start:end], _ALPHA if types[start] & _ALPHA else _DIGIT))
                i = end + 2
                continue
            kind = _DIGIT if types[start] & _DIGIT and not types[start] & _ALPHA else _ALPHA
            parts.append((text[start:end], kind))
        return parts

    def __call__(self, tokens: list[Token]) -> list[Token]:
        out: list[Token] = []
        pos = -1
        single = self._single
        for _, text in tokens:
            if single(text):
                pos += 1
                out.append((pos, text))
                continue
            parts = self.subwords(text)
            if not parts:
                continue
            if len(parts) == 1 and parts[0][0] == text:
                pos += 1
                out.append((pos, text))
                continue
            first = pos + 1
            if self.preserve_original:
                out.append((first, text))
            part_positions: list[int] = []
            for part, kind in parts:
                pos += 1
                part_positions.append(pos)
                if (kind == _ALPHA and self.generate_word_parts) or (
                    kind == _DIGIT and self.generate_number_parts
                ):
                    out.append((pos, part))
            if self.catenate_all and len(parts) > 1:
                out.append((first, "".join(p for p, _ in parts)))
            else:
                # Catenate runs of word parts and runs of number parts; the catenated
                # token sits at the first position of its run (what FlattenGraph keeps).
                run: list[int] = []
                for idx in range(len(parts) + 1):
                    run_of = parts[idx][1] if idx < len(parts) else None
                    if run and (run_of != parts[run[0]][1]):
                        run_kind = parts[run[0]][1]
                        wanted = (run_kind == _ALPHA and self.catenate_words) or (
                            run_kind == _DIGIT and self.catenate_numbers
                        )
                        if wanted and len(run) > 1:
                            out.append(
                                (part_positions[run[0]], "".join(parts[k][0] for k in run))
                            )
                        run = []
                    if run_of is not None:
                        run.append(idx)
        out.sort(key=lambda t: t[0])
        return out


def lowercase(tokens: list[Token]) -> list[Token]:
    return [(p, t.lower()) for p, t in tokens]


# Characters that Lucene's ASCIIFoldingFilter maps but Unicode decomposition does not.
_FOLD_SPECIAL = {
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D",
    "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ĸ": "q", "ŀ": "l", "Ŀ": "L",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
}


def _foldable(char: str) -> bool:
    # Only Latin letters, Latin ligatures and general punctuation are folded, as Lucene
    # does; other scripts (Greek, Cyrillic, CJK, Hangul...) are left alone.
    code = ord(char)
    return (
        0x00C0 <= code <= 0x024F
        or 0x1E00 <= code <= 0x1EFF
        or 0x2C60 <= code <= 0x2C7F
        or 0xA720 <= code <= 0xA7FF
        or 0xFB00 <= code <= 0xFB06
        or 0x2070 <= code <= 0x209F
        or char in "\u00b2\u00b3\u00b9"
    )


def fold_ascii(text: str) -> str:
    if text.isascii():
        return text
    out: list[str] = []
    for char in text:
        if char in _FOLD_SPECIAL:
            out.append(_FOLD_SPECIAL[char])
        elif _foldable(char):
            decomposed = unicodedata.normalize("NFKD", char)
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
        else:
            out.append(char)
    return "".join(out)


def ascii_folding(tokens: list[Token]) -> list[Token]:
    return [(p, fold_ascii(t)) for p, t in tokens]


@dataclass
class SnowballStem:
    language: str
    protected: frozenset[str] = frozenset()
    _stemmer: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        try:
            self._stemmer = Stemmer.Stemmer(self.language.lower())
        except KeyError as exc:
            raise AnalysisConfigError(f"no Snowball stemmer for {self.language!r}") from exc

    def __call__(self, tokens: list[Token]) -> list[Token]:
        stem = self._stemmer.stemWord
        return [(p, t if t in self.protected else stem(t)) for p, t in tokens]


# Lucene's default French articles (FrenchAnalyzer.DEFAULT_ARTICLES).
FRENCH_ARTICLES = frozenset(
    ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"]
)


@dataclass(frozen=True)
class Elision:
    articles: frozenset[str] = FRENCH_ARTICLES
    ignore_case: bool = True

    def strip(self, text: str) -> str:
        for idx, char in enumerate(text):
            if char in "'\u2019":
                prefix = text[:idx]
                if (prefix.lower() if self.ignore_case else prefix) in self.articles:
                    return text[idx + 1:]
                return text
        return text

    def __call__(self, tokens: list[Token]) -> list[Token]:
        return [(p, self.strip(t)) for p, t in tokens]


def _identity(tokens: list[Token]) -> list[Token]:
    return tokens


#: analysis caches: values up to SHORT_TEXT characters, and a few recent longer ones
SHORT_TEXT = 200
SHORT_CACHE_ENTRIES = 20000
LONG_CACHE_ENTRIES = 32


@dataclass
class Analyzer:
    """A tokenizer followed by filters; ``kind`` says how the field is matched.

    ``kind`` is ``"tokens"`` for ordinary analysed fields (terms go to the tsvector)
    and ``"substring"`` for n-gram fields, whose matches are exactly substring tests
    on the lowercased value (so the grams need not be stored).
    """

    name: str
    tokenizer: Callable[[str], list[Token]]
    filters: Sequence[TokenFilter] = ()
    multiterm_filters: Sequence[TokenFilter] = ()
    kind: str = "tokens"
    min_gram: int = 0
    max_gram: int = 0

    def __post_init__(self) -> None:
        # Short values (tags, formats, names) repeat across documents; long ones (descriptions)
        # only within one document, through copyFields. Both caches are bounded so a long
        # harvest or rebuild keeps a flat memory profile.
        self._cache: dict[str, list[Token]] = {}
        self._recent_long: dict[str, list[Token]] = {}

    def analyze(self, text: str) -> list[Token]:
        """Tokens of ``text``; repeated values (copyFields, tags, formats) are cached."""
        cache = self._cache if len(text) <= SHORT_TEXT else self._recent_long
        cached = cache.get(text)
        if cached is not None:
            return cached
        tokens = self.tokenizer(text)
        for filt in self.filters:
            tokens = filt(tokens)
            if not tokens:
                break
        result = [(p, t) for p, t in tokens if t]
        if len(cache) >= (SHORT_CACHE_ENTRIES if cache is self._cache else LONG_CACHE_ENTRIES):
            cache.clear()
        cache[text] = result
        return result

    def normalize(self, text: str) -> str:
        """Solr's multiterm analysis (wildcards, prefixes, ranges): no tokenizing,
        only the character-level filters (lowercase, folding, elision)."""
        tokens: list[Token] = [(0, text)]
        for filt in self.multiterm_filters:
            tokens = filt(tokens)
        return tokens[0][1] if tokens else ""


def _bool(attrs: dict[str, str], key: str, default: bool) -> bool:
    value = attrs.get(key)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _int(attrs: dict[str, str], key: str, default: int) -> int:
    value = attrs.get(key)
    return int(value) if value is not None else default


def _short(cls: str) -> str:
    return cls.rsplit(".", 1)[-1]


def build_analyzer(
    name: str,
    tokenizer: tuple[str, dict[str, str]],
    filters: Iterable[tuple[str, dict[str, str]]],
    read_words: Callable[[str], frozenset[str] | None],
) -> Analyzer:
    """Map a Solr analyzer chain to a Python analyzer, refusing anything unknown.

    ``read_words(filename)`` returns the words of a resource file next to the schema,
    or ``None`` when the file is not there (CKAN ships no protwords.txt/synonyms.txt;
    Solr images provide empty or sample ones).
    """
    tok_cls, tok_attrs = tokenizer
    filter_list = list(filters)
    # Types declaring the same chain (CKAN's text and our text_en) share one analyzer,
    # and so its cache: copyFields analyse the same value into both.
    signature = repr((tok_cls, sorted(tok_attrs.items()),
                      [(c, sorted(a.items())) for c, a in filter_list]))
    shared = _SHARED.get(signature)
    if shared is None:
        shared = _build_analyzer(name, tokenizer, filter_list, read_words)
        _SHARED[signature] = shared
    return shared


_SHARED: dict[str, Analyzer] = {}


def _build_analyzer(
    name: str,
    tokenizer: tuple[str, dict[str, str]],
    filter_list: list[tuple[str, dict[str, str]]],
    read_words: Callable[[str], frozenset[str] | None],
) -> Analyzer:
    tok_cls, tok_attrs = tokenizer
    tok = _short(tok_cls)
    if tok == "NGramTokenizerFactory":
        rest = [_short(c) for c, _ in filter_list]
        if rest not in ([], ["LowerCaseFilterFactory"]):
            raise AnalysisConfigError(
                f"field type {name}: NGramTokenizer is only supported followed by LowerCaseFilter"
            )
        return Analyzer(
            name, whitespace_tokenize, [lowercase], [lowercase], kind="substring",
            min_gram=_int(tok_attrs, "minGramSize", 1), max_gram=_int(tok_attrs, "maxGramSize", 2),
        )
    if tok == "WhitespaceTokenizerFactory":
        max_len = _int(tok_attrs, "maxTokenLen", MAX_TOKEN_LENGTH)

        def tokenize(text: str) -> list[Token]:
            return whitespace_tokenize(text, max_len)
    elif tok == "KeywordTokenizerFactory":
        def tokenize(text: str) -> list[Token]:
            return [(0, text)] if text else []
    else:
        raise AnalysisConfigError(f"field type {name}: unsupported tokenizer {tok_cls}")

    chain: list[TokenFilter] = []
    multiterm: list[TokenFilter] = []
    for cls, attrs in filter_list:
        short = _short(cls)
        if short in ("WordDelimiterGraphFilterFactory", "WordDelimiterFilterFactory"):
            if attrs.get("protected") or attrs.get("types"):
                raise AnalysisConfigError(
                    f"field type {name}: word delimiter 'protected'/'types' files are not supported"
                )
            chain.append(WordDelimiter(
                generate_word_parts=_bool(attrs, "generateWordParts", True),
                generate_number_parts=_bool(attrs, "generateNumberParts", True),
                catenate_words=_bool(attrs, "catenateWords", False),
                catenate_numbers=_bool(attrs, "catenateNumbers", False),
                catenate_all=_bool(attrs, "catenateAll", False),
                split_on_case_change=_bool(attrs, "splitOnCaseChange", True),
                split_on_numerics=_bool(attrs, "splitOnNumerics", True),
                preserve_original=_bool(attrs, "preserveOriginal", False),
                stem_english_possessive=_bool(attrs, "stemEnglishPossessive", True),
            ))
        elif short == "FlattenGraphFilterFactory":
            continue
        elif short == "LowerCaseFilterFactory":
            chain.append(lowercase)
            multiterm.append(lowercase)
        elif short == "ASCIIFoldingFilterFactory":
            if _bool(attrs, "preserveOriginal", False):
                raise AnalysisConfigError(
                    f"field type {name}: ASCIIFoldingFilter preserveOriginal is not supported"
                )
            chain.append(ascii_folding)
            multiterm.append(ascii_folding)
        elif short == "SnowballPorterFilterFactory":
            protected: frozenset[str] = frozenset()
            if attrs.get("protected"):
                protected = read_words(attrs["protected"]) or frozenset()
            chain.append(SnowballStem(attrs.get("language", "English"), protected))
        elif short == "ElisionFilterFactory":
            articles = FRENCH_ARTICLES
            if attrs.get("articles"):
                words = read_words(attrs["articles"])
                if words is None:
                    raise AnalysisConfigError(
                        f"field type {name}: elision articles file {attrs['articles']} not found"
                    )
                articles = words
            elision = Elision(articles, _bool(attrs, "ignoreCase", False))
            chain.append(elision)
            multiterm.append(elision)
        elif short in ("SynonymGraphFilterFactory", "SynonymFilterFactory"):
            words = read_words(attrs.get("synonyms", "synonyms.txt"))
            if words:
                raise AnalysisConfigError(
                    f"field type {name}: synonym lists are not supported ({attrs.get('synonyms')})"
                )
            chain.append(_identity)
        else:
            raise AnalysisConfigError(f"field type {name}: unsupported filter {cls}")
    return Analyzer(name, tokenize, chain, multiterm)
