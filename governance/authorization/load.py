"""Reading authorization files: parse, validate, and report every problem with its line."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from governance.authorization.models import Authorization
from governance.errors import PolicyError, PolicyErrors
from governance.policy.load import _dotted, _from_pydantic, _parse
from governance.policy.yaml_lines import KeyPath, line_of, read_utf8


@dataclass(frozen=True)
class LoadedAuthorization:
    """A validated authorization with the file it came from."""

    path: Path
    authorization: Authorization
    sha256: str
    lines: dict[KeyPath, int] = field(repr=False)

    def error(self, message: str, *key: str | int) -> PolicyError:
        """A PolicyError pointing at the line of `key` (or its nearest written parent)."""
        line, found = line_of(self.lines, key)
        return PolicyError(self.path, message, line=line, key=_dotted(found) or None)


def load_authorization(path: Path | str, model: type[Authorization]) -> LoadedAuthorization:
    """Load one authorization file with `model` (see `authorization_model`, which names the
    product kinds it may allow); raises PolicyErrors listing every problem found."""
    path = Path(path)
    raw, text = read_utf8(path, "authorization")
    data, lines = _parse(path, text, "an authorization is a YAML mapping starting with "
                         "'sluice_authorization: 1'")  # fmt: skip
    try:
        model.model_validate(data)  # names only product kinds this domain builds
        authorization = Authorization.model_validate(data)  # stored and compared as granted
    except ValidationError as exc:
        problems = [_from_pydantic(path, lines, err, model) for err in exc.errors()]
        raise PolicyErrors(problems) from None
    return LoadedAuthorization(path, authorization, hashlib.sha256(raw).hexdigest(), lines)
