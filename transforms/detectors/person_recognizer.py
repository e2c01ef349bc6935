"""PERSON as a Presidio recognizer, reusing the jieba tags the offline NLP engine already put
on its tokens (one jieba pass per text), or tagging the text itself when run without them."""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from transforms.detectors.jieba_words import tagged_words
from transforms.detectors.person_name import CONTEXT, names_in_words

SCORE = 0.6


class PersonNameRecognizer(EntityRecognizer):
    """Chinese person names (module person_name) with the pattern-like score SCORE.

    >>> [(r.start, r.end) for r in PersonNameRecognizer().analyze("市民王芳来电", ["PERSON"])]
    [(2, 4)]
    """

    def __init__(self) -> None:
        super().__init__(
            supported_entities=["PERSON"],
            name="PersonNameRecognizer",
            supported_language="zh",
            context=list(CONTEXT),
        )

    def load(self) -> None:
        """Nothing to load: jieba is set up lazily on first use."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        words = _words_from(nlp_artifacts) if nlp_artifacts is not None else None
        if words is None:
            words = tagged_words(text)
        explanation = AnalysisExplanation(type(self).__name__, SCORE, textual_explanation="jieba")
        return [
            RecognizerResult(
                "PERSON",
                start,
                end,
                SCORE,
                analysis_explanation=explanation,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                },
            )
            for start, end in names_in_words(words)
        ]


def _words_from(artifacts: NlpArtifacts) -> list[tuple[str, str, int]] | None:
    """The (word, flag, start) triples of a Doc made by the jieba tokenizer, else None."""
    doc = artifacts.tokens
    if doc is None or not doc.has_annotation("TAG"):
        return None
    return [(t.text, t.tag_, t.idx) for t in doc]
