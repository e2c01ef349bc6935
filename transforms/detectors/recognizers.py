"""Detectors as Presidio recognizers: an adapter, so each identifier type stays defined once
(its detector class) and Presidio sees the same pattern, score, context and validation."""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from transforms.detectors.base import Detector
from transforms.detectors.normalize import normalize_text

LANGUAGE = "zh"
FLAGS = regex.DOTALL | regex.MULTILINE
"""Presidio's defaults without IGNORECASE: each PATTERN states where case does not matter."""


class DetectorRecognizer(PatternRecognizer):
    """A PatternRecognizer whose validation is the detector's `validate` (True -> 1.0,
    False -> dropped, None -> the pattern score stands). Patterns run over the text with
    full-width characters mapped to ASCII (one for one, so offsets are unchanged), as the
    vectorised scan does: １３８… is a mobile number too."""

    def __init__(self, detector: Detector) -> None:
        self.detector = detector
        super().__init__(
            supported_entity=detector.ENTITY,
            name=f"{type(detector).__name__}Recognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern(detector.ENTITY, detector.PATTERN, detector.SCORE)],
            context=list(detector.CONTEXT),
            global_regex_flags=FLAGS,
        )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        return super().analyze(normalize_text(text), entities, nlp_artifacts, regex_flags)

    def validate_result(self, pattern_text: str) -> bool | None:
        return self.detector.validate(pattern_text)


def recognizer_for(detector: Detector) -> PatternRecognizer:
    """The Presidio recognizer for one detector.

    >>> from transforms.detectors.resident_id import ResidentIdDetector
    >>> rec = recognizer_for(ResidentIdDetector())
    >>> [(r.start, r.end, r.score) for r in rec.analyze("身份证110101199003077571", [])]
    [(3, 21, 1.0)]
    >>> rec.analyze("身份证110101199003077572", [])
    []
    """
    return DetectorRecognizer(detector)
