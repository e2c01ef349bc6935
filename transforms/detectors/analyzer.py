"""An AnalyzerEngine that works offline: no spaCy model download, only our recognizers.

The NLP engine is a blank spaCy "zh" pipeline whose tokenizer is jieba's part-of-speech
segmenter (one pass gives both words for context and the name tags PERSON needs) plus a
component setting lemma = text, since Presidio matches context words against lemmas: with
characters as tokens, or no lemmas, 身份证 and 电话 would never raise a score.
"""

from __future__ import annotations

from functools import cache

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from transforms.detectors.jieba_words import tagged_words
from transforms.detectors.person_recognizer import PersonNameRecognizer
from transforms.detectors.recognizers import LANGUAGE, recognizer_for
from transforms.detectors.registry import ALL_DETECTORS

_LEMMA = "sluice_lemma_is_text"


class JiebaTokenizer:
    """spaCy tokenizer from jieba.posseg: words cover the text exactly, tags are jieba flags."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words = tagged_words(text)
        return Doc(
            self.vocab,
            words=[w for w, _, _ in words],
            spaces=[False] * len(words),
            tags=[f for _, f, _ in words],
        )


@Language.component(_LEMMA)
def _lemma_is_text(doc: Doc) -> Doc:
    for token in doc:
        token.lemma_ = token.text
    return doc


def blank_pipeline() -> Language:
    """spacy.blank("zh") (nothing downloaded) with the jieba tokenizer and the lemma step."""
    nlp = spacy.blank(LANGUAGE)
    nlp.tokenizer = JiebaTokenizer(nlp.vocab)
    nlp.add_pipe(_LEMMA)
    return nlp


class OfflineNlpEngine(SpacyNlpEngine):
    """SpacyNlpEngine over `blank_pipeline`; `load` never looks for a model package."""

    def __init__(self) -> None:
        super().__init__(models=[{"lang_code": LANGUAGE, "model_name": "blank"}])

    def load(self) -> None:
        self.nlp = {LANGUAGE: blank_pipeline()}


def recognizers() -> list[EntityRecognizer]:
    """Every detector (the gate's, the extra ones, ADDRESS) as a recognizer, plus PERSON."""
    return [*(recognizer_for(d) for d in ALL_DETECTORS.values()), PersonNameRecognizer()]


@cache
def build_analyzer() -> AnalyzerEngine:
    """The offline analyzer for language "zh", built once per process (construction loads
    jieba's dictionary and compiles every pattern).

    >>> [r.entity_type for r in build_analyzer().analyze("电话13812345678", language="zh")]
    ['CN_MOBILE']
    """
    engine = OfflineNlpEngine()
    engine.load()
    registry = RecognizerRegistry(recognizers=recognizers(), supported_languages=[LANGUAGE])
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[LANGUAGE])
