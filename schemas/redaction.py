"""A legis token quoted where a person or a log may read it keeps its ID only: `legis_<id>_[redacted]`.

A token is `legis_<12 hex digits>_<secret>` (`api.tokens`). Its secret is shown once, when it is issued; a caller who
pastes it where an ID is expected (a path part, `legis tokens revoke`, a query parameter) must not find it again in an
answer, an audit row or a log line. The logs (`workers.log_config`), the problem details and the refusals the API
records (`api.problems`, `api.tokens`), the pages and the CLI's failures all write texts through `tokens_redacted`.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"
# Wherever it stands, glued to other text too ("xlegis_..."): a word boundary before it let such a secret through.
TOKEN = re.compile(r"(legis_[0-9a-f]{12}_)[A-Za-z0-9_\-]+")
_WHOLE_TOKEN = re.compile(r"legis_([0-9a-f]{12})_[A-Za-z0-9_\-]+")
# A token's whole secret (`api.tokens`: 32 random bytes, base64url, 43 characters) where a name or an ID belongs: what
# is refused (`not_a_secret`). Narrower than TOKEN, which redacts any likeness: a file named "legis_202612051030_du-thao"
# is no secret.
SECRET = re.compile(r"(legis_[0-9a-f]{12}_)[A-Za-z0-9_\-]{43}")


def secret_in(text: str) -> str | None:
    """The token whose whole secret `text` holds, as its ID shows it (`legis_<id>_[redacted]`); None when it holds none."""
    return f"{found.group(1)}{REDACTED}" if (found := SECRET.search(text)) is not None else None


def tokens_redacted(text: str) -> str:
    """`text` with every token's secret part replaced by `[redacted]` (its ID kept, which names the token and opens nothing)."""
    return TOKEN.sub(rf"\1{REDACTED}", text) if "legis_" in text else text


def token_id_in(text: str) -> str | None:
    """The token ID of `text` when `text` is a whole token (its secret included), else None."""
    whole = _WHOLE_TOKEN.fullmatch(text.strip())
    return whole.group(1) if whole else None
